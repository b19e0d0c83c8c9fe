using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Platform;
using Paas.Data.Security;
using Paas.Data.Storage;
using Paas.Server.Hosting;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Audit;

/// <summary>Metadata changes are audited in their own transaction (who, what, with which input); old entries are pruned.</summary>
public sealed class AuditTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Metadata_changes_are_audited_with_actor_operation_and_input_and_failed_ones_are_not(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        var me = (string)(await server.MetadataOkAsync("{ me { id } }"))["me"]!["id"]!;
        await server.MetadataOkAsync("""mutation { createObject(input: {apiName: "Invoice", label: "Invoice"}) { apiName } }""");
        await server.MetadataOkAsync("""mutation { createField(input: {object: "Invoice", apiName: "amount", label: "Amount", type: CURRENCY}) { apiName } }""");
        var refused = await server.MetadataAsync("""mutation { createField(input: {object: "Invoice", apiName: "amount", label: "Again", type: TEXT}) { apiName } }""");
        ResponseAssert.IsSafeError(refused);

        var log = (await server.MetadataOkAsync("""{ auditLog(first: 50) { actor action target details } }"""))["auditLog"]!.AsArray();
        var metadata = log.Where(e => ((string)e!["action"]!).StartsWith("metadata.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["metadata.createField", "metadata.createObject"], metadata.Select(e => (string)e!["action"]!));
        Assert.All(metadata, e => Assert.Equal(me, (string?)e!["actor"]));
        Assert.All(metadata, e => Assert.Equal("Invoice", (string?)e!["target"]));
        Assert.Contains("\"apiName\":\"amount\"", (string)metadata[0]!["details"]!, StringComparison.Ordinal);

        var filtered = (await server.MetadataOkAsync("""{ auditLog(first: 50, action: "metadata.createObject") { action } }"""))["auditLog"]!.AsArray();
        Assert.Single(filtered);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Creating_using_and_revoking_a_key_is_audited_without_the_key(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        var user = (string)(await server.MetadataOkAsync("""
            mutation { createUser(input: {name: "Ann", email: "ann@example.test"}) { id } }
            """))["createUser"]!["id"]!;
        var created = (await server.MetadataOkAsync($$"""
            mutation { createApiKey(input: {user: "{{user}}", name: "ann ci", expiresAt: null}) { key apiKey { id } } }
            """))["createApiKey"]!;
        var key = (string)created["key"]!;
        var keyId = (string)created["apiKey"]!["id"]!;
        (await server.DataAsync("{ _metadataVersion }", key: key)).AssertOk();
        await server.MetadataOkAsync($$"""mutation { revokeApiKey(id: "{{keyId}}") { id } }""");

        var log = (await server.MetadataOkAsync("""{ auditLog(first: 50) { actor credential action target details } }"""))["auditLog"]!.AsArray();
        var keyEvents = log.Where(e => ((string)e!["action"]!).StartsWith("apiKey.", StringComparison.Ordinal)
                                       && ((string?)e["target"] ?? "").Contains("ann ci", StringComparison.Ordinal)).ToList();
        Assert.Contains(log, e => (string?)e!["action"] == "apiKey.used" && e["actor"] is not null && (string?)e["actor"] != user); // the admin's own key
        Assert.Equal(["apiKey.revoked", "apiKey.used", "apiKey.created"], keyEvents.Select(e => (string)e!["action"]!));
        var used = keyEvents[1]!;
        Assert.Equal(user, (string?)used["actor"]);
        Assert.Equal("key:" + keyId, (string?)used["credential"]);
        Assert.DoesNotContain(key, log.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Entries_older_than_the_configured_retention_are_pruned(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Paas:Audit:AuditRetentionDays"] = "30",
            ["Paas:Audit:HistoryRetentionDays"] = "0",
        });
        await server.MetadataOkAsync("""mutation { createObject(input: {apiName: "Invoice", label: "Invoice"}) { apiName } }""");
        var tenant = (await server.Services.GetRequiredService<TenantCatalog>().FindAsync(PaasServer.BootstrapTenant, CancellationToken.None))!;
        var connector = server.Services.GetRequiredService<IDatabaseConnector>();
        var metadata = await server.Services.GetRequiredService<MetadataCache>().GetAsync(tenant, CancellationToken.None);
        await using (var connection = await connector.OpenAsync(tenant, CancellationToken.None))
        await using (var session = new TenantSession(tenant, connection, connector.Dialect, metadata))
        {
            var old = new Caller(tenant, Guid.Empty, "test");
            await AuditLog.WriteAsync(session, old, "test.old", "aged", null, DateTimeOffset.UtcNow.AddDays(-31), CancellationToken.None);
            await AuditLog.WriteAsync(session, old, "test.recent", "fresh", null, DateTimeOffset.UtcNow.AddDays(-29), CancellationToken.None);
        }

        await server.Services.GetRequiredService<RetentionService>().RunOnceAsync(CancellationToken.None);

        var actions = (await server.MetadataOkAsync("""{ auditLog(first: 100) { action } }"""))["auditLog"]!.AsArray().Select(e => (string)e!["action"]!).ToList();
        Assert.DoesNotContain("test.old", actions);
        Assert.Contains("test.recent", actions);
        Assert.Contains("metadata.createObject", actions);
    }

    [Fact]
    public async Task A_retention_outside_its_range_stops_the_server_with_the_key_named()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Paas:Audit:AuditRetentionDays"] = "-1" });
        });
        Assert.Contains("Paas:Audit:AuditRetentionDays", error.ToString(), StringComparison.Ordinal);
    }
}
