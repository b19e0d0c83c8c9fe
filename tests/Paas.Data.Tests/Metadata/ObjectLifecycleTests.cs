using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Query;
using Paas.Data.Records;
using Paas.Data.Storage;
using Paas.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Paas.Data.Tests.Metadata;

public sealed class ObjectLifecycleTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Created_object_gets_a_table_that_records_can_be_written_to_and_read_from(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (tenant, _) = await db.CreateTenantAsync();
        var ct = CancellationToken.None;

        await db.Metadata.CreateObjectAsync(tenant, new ObjectInput { ApiName = "Invoice", Label = "Invoice" }, ct);
        await db.Metadata.CreateFieldAsync(tenant, new FieldInput { Object = "Invoice", ApiName = "amount", Label = "Amount", Type = FieldType.Currency, Required = true }, ct);
        var metadata = await db.Metadata.GetAsync(tenant, ct);
        Assert.Equal(3, metadata.Version); // 1 is the tenant's built-in profiles and administrator
        var invoice = metadata.FindObject("Invoice")!;

        await using var session = await OpenAsync(db, tenant, metadata);
        await session.BeginAsync(ct);
        var pipeline = new RecordWritePipeline(session, new Caller(tenant, Guid.NewGuid(), "test"), TimeProvider.System);
        await pipeline.CreateAsync(invoice, [new Dictionary<string, object?> { ["name"] = "INV-1", ["amount"] = 12.5m }], ct);
        await session.CommitAsync(ct);

        var page = await RecordQueryExecutor.ListAsync(session, new ListRequest
        {
            Selection = new RecordSelection(invoice, [invoice.FindField("name")!, invoice.FindField("amount")!], []),
            IncludeTotalCount = true,
        }, ct);
        Assert.Equal(1, page.TotalCount);
        Assert.Equal(12.5m, page.Rows[0].Values["amount"]);

        var error = await Assert.ThrowsAsync<PaasException>(() =>
            pipeline.CreateAsync(invoice, [new Dictionary<string, object?> { ["amount"] = "x" }], ct));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["amount", "name"], error.FieldErrors.Select(e => e.Field).Order());
    }

    private static async Task<TenantSession> OpenAsync(TestDatabase db, TenantInfo tenant, TenantMetadata metadata)
    {
        var connector = db.Services.GetRequiredService<IDatabaseConnector>();
        return new TenantSession(tenant, await connector.OpenAsync(tenant, CancellationToken.None), connector.Dialect, metadata);
    }
}
