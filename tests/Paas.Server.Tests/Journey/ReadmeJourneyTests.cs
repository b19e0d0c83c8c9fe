using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Journey;

/// <summary>The README's "first session", end to end over HTTP, as a new user would type it.</summary>
public sealed class ReadmeJourneyTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_first_session_works_end_to_end(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        // Define two objects, with fields of different types and a lookup.
        await SalesSchema.CreateAsync(server);
        var objects = (await server.MetadataAsync("{ objects { apiName label fields { apiName type required } } }")).AssertOk();
        var opportunityFields = objects["objects"]!.AsArray().Single(o => (string?)o!["apiName"] == "Opportunity")!["fields"]!.AsArray();
        foreach (var (field, type) in new[] { ("amount", "CURRENCY"), ("stage", "PICKLIST"), ("closeDate", "DATE"), ("account", "LOOKUP"),
                     ("externalId", "TEXT"), ("isPriority", "BOOLEAN"), ("tags", "MULTI_PICKLIST"), ("details", "JSON"), ("id", null), ("version", null) })
        {
            var definition = opportunityFields.SingleOrDefault(f => (string?)f!["apiName"] == field);
            Assert.True(definition is not null, $"Opportunity has no field {field}: {opportunityFields.ToJsonString()}");
            if (type is not null)
            {
                Assert.Equal(type, (string?)definition!["type"]);
            }
        }

        // Write records: the API exists as soon as the metadata does.
        var acme = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        var shop = await SalesSchema.CreateAccountAsync(server, "Corner Shop", "Retail");
        var created = (await server.DataAsync($$$"""
            mutation { createOpportunities(inputs: [
              {name: "Big deal", amount: 120000, stage: "Negotiation", account: "{{{acme}}}", closeDate: "2027-03-31",
               isPriority: true, tags: ["Hot", "Partner"], details: {source: "web", score: 7, nested: [1, 2]}},
              {name: "Small deal", amount: 900, account: "{{{acme}}}", externalId: "crm-42"},
              {name: "Shop deal", amount: 5000.5, stage: "ClosedWon", account: "{{{shop}}}", closeDate: "2026-12-01", isPriority: false}]) {
                id name stage amount version createdAt updatedAt account { id name } } }
            """)).AssertOk();
        var opportunities = created["createOpportunities"]!.AsArray();
        Assert.Equal(["Big deal", "Small deal", "Shop deal"], SalesSchema.Strings(opportunities, "name"));
        Assert.Equal("Prospecting", (string?)opportunities[1]!["stage"]); // the picklist default
        Assert.Equal(1L, (long)opportunities[0]!["version"]!);
        Assert.Equal(acme, (string?)opportunities[0]!["account"]!["id"]);
        Assert.Equal("Acme", (string?)opportunities[0]!["account"]!["name"]);
        var ids = opportunities.Select(o => (string)o!["id"]!).ToList();
        Assert.All(ids, id => Assert.True(Guid.TryParse(id, out _), $"id {id} is not a UUID"));

        // Read one back with every type of field.
        var big = (await server.DataAsync("""
            query($id: ID!) { opportunity(id: $id) { id name amount stage closeDate isPriority tags details externalId version
              account { id name industry } } }
            """, new { id = ids[0] })).AssertOk()["opportunity"]!;
        Assert.Equal(120000m, (decimal)big["amount"]!);
        Assert.Equal("2027-03-31", (string?)big["closeDate"]);
        Assert.True((bool)big["isPriority"]!);
        Assert.Equal(["Hot", "Partner"], big["tags"]!.AsArray().Select(t => (string?)t).ToList());
        Assert.Equal("web", (string?)big["details"]!["source"]);
        Assert.Equal(7, (int)big["details"]!["score"]!);
        Assert.Equal(2, big["details"]!["nested"]!.AsArray().Count);
        Assert.Null(big["externalId"]);
        Assert.Equal("Software", (string?)big["account"]!["industry"]);
        var system = (await server.DataOkAsync("""
            query($id: ID!) { opportunity(id: $id) { id version createdAt createdBy updatedAt updatedBy ownerId } }
            """, new { id = ids[0] }))["opportunity"]!;
        foreach (var field in new[] { "createdAt", "createdBy", "updatedAt", "updatedBy", "ownerId" })
        {
            Assert.False(string.IsNullOrEmpty(system[field]?.ToString()), $"System field {field} is empty: {system.ToJsonString()}");
        }

        // Filter (incl. through the lookup), sort and page.
        var page = (await server.DataAsync("""
            query { opportunities(filter: {amount: {gt: 500}, account: {industry: {eq: "Software"}}},
                                  orderBy: [{amount: DESC}], first: 1) {
              totalCount pageInfo { hasNextPage endCursor } nodes { name amount closeDate account { name industry } } } }
            """)).AssertOk()["opportunities"]!;
        Assert.Equal(2L, (long)page["totalCount"]!);
        Assert.True((bool)page["pageInfo"]!["hasNextPage"]!);
        Assert.Equal(["Big deal"], SalesSchema.Strings(page["nodes"], "name"));
        Assert.Equal("Acme", (string?)page["nodes"]![0]!["account"]!["name"]);
        var next = (await server.DataAsync("""
            query($after: String) { opportunities(filter: {amount: {gt: 500}, account: {industry: {eq: "Software"}}},
                                  orderBy: [{amount: DESC}], first: 1, after: $after) {
              totalCount pageInfo { hasNextPage endCursor } nodes { name } } }
            """, new { after = (string?)page["pageInfo"]!["endCursor"] })).AssertOk()["opportunities"]!;
        Assert.Equal(["Small deal"], SalesSchema.Strings(next["nodes"], "name"));
        Assert.False((bool)next["pageInfo"]!["hasNextPage"]!);

        // Add a field and use it in the very next request.
        (await server.MetadataAsync("""
            mutation { createField(input: {object: "Opportunity", apiName: "probability", label: "Probability", type: PERCENT}) { apiName } }
            """)).AssertOk();
        var unset = (await server.DataAsync("query { opportunities(filter: {probability: {isNull: true}}) { totalCount } }")).AssertOk();
        Assert.Equal(3L, (long)unset["opportunities"]!["totalCount"]!);
        var updated = (await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, expectedVersion: 1, input: {probability: 75.5}) { probability version } }
            """, new { id = ids[0] })).AssertOk();
        Assert.Equal(75.5m, (decimal)updated["updateOpportunity"]!["probability"]!);
        Assert.Equal(2L, (long)updated["updateOpportunity"]!["version"]!);

        // Bad input is reported field by field ...
        var bad = await server.DataAsync("""
            mutation { createOpportunity(input: {amount: "lots", stage: "Won?", closeDate: "tomorrow"}) { id } }
            """);
        ResponseAssert.FieldErrors(bad, "amount", "stage", "closeDate", "name");
        Assert.Null(bad.Data?["createOpportunity"]);

        // ... and a stale version is a conflict.
        var stale = await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, expectedVersion: 7, input: {stage: "ClosedWon"}) { version } }
            """, new { id = ids[0] });
        ResponseAssert.GraphQLError(stale, "CONFLICT");
        Assert.Equal(3, await SalesSchema.CountAsync(server, "opportunities"));

        // A second tenant sees none of it.
        var tenant = (await server.PlatformAsync("""
            mutation { createTenant(input: {slug: "acme", name: "Acme Ltd"}) { tenant { slug } adminApiKey } }
            """)).AssertOk();
        var otherKey = (string)tenant["createTenant"]!["adminApiKey"]!;
        Assert.Equal("acme", (string?)tenant["createTenant"]!["tenant"]!["slug"]);
        var version = (await server.DataAsync("query { _metadataVersion }", key: otherKey)).AssertOk();
        Assert.Equal(1L, (long)version["_metadataVersion"]!); // 1: the built-in profiles and the administrator
        var otherObjects = (await server.MetadataAsync("{ objects { apiName } }", key: otherKey)).AssertOk();
        Assert.Empty(otherObjects["objects"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Generated_type_names_can_be_used_in_variables(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var account = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");

        var data = (await server.DataAsync("""
            mutation($input: OpportunityCreateInput!) { createOpportunity(input: $input) { id } }
            """, new { input = new { name = "Typed", amount = 10, account } })).AssertOk();
        var id = (string)data["createOpportunity"]!["id"]!;
        (await server.DataAsync("""
            mutation($id: ID!, $input: OpportunityUpdateInput!) { updateOpportunity(id: $id, input: $input) { id } }
            """, new { id, input = new { stage = "Negotiation" } })).AssertOk();
        var list = (await server.DataAsync("""
            query($filter: OpportunityFilter, $orderBy: [OpportunityOrderBy!], $dir: SortDirection!) {
              opportunities(filter: $filter, orderBy: $orderBy) { totalCount }
              byName: opportunities(orderBy: [{name: $dir}]) { totalCount } }
            """, new { filter = new { stage = new { eq = "Negotiation" } }, orderBy = new[] { new { amount = "DESC" } }, dir = "ASC" })).AssertOk();
        Assert.Equal(1L, (long)list["opportunities"]!["totalCount"]!);

        var types = (await server.DataAsync("""
            { __schema { types { name } } }
            """)).AssertOk()["__schema"]!["types"]!.AsArray().Select(t => (string?)t!["name"]).ToHashSet();
        foreach (var name in new[] { "Opportunity", "OpportunityCreateInput", "OpportunityUpdateInput", "OpportunityFilter", "OpportunityOrderBy",
                     "OpportunityConnection", "OpportunityEdge", "SortDirection", "Account" })
        {
            Assert.Contains(name, types);
        }
    }
}
