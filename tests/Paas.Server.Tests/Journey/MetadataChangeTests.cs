using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Journey;

/// <summary>A change to metadata is visible in the data API on the next request, without a restart.</summary>
public sealed class MetadataChangeTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_new_object_and_field_are_usable_in_the_very_next_request(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        var before = await server.DataAsync("{ invoices { totalCount } }");
        ResponseAssert.IsSafeError(before);

        (await server.MetadataAsync("""mutation { createObject(input: {apiName: "Invoice", label: "Invoice", pluralLabel: "Invoices"}) { apiName } }""")).AssertOk();
        Assert.Equal(0L, (long)(await server.DataOkAsync("{ invoices { totalCount } }"))["invoices"]!["totalCount"]!);
        var id = (string)(await server.DataOkAsync("""mutation { createInvoice(input: {name: "INV-1"}) { id } }"""))["createInvoice"]!["id"]!;

        (await server.MetadataAsync("""
            mutation { createField(input: {object: "Invoice", apiName: "total", label: "Total", type: NUMBER, scale: 2}) { apiName } }
            """)).AssertOk();
        var updated = (await server.DataOkAsync("""
            mutation($id: ID!) { updateInvoice(id: $id, input: {total: 12.5}) { total version } }
            """, new { id }))["updateInvoice"]!;
        Assert.Equal(12.5m, (decimal)updated["total"]!);

        var filtered = await server.DataOkAsync("{ invoices(filter: {total: {gt: 10}}, orderBy: [{total: DESC}]) { totalCount nodes { name total } } }");
        Assert.Equal(1L, (long)filtered["invoices"]!["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_deleted_field_is_unqueryable_at_once_and_restoreField_brings_it_back_with_its_data(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var ids = await SalesSchema.CreateOpportunitiesAsync(server,
            new { name = "A", amount = 10, closeDate = "2026-05-01" },
            new { name = "B", amount = 20, closeDate = "2026-06-01" });

        Assert.True((bool)(await server.MetadataOkAsync("""mutation { deleteField(object: "Opportunity", apiName: "closeDate") }"""))["deleteField"]!);

        foreach (var query in new[]
                 {
                     "{ opportunities { nodes { name closeDate } } }",
                     """{ opportunities(filter: {closeDate: {isNull: false}}) { totalCount } }""",
                     "{ opportunities(orderBy: [{closeDate: ASC}]) { totalCount } }",
                 })
        {
            var response = await server.DataAsync(query);
            ResponseAssert.IsSafeError(response);
            Assert.Null(response.Data?["opportunities"]);
        }

        var write = await server.DataAsync("""mutation { createOpportunity(input: {name: "C", amount: 1, closeDate: "2026-01-01"}) { id } }""");
        ResponseAssert.IsSafeError(write);
        Assert.Equal(2, await SalesSchema.CountAsync(server, "opportunities"));

        // The rest of the object still works.
        var names = (await server.DataOkAsync("{ opportunities(orderBy: [{name: ASC}]) { nodes { name amount } } }"))["opportunities"]!["nodes"]!;
        Assert.Equal(["A", "B"], SalesSchema.Strings(names, "name"));

        var listed = (await server.MetadataOkAsync("""{ object(apiName: "Opportunity") { fields { apiName } all: fields(includeDeleted: true) { apiName deleted } } }"""))["object"]!;
        Assert.DoesNotContain("closeDate", SalesSchema.Strings(listed["fields"], "apiName"));
        Assert.Contains(listed["all"]!.AsArray(), f => (string?)f!["apiName"] == "closeDate" && (bool)f["deleted"]!);

        var restored = (await server.MetadataOkAsync("""mutation { restoreField(object: "Opportunity", apiName: "closeDate") { apiName type deleted } }"""))["restoreField"]!;
        Assert.Equal("DATE", (string?)restored["type"]);
        Assert.False((bool)restored["deleted"]!);

        var back = (await server.DataOkAsync("{ opportunities(orderBy: [{closeDate: DESC}]) { nodes { id name closeDate } } }"))["opportunities"]!["nodes"]!;
        Assert.Equal(["B", "A"], SalesSchema.Strings(back, "name"));
        Assert.Equal(["2026-06-01", "2026-05-01"], SalesSchema.Strings(back, "closeDate"));
        Assert.Equal([ids[1], ids[0]], SalesSchema.Strings(back, "id"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_deleted_object_disappears_from_the_data_API_and_comes_back_on_restore(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);
        await SalesSchema.CreateAccountAsync(server, "Acme", "Software");

        Assert.True((bool)(await server.MetadataOkAsync("""mutation { deleteObject(apiName: "Account") }"""))["deleteObject"]!);
        ResponseAssert.IsSafeError(await server.DataAsync("{ accounts { totalCount } }"));

        _ = await server.MetadataOkAsync("""mutation { restoreObject(apiName: "Account") { apiName } }""");
        Assert.Equal(1, await SalesSchema.CountAsync(server, "accounts"));
    }
}
