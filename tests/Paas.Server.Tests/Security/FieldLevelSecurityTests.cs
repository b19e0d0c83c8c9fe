using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// Secured fields and objects without read permission are absent from the caller's schema: they cannot be selected,
/// filtered, sorted, grouped, aggregated or written, not even through a relation or a variable; a grant opens them, and
/// a changed permission set applies on the next request.
/// </summary>
public sealed class FieldLevelSecurityTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Secured_fields_and_unreadable_objects_are_absent_from_the_schema_until_granted(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "field-level security");
        var a1 = new { id = s.A1 };
        string[] hidden = [.. s.HiddenFromEast, "Gold", "Silver"];

        // Every way east could reach secret, tier or score: a schema error, no data.
        (string Query, object? Vars)[] reads =
        [
            ("{ accounts { nodes { name secret } } }", null),
            ("query($id: ID!) { account(id: $id) { name secret } }", a1),
            ("query($id: ID!) { account(id: $id) { name tier score } }", a1),
            ("""{ accounts(filter: {secret: {startsWith: "s"}}) { totalCount } }""", null),
            ("""{ accounts(filter: {secret: {isNull: false}}) { totalCount } }""", null),
            ("""{ accounts(filter: {or: [{name: {eq: "zzz"}}, {secret: {contains: "A1"}}]}) { totalCount } }""", null),
            ("""{ accounts(filter: {not: {tier: {eq: "Gold"}}}) { totalCount } }""", null),
            ("""{ accounts(filter: {and: [{score: {gt: 5}}]}) { totalCount } }""", null),
            ("{ accounts(orderBy: [{secret: ASC}]) { nodes { name } } }", null),
            ("{ accounts(orderBy: [{score: DESC}]) { nodes { name } } }", null),
            ("{ accountsAggregate(groupBy: [tier]) { key { tier } count } }", null),
            ("{ accountsAggregate { count sum { score } } }", null),
            ("{ accountsAggregate { count max { score } } }", null),
            ("{ accountsAggregate(having: {sum: {score: {gt: 0}}}) { count } }", null),
            ("{ accountsAggregate(orderBy: [{sum: {score: DESC}}]) { count } }", null),
            ("{ opportunities { nodes { name account { name secret } } } }", null),
            ("""{ opportunities(filter: {account: {secret: {startsWith: "secret"}}}) { totalCount } }""", null),
            ("""{ opportunitiesAggregate(filter: {account: {tier: {eq: "Gold"}}}) { count } }""", null),
            ("query($id: ID!) { account(id: $id) { opportunities(filter: {account: {score: {gt: 0}}}) { totalCount } } }", a1),
            ("query($f: AccountFilter) { accounts(filter: $f) { totalCount } }", new { f = new { secret = new { startsWith = "s" } } }),
            ("query($o: [AccountOrderBy!]) { accounts(orderBy: $o) { nodes { name } } }", new { o = new[] { new { secret = "ASC" } } }),
            ("query($f: OpportunityFilter) { opportunities(filter: $f) { totalCount } }", new { f = new { account = new { secret = new { eq = A1Secret } } } }),
        ];
        foreach (var (query, vars) in reads)
        {
            await hostile.RefusedAsync("east reads " + query, server, PaasServer.DataPath, s.East.Key, query, vars, HostileAttempts.SchemaError, hidden);
        }

        // ... nor write them.
        (string Query, object? Vars)[] writes =
        [
            ("""mutation($id: ID!) { updateAccount(id: $id, input: {secret: "pwned"}) { id } }""", a1),
            ("mutation($id: ID!, $i: AccountUpdateInput!) { updateAccount(id: $id, input: $i) { id } }", new { id = s.A1, i = new { secret = "pwned" } }),
            ("mutation($id: ID!, $i: AccountUpdateInput!) { updateAccount(id: $id, input: $i) { id } }", new { id = s.A1, i = new { tier = "Silver" } }),
            ("""mutation { createAccount(input: {name: "FLS-probe", secret: "planted"}) { id } }""", null),
            ("mutation($i: [AccountCreateInput!]!) { createAccounts(inputs: $i) { id } }",
                new { i = new object[] { new { name = "FLS-ok" }, new { name = "FLS-bad", score = 1 } } }),
        ];
        foreach (var (query, vars) in writes)
        {
            await hostile.RefusedAsync("east writes " + query, server, PaasServer.DataPath, s.East.Key, query, vars, HostileAttempts.SchemaError, hidden);
        }

        // History and introspection do not show them either.
        var history = await hostile.EmptyAsync("east reads A1's history", server, PaasServer.DataPath, s.East.Key,
            "query($id: ID!) { account(id: $id) { history(first: 50) { field oldValue newValue changedBy } } }", a1, hidden);
        Assert.DoesNotContain(history["account"]!["history"]!.AsArray(), h => (string?)h!["field"] is "secret" or "tier" or "score");
        const string introspection = "{ __schema { types { name fields { name } inputFields { name } enumValues { name } } } }";
        var eastSchema = await server.DataAsync(introspection, key: s.East.Key);
        eastSchema.AssertOk();
        hostile.Count1(eastSchema);
        foreach (var field in new[] { "\"secret\"", "\"tier\"", "\"score\"" })
        {
            Assert.False(eastSchema.Body.Contains(field, StringComparison.Ordinal), $"east's schema names {field}");
        }

        Assert.Contains("\"revenue\"", eastSchema.Body, StringComparison.Ordinal);
        Assert.Contains("\"secret\"", (await server.DataAsync(introspection, key: s.Boss.Key)).Body, StringComparison.Ordinal);

        // Nothing was written.
        var admin = await server.DataOkAsync("query($id: ID!) { account(id: $id) { secret tier score version } accounts { totalCount } }", a1);
        Assert.Equal(A1Secret, (string?)admin["account"]!["secret"]);
        Assert.Equal("Gold", (string?)admin["account"]!["tier"]);
        Assert.Equal(2, Total(admin["accounts"]));

        // boss holds the grant: reads, filters, sorts and groups on the secured fields, edits secret but not tier.
        var boss = (await server.DataAsync("""
            query($id: ID!) {
              account(id: $id) { secret tier score }
              byFilter: accounts(filter: {secret: {eq: "secret-of-A2"}}) { nodes { name } }
              bySort: accounts(orderBy: [{secret: DESC}]) { nodes { name } }
              byTier: accountsAggregate(groupBy: [tier], orderBy: [{key: {tier: ASC}}]) { key { tier } count sum { score } }
              viaLookup: opportunities(filter: {account: {tier: {eq: "Silver"}}}, orderBy: [{name: ASC}]) { nodes { name account { secret } } }
            }
            """, a1, key: s.Boss.Key)).AssertOk();
        Assert.Equal(A1Secret, (string?)boss["account"]!["secret"]);
        Assert.Equal("Gold", (string?)boss["account"]!["tier"]);
        Assert.Equal(7m, Dec(boss["account"]!["score"]));
        Assert.Equal([A2Name], Names(boss["byFilter"]));
        Assert.Equal([A2Name, A1Name], boss["bySort"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));
        Assert.Equal(["Gold", "Silver"], boss["byTier"]!.AsArray().Select(g => (string?)g!["key"]!["tier"]));
        Assert.Equal([O2Name, O3Name], Names(boss["viaLookup"]));
        Assert.All(boss["viaLookup"]!["nodes"]!.AsArray(), n => Assert.Equal(A2Secret, (string?)n!["account"]!["secret"]));
        var bossEdit = await server.DataAsync("""mutation($id: ID!) { updateAccount(id: $id, input: {secret: "rotated-by-boss"}) { secret } }""", a1, key: s.Boss.Key);
        Assert.Equal("rotated-by-boss", (string?)bossEdit.AssertOk()["updateAccount"]!["secret"]);
        await hostile.RefusedAsync("boss edits read-only tier", server, PaasServer.DataPath, s.Boss.Key,
            """mutation($id: ID!) { updateAccount(id: $id, input: {tier: "Silver"}) { id } }""", a1, HostileAttempts.SchemaError);
        Assert.Equal("Gold", (string?)(await server.DataOkAsync("query($id: ID!) { account(id: $id) { tier } }", a1))["account"]!["tier"]);

        // A user with no object permission has neither the objects nor their mutations.
        var nobody = await s.CreateUserAsync("nobody", "No Body", "null", [], []);
        foreach (var query in new[]
                 {
                     "{ accounts { totalCount } }", "{ opportunitiesAggregate { count } }",
                     "query($id: ID!) { account(id: $id) { name } }",
                     """mutation { createAccount(input: {name: "Nobody's"}) { id } }""",
                     "mutation($id: ID!) { deleteAccount(id: $id) }",
                 })
        {
            await hostile.RefusedAsync("nobody: " + query, server, PaasServer.DataPath, nobody.Key, query,
                query.Contains("$id", StringComparison.Ordinal) ? a1 : null, HostileAttempts.SchemaError, s.Everything);
        }

        var nobodyTypes = (await server.DataOkAsync("{ __schema { types { name } } }", key: nobody.Key))["__schema"]!["types"]!.AsArray()
            .Select(t => (string?)t!["name"]).ToList();
        Assert.DoesNotContain("Account", nobodyTypes);
        Assert.DoesNotContain("Opportunity", nobodyTypes);
        Assert.NotNull((await server.DataOkAsync("{ _metadataVersion }", key: nobody.Key))["_metadataVersion"]);

        // east has no delete right on Opportunity: the mutation is absent.
        await hostile.RefusedAsync("east deletes O1 without delete permission", server, PaasServer.DataPath, s.East.Key,
            "mutation($id: ID!) { deleteOpportunity(id: $id) }", new { id = s.O1 }, HostileAttempts.SchemaError, hidden);
        Assert.NotNull((await server.DataOkAsync("query($id: ID!) { opportunity(id: $id) { id } }", new { id = s.O1 }))["opportunity"]);

        // Permission changes apply on the next request: Opportunity disappears for east (and its reverse list), and
        // boss loses secret; restored, both come back.
        Assert.Equal(2, Total((await server.DataOkAsync("{ opportunities { totalCount } }", key: s.East.Key))["opportunities"]));
        await server.MetadataOkAsync($"mutation {{ updatePermissionSet(input: {CrmUserSet(opportunityRead: false)}) {{ apiName }} }}");
        await server.MetadataOkAsync($"mutation {{ updatePermissionSet(input: {SecretReaderSet(secretRead: false)}) {{ apiName }} }}");
        foreach (var query in new[]
                 {
                     "{ opportunities { totalCount } }",
                     "query($id: ID!) { account(id: $id) { name opportunities { totalCount } } }",
                     """mutation { createOpportunity(input: {name: "After revoke"}) { id } }""",
                 })
        {
            await hostile.RefusedAsync("east after losing Opportunity: " + query, server, PaasServer.DataPath, s.East.Key, query,
                query.Contains("$id", StringComparison.Ordinal) ? a1 : null, HostileAttempts.SchemaError, hidden);
        }

        await hostile.RefusedAsync("boss after losing secret", server, PaasServer.DataPath, s.Boss.Key,
            "query($id: ID!) { account(id: $id) { secret } }", a1, HostileAttempts.SchemaError, "rotated-by-boss", A2Secret);
        await server.MetadataOkAsync($"mutation {{ updatePermissionSet(input: {CrmUserSet(opportunityRead: true)}) {{ apiName }} }}");
        await server.MetadataOkAsync($"mutation {{ updatePermissionSet(input: {SecretReaderSet(secretRead: true)}) {{ apiName }} }}");
        Assert.Equal(2, Total((await server.DataOkAsync("{ opportunities { totalCount } }", key: s.East.Key))["opportunities"]));
        Assert.Equal("rotated-by-boss",
            (string?)(await server.DataOkAsync("query($id: ID!) { account(id: $id) { secret } }", a1, key: s.Boss.Key))["account"]!["secret"]);

        hostile.Report();
    }
}
