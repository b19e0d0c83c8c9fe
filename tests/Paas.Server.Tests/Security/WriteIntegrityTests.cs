using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// A write that touches something the caller may not (a lookup to an invisible record, a secured field) fails as a
/// whole and writes nothing; its error is the same as for a record that does not exist.
/// </summary>
public sealed class WriteIntegrityTests(ITestOutputHelper output)
{
    private static readonly string[] AcceptedCodes = ["VALIDATION_FAILED", "NOT_FOUND", "FORBIDDEN"];

    private const string Snapshot = """
        { accounts(orderBy: [{name: ASC}]) { totalCount nodes { id name industry revenue secret version ownerId } }
          opportunities(orderBy: [{name: ASC}]) { totalCount nodes { id name amount version ownerId account { id } } } }
        """;

    private const string CreateMany = "mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id name account { id name } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_write_reaching_an_invisible_record_fails_as_a_whole_and_writes_nothing(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "bulk and mixed writes");
        var before = (await server.DataOkAsync(Snapshot)).ToJsonString();
        var nowhere = Guid.CreateVersion7().ToString();

        // A bulk create with one input pointing at west's A2.
        var mixed = new { inputs = new object[] { new { name = "Bulk-ok", account = s.A1, amount = 1 }, new { name = "Bulk-bad", account = s.A2, amount = 2 } } };
        var refused = await RefusedAsync(hostile, "east bulk-creates with a lookup to A2", server, s.East.Key, CreateMany, mixed, s.HiddenFromEast);

        // ... answered exactly as a lookup to a record that does not exist (no existence oracle).
        var absent = await server.DataAsync(CreateMany,
            new { inputs = new object[] { new { name = "Bulk-ok", account = s.A1, amount = 1 }, new { name = "Bulk-bad", account = nowhere, amount = 2 } } },
            key: s.East.Key);
        Assert.Equal(absent.ErrorCodes, refused.ErrorCodes);
        Assert.Equal(absent.FieldErrorNames, refused.FieldErrorNames);
        Assert.Equal(absent.Body.Replace(nowhere, "<id>", StringComparison.OrdinalIgnoreCase),
            refused.Body.Replace(s.A2, "<id>", StringComparison.OrdinalIgnoreCase));

        // The invisible record first, then many good ones; and a single create; and an update re-pointing O1 to A2.
        var manyGood = Enumerable.Range(0, 20).Select(i => (object)new { name = $"Bulk-good-{i}", account = s.A1, amount = i }).ToList();
        await RefusedAsync(hostile, "east bulk-creates, invisible lookup first", server, s.East.Key, CreateMany,
            new { inputs = manyGood.Prepend(new { name = "Bulk-bad-first", account = s.A2 }).ToArray() }, s.HiddenFromEast);
        await RefusedAsync(hostile, "east bulk-creates, invisible lookup last", server, s.East.Key, CreateMany,
            new { inputs = manyGood.Append(new { name = "Bulk-bad-last", account = s.A2 }).ToArray() }, s.HiddenFromEast);
        await RefusedAsync(hostile, "east creates one opportunity on A2", server, s.East.Key,
            "mutation($i: OpportunityCreateInput!) { createOpportunity(input: $i) { id account { name } } }",
            new { i = new { name = "Single-bad", account = s.A2 } }, s.HiddenFromEast);
        await RefusedAsync(hostile, "east re-points O1 to A2", server, s.East.Key,
            "mutation($id: ID!, $a: ID!) { updateOpportunity(id: $id, input: {account: $a}) { id account { name industry } } }",
            new { id = s.O1, a = s.A2 }, s.HiddenFromEast);
        await RefusedAsync(hostile, "outsider creates an opportunity on A1", server, s.Outsider.Key,
            "mutation($i: OpportunityCreateInput!) { createOpportunity(input: $i) { id account { name } } }",
            new { i = new { name = "Outsider-probe", account = s.A1 } }, s.Everything);
        await RefusedAsync(hostile, "west bulk-creates on A1 and A2", server, s.West.Key, CreateMany,
            new { inputs = new object[] { new { name = "West-ok", account = s.A2 }, new { name = "West-bad", account = s.A1 } } }, s.HiddenFromWest);

