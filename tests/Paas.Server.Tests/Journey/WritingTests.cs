using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Journey;

/// <summary>Writes through the data API: validation field by field, optimistic concurrency, unique values, upsert, delete; a failed write changes nothing.</summary>
public sealed class WritingTests
{
    private const string Fields = "name amount stage closeDate externalId isPriority tags details account { id }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Every_bad_field_is_named_in_fieldErrors_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var account = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        await SalesSchema.CreateOpportunitiesAsync(server, new { name = "Existing", amount = 1, account });
        var before = await SalesSchema.SnapshotAsync(server, "opportunities", Fields);

        var single = await server.DataAsync("""
            mutation { createOpportunity(input: {amount: "lots", stage: "Won?", closeDate: "tomorrow", tags: ["Hot", "Lukewarm"],
                                                 account: "not-a-uuid", noSuchField: 1}) { id } }
            """);
        // noSuchField is not in OpportunityCreateInput: GraphQL may refuse the document before any field check.
        ResponseAssert.IsSafeError(single);
        Assert.Null(single.Data?["createOpportunity"]);

        var bad = await server.DataAsync("""
            mutation { createOpportunity(input: {amount: "lots", stage: "Won?", closeDate: "tomorrow", tags: ["Hot", "Lukewarm"],
                                                 account: "not-a-uuid"}) { id } }
            """);
        ResponseAssert.FieldErrors(bad, "amount", "stage", "closeDate", "tags", "account", "name");
        Assert.Null(bad.Data?["createOpportunity"]);
        Assert.All(bad.Errors!, e => Assert.False(string.IsNullOrWhiteSpace((string?)e!["extensions"]!["fieldErrors"]?[0]?["message"])));

        // The same through variables.
        var viaVariables = await server.DataAsync("""
            mutation($input: OpportunityCreateInput!) { createOpportunity(input: $input) { id } }
            """, new { input = new { name = "", amount = "12.345", closeDate = "2026-02-30", stage = "Qualified" } });
        ResponseAssert.FieldErrors(viaVariables, "name", "amount", "closeDate", "stage");

        // createOpportunities is all or nothing, and the paths say which input was bad.
        var batch = await server.DataAsync("""
            mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }
            """, new { inputs = new object[] { new { name = "Good", amount = 5 }, new { name = "Bad", amount = "x" }, new { amount = 7 } } });
        ResponseAssert.GraphQLError(batch, "VALIDATION_FAILED");
        Assert.Contains(batch.FieldErrorNames, f => f.Contains('1', StringComparison.Ordinal) && f.EndsWith("amount", StringComparison.Ordinal));
        Assert.Contains(batch.FieldErrorNames, f => f.Contains('2', StringComparison.Ordinal) && f.EndsWith("name", StringComparison.Ordinal));

        // A lookup to a record that does not exist is a bad field too, reported with the others.
        var missing = await server.DataAsync($$"""
            mutation { createOpportunity(input: {name: "Orphan", amount: 1, account: "{{Guid.NewGuid()}}"}) { id } }
            """);
        ResponseAssert.FieldErrors(missing, "account");