        // A bulk create mixing an allowed input with a secured field: refused as a document, nothing written.
        await hostile.RefusedAsync("west bulk-creates accounts, one with secret", server, PaasServer.DataPath, s.West.Key,
            "mutation($inputs: [AccountCreateInput!]!) { createAccounts(inputs: $inputs) { id } }",
            new { inputs = new object[] { new { name = "W-ok" }, new { name = "W-bad", secret = "planted" } } }, HostileAttempts.SchemaError, s.HiddenFromWest);

        // Several mutations in one document: the refused one changes nothing, whatever the others do.
        var several = await server.DataAsync("""
            mutation($a1: ID!, $a2: ID!) {
              mine: updateAccount(id: $a1, input: {revenue: 1001}) { id }
              theirs: updateAccount(id: $a2, input: {name: "Hijacked", revenue: 0}) { id name }
              gone: deleteAccount(id: $a2)
            }
            """, new { a1 = s.A1, a2 = s.A2 }, key: s.East.Key);
        hostile.Count1(several);
        Assert.Equal(2, several.ErrorCodes.Count(c => c == "NOT_FOUND"));
        Assert.Null(several.Data?["theirs"]);
        Assert.DoesNotContain(A2Name, several.Body, StringComparison.Ordinal);

        // Nothing of the above is stored (only east's own revenue change).
        var after = await server.DataOkAsync(Snapshot);
        Assert.Equal(2, Total(after["accounts"]));
        Assert.Equal(4, Total(after["opportunities"]));
        var a2 = after["accounts"]!["nodes"]!.AsArray().Single(n => (string?)n!["name"] == A2Name)!;
        Assert.Equal(2000m, Dec(a2["revenue"]));
        AssertSameId(s.A1, after["opportunities"]!["nodes"]!.AsArray().Single(n => (string?)n!["name"] == O1Name)!["account"]!["id"]);
        var beforeNode = System.Text.Json.Nodes.JsonNode.Parse(before)!;
        Assert.Equal(beforeNode["opportunities"]!.ToJsonString(), after["opportunities"]!.ToJsonString());
        Assert.Equal(beforeNode["accounts"]!["nodes"]!.AsArray().Single(n => (string?)n!["name"] == A2Name)!.ToJsonString(), a2.ToJsonString());

        // The same bulk create without the invisible record succeeds: the refusals were for A2, nothing else.
        var good = await server.DataAsync(CreateMany,
            new { inputs = new object[] { new { name = "Bulk-ok", account = s.A1, amount = 1 }, new { name = "Bulk-ok-2", amount = 2 } } }, key: s.East.Key);
        var created = good.AssertOk()["createOpportunities"]!.AsArray();
        Assert.Equal(2, created.Count);
        Assert.Equal(A1Name, (string?)created[0]!["account"]!["name"]);
        var count = await server.DataOkAsync("""{ opportunities(filter: {name: {startsWith: "Bulk-"}}) { totalCount nodes { name ownerId } } }""");
        Assert.Equal(["Bulk-ok", "Bulk-ok-2"], Names(count["opportunities"]));
        Assert.All(count["opportunities"]!["nodes"]!.AsArray(), n => AssertSameId(s.East.Id, n!["ownerId"]));

        hostile.Report();
    }

    private static async Task<GraphQLResponse> RefusedAsync(HostileAttempts hostile, string what, PaasServer server, string key, string query, object variables,
        string[] hidden)
    {
        var response = await server.DataAsync(query, variables, key: key);
        hostile.Count1(response);
        ResponseAssert.IsSafeError(response);
        Assert.True(response.ErrorCodes.Any(c => AcceptedCodes.Contains(c)), $"{what}: expected one of {string.Join(", ", AcceptedCodes)}, got {response}");
        Assert.True(response.Data is null || response.Data.AsObject().All(p => p.Value is null), $"{what}: data returned: {response}");
        hostile.AssertNoLeak(what, response, query, variables, hidden);
        return response;
    }
}