        // Updates are checked the same way; a required field cannot be cleared.
        var existing = (await server.DataOkAsync("{ opportunities { nodes { id } } }"))["opportunities"]!["nodes"]![0]!["id"]!.GetValue<string>();
        var update = await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: null, stage: "Nope", closeDate: "31/12/2026"}) { id } }
            """, new { id = existing });
        ResponseAssert.FieldErrors(update, "amount", "stage", "closeDate");

        Assert.Equal(before, await SalesSchema.SnapshotAsync(server, "opportunities", Fields));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_stale_expectedVersion_is_a_conflict_and_leaves_the_record_unchanged(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var id = (await SalesSchema.CreateOpportunitiesAsync(server, new { name = "Deal", amount = 100 }))[0];

        var first = (await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, expectedVersion: 1, input: {stage: "Negotiation"}) { id version stage updatedAt } }
            """, new { id })).AssertOk()["updateOpportunity"]!;
        Assert.Equal(2L, (long)first["version"]!);
        Assert.Equal("Negotiation", (string?)first["stage"]);
        var before = await SalesSchema.SnapshotAsync(server, "opportunities", Fields + " updatedAt");

        // A second writer still holding version 1 loses.
        var stale = await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, expectedVersion: 1, input: {stage: "ClosedWon", amount: 1}) { id version stage } }
            """, new { id });
        ResponseAssert.GraphQLError(stale, "CONFLICT");
        Assert.Null(stale.Data?["updateOpportunity"]);
        Assert.Equal(before, await SalesSchema.SnapshotAsync(server, "opportunities", Fields + " updatedAt"));

        // Without expectedVersion, or with the current one, the update goes through and bumps the version.
        var second = (await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, expectedVersion: 2, input: {stage: "ClosedWon"}) { version stage } }
            """, new { id })).AssertOk()["updateOpportunity"]!;
        Assert.Equal(3L, (long)second["version"]!);
        var third = (await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 150}) { version amount stage } }
            """, new { id })).AssertOk()["updateOpportunity"]!;
        Assert.Equal(4L, (long)third["version"]!);
        Assert.Equal(150m, (decimal)third["amount"]!);
        Assert.Equal("ClosedWon", (string?)third["stage"]);

        // An update of a record that does not exist is NOT_FOUND.
        var ghost = await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 1}) { id } }
            """, new { id = Guid.NewGuid().ToString() });
        ResponseAssert.GraphQLError(ghost, "NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_taken_unique_value_is_a_conflict(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var ids = await SalesSchema.CreateOpportunitiesAsync(server,
            new { name = "First", amount = 1, externalId = "crm-1" },
            new { name = "Second", amount = 2, externalId = "crm-2" });
        var before = await SalesSchema.SnapshotAsync(server, "opportunities", Fields);

        var create = await server.DataAsync("""mutation { createOpportunity(input: {name: "Dup", amount: 3, externalId: "crm-1"}) { id } }""");
        ResponseAssert.GraphQLError(create, "CONFLICT");

        var update = await server.DataAsync("""
            mutation($id: ID!) { updateOpportunity(id: $id, input: {externalId: "crm-1"}) { id } }
            """, new { id = ids[1] });
        ResponseAssert.GraphQLError(update, "CONFLICT");

        // All or nothing: the good first input of the batch is not kept.
        var batch = await server.DataAsync("""
            mutation { createOpportunities(inputs: [{name: "New", amount: 4, externalId: "crm-3"}, {name: "Dup", amount: 5, externalId: "crm-2"}]) { id } }
            """);
        ResponseAssert.GraphQLError(batch, "CONFLICT");

        // Duplicates inside one batch are a conflict too.
        var inner = await server.DataAsync("""
            mutation { createOpportunities(inputs: [{name: "A", amount: 4, externalId: "crm-9"}, {name: "B", amount: 5, externalId: "crm-9"}]) { id } }
            """);
        ResponseAssert.GraphQLError(inner, "CONFLICT");

        Assert.Equal(before, await SalesSchema.SnapshotAsync(server, "opportunities", Fields));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_matches_on_a_unique_field(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var existing = (await SalesSchema.CreateOpportunitiesAsync(server, new { name = "Small deal", amount = 900, externalId = "crm-42" }))[0];

        var updated = (await server.DataAsync("""
            mutation { upsertOpportunity(matchOn: externalId, input: {externalId: "crm-42", name: "C", amount: 950}) { id name amount version } }
            """)).AssertOk()["upsertOpportunity"]!;
        Assert.Equal(existing, (string?)updated["id"]);
        Assert.Equal("C", (string?)updated["name"]);
        Assert.Equal(950m, (decimal)updated["amount"]!);
        Assert.Equal(2L, (long)updated["version"]!);

        var created = (await server.DataAsync("""
            mutation { upsertOpportunity(matchOn: externalId, input: {externalId: "crm-43", name: "D", amount: 1}) { id name stage version } }
            """)).AssertOk()["upsertOpportunity"]!;
        Assert.NotEqual(existing, (string?)created["id"]);
        Assert.Equal(1L, (long)created["version"]!);
        Assert.Equal("Prospecting", (string?)created["stage"]);
        Assert.Equal(2, await SalesSchema.CountAsync(server, "opportunities"));

        // Without the value to match on, or with a bad value elsewhere, nothing happens.
        var before = await SalesSchema.SnapshotAsync(server, "opportunities", Fields);
        ResponseAssert.FieldErrors(await server.DataAsync("""mutation { upsertOpportunity(matchOn: externalId, input: {name: "E", amount: 1}) { id } }"""),
            "externalId");
        ResponseAssert.FieldErrors(await server.DataAsync("""mutation { upsertOpportunity(matchOn: externalId, input: {externalId: "crm-42", name: "E", amount: "x"}) { id } }"""),
            "amount");
        Assert.Equal(before, await SalesSchema.SnapshotAsync(server, "opportunities", Fields));

        // Only unique fields can be matched on.
        var notUnique = await server.DataAsync("""mutation { upsertOpportunity(matchOn: name, input: {name: "C", amount: 1}) { id } }""");
        ResponseAssert.IsSafeError(notUnique);
        Assert.Equal(before, await SalesSchema.SnapshotAsync(server, "opportunities", Fields));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Delete_removes_the_record_and_clears_lookups_to_it(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var account = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        var ids = await SalesSchema.CreateOpportunitiesAsync(server,
            new { name = "Keep", amount = 1, account },
            new { name = "Drop", amount = 2, account });

        var deleted = (await server.DataAsync("mutation($id: ID!) { deleteOpportunity(id: $id) }", new { id = ids[1] })).AssertOk();
        Assert.Equal(ids[1], (string?)deleted["deleteOpportunity"]);
        Assert.Null((await server.DataOkAsync("query($id: ID!) { opportunity(id: $id) { id } }", new { id = ids[1] }))["opportunity"]);
        Assert.Equal(1, await SalesSchema.CountAsync(server, "opportunities"));

        var again = await server.DataAsync("mutation($id: ID!) { deleteOpportunity(id: $id) }", new { id = ids[1] });
        ResponseAssert.GraphQLError(again, "NOT_FOUND");
        var malformed = await server.DataAsync("""mutation { deleteOpportunity(id: "not-an-id") }""");
        ResponseAssert.GraphQLError(malformed, "NOT_FOUND");

        // Deleting the account clears the lookup of the opportunity that pointed at it.
        (await server.DataAsync("mutation($id: ID!) { deleteAccount(id: $id) }", new { id = account })).AssertOk();
        var kept = (await server.DataOkAsync("query($id: ID!) { opportunity(id: $id) { name account { id } } }", new { id = ids[0] }))["opportunity"]!;
        Assert.Equal("Keep", (string?)kept["name"]);
        Assert.Null(kept["account"]);
    }
}
