using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// PRIVATE sharing: lists, counts, aggregates, reads by id, reverse relations, lookups and relation filters all show a
/// user exactly the records they may see; guessed ids reveal and change nothing.
/// </summary>
public sealed class RecordVisibilityTests(ITestOutputHelper output)
{
    private const string View = """
        query($a1: ID!, $a2: ID!) {
          accounts(orderBy: [{name: ASC}]) { totalCount nodes { id name industry } }
          accountsAggregate { count sum { revenue } }
          opportunities(orderBy: [{name: ASC}]) { totalCount nodes { name amount account { id name industry revenue } } }
          opportunitiesAggregate { count sum { amount } }
          one: account(id: $a1) { name opportunities(orderBy: [{name: ASC}]) { totalCount nodes { name } } }
          two: account(id: $a2) { name opportunities(orderBy: [{name: ASC}]) { totalCount nodes { name } } }
        }
        """;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Private_records_are_seen_only_by_owner_role_hierarchy_and_admin_everywhere_they_could_show(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "visibility");
        var ids = new { a1 = s.A1, a2 = s.A2 };

        // east: A1 with O1 and O3; O3's account (A2) shows only its id; A1's reverse list hides west's O4.
        var east = await hostile.EmptyAsync("east's view", server, PaasServer.DataPath, s.East.Key, View, ids, s.HiddenFromEast);
        Assert.Equal(1, Total(east["accounts"]));
        Assert.Equal([A1Name], Names(east["accounts"]));
        Assert.Equal(1, AggregateCount(east["accountsAggregate"]));
        Assert.Equal(1000m, Dec(east["accountsAggregate"]![0]!["sum"]!["revenue"]));
        Assert.Equal(2, Total(east["opportunities"]));
        Assert.Equal([O1Name, O3Name], Names(east["opportunities"]));
        Assert.Equal(2, AggregateCount(east["opportunitiesAggregate"]));
        Assert.Equal(400m, Dec(east["opportunitiesAggregate"]![0]!["sum"]!["amount"]));
        var o1 = east["opportunities"]!["nodes"]![0]!;
        Assert.Equal(A1Name, (string?)o1["account"]!["name"]);
        Assert.Equal(A1Industry, (string?)o1["account"]!["industry"]);
        var o3Account = east["opportunities"]!["nodes"]![1]!["account"]!;
        AssertSameId(s.A2, o3Account["id"]);
        Assert.Null(o3Account["name"]);
        Assert.Null(o3Account["industry"]);
        Assert.Null(o3Account["revenue"]);
        Assert.Equal(A1Name, (string?)east["one"]!["name"]);
        Assert.Equal(1, Total(east["one"]!["opportunities"]));
        Assert.Equal([O1Name], Names(east["one"]!["opportunities"]));
        Assert.Null(east["two"]);

        // west, the mirror image.
        var west = await hostile.EmptyAsync("west's view", server, PaasServer.DataPath, s.West.Key, View, ids, s.HiddenFromWest);
        Assert.Equal([A2Name], Names(west["accounts"]));
        Assert.Equal(1, Total(west["accounts"]));
        Assert.Equal(1, AggregateCount(west["accountsAggregate"]));
        Assert.Equal([O2Name, O4Name], Names(west["opportunities"]));
        var o4Account = west["opportunities"]!["nodes"]![1]!["account"]!;
        AssertSameId(s.A1, o4Account["id"]);
        Assert.Null(o4Account["name"]);
        Assert.Null(west["one"]);
        Assert.Equal([O2Name], Names(west["two"]!["opportunities"]));
        Assert.Equal(1, Total(west["two"]!["opportunities"]));

        // outsider (no role): nothing at all.
        var outsider = await hostile.EmptyAsync("outsider's view", server, PaasServer.DataPath, s.Outsider.Key, View, ids, s.Everything);
        Assert.Equal(0, Total(outsider["accounts"]));
        Assert.Empty(outsider["accounts"]!["nodes"]!.AsArray());
        Assert.Equal(0, AggregateCount(outsider["accountsAggregate"]));
        Assert.Equal(0, Total(outsider["opportunities"]));
        Assert.Equal(0, AggregateCount(outsider["opportunitiesAggregate"]));
        Assert.Null(outsider["one"]);
        Assert.Null(outsider["two"]);

        // boss (Sales, above both reps) and the admin see everything.
        foreach (var (who, key) in new[] { ("boss", s.Boss.Key), ("admin", PaasServer.AdminKey) })
        {
            var all = (await server.DataAsync(View, ids, key: key)).AssertOk();
            Assert.True(Total(all["accounts"]) == 2, $"{who}: {all}");
            Assert.Equal([A1Name, A2Name], Names(all["accounts"]));
            Assert.Equal(2, AggregateCount(all["accountsAggregate"]));
            Assert.Equal(3000m, Dec(all["accountsAggregate"]![0]!["sum"]!["revenue"]));
            Assert.Equal(4, Total(all["opportunities"]));
            Assert.Equal(4, AggregateCount(all["opportunitiesAggregate"]));
            Assert.All(all["opportunities"]!["nodes"]!.AsArray(), o => Assert.NotNull((string?)o!["account"]!["name"]));
            Assert.Equal([O1Name, O4Name], Names(all["one"]!["opportunities"]));
            Assert.Equal([O2Name, O3Name], Names(all["two"]!["opportunities"]));
        }

        // Relation filters and filters on hidden values are no oracle: invisible records match nothing.
        (string Query, Func<JsonNode, long> Count, long Boss)[] probes =
        [
            ("""{ r: opportunities(filter: {account: {name: {eq: "A2-West"}}}) { totalCount nodes { name } } }""", d => Total(d["r"]), 2),
            ("""{ r: opportunities(filter: {account: {name: {startsWith: "A2"}}}) { totalCount nodes { name } } }""", d => Total(d["r"]), 2),
            ("""{ r: opportunities(filter: {account: {revenue: {gt: 1500}}}) { totalCount nodes { name } } }""", d => Total(d["r"]), 2),
            ("""{ r: opportunities(filter: {account: {industry: {in: ["Mining"]}}}) { totalCount nodes { name } } }""", d => Total(d["r"]), 2),
            ("""{ r: opportunitiesAggregate(filter: {account: {industry: {eq: "Mining"}}}) { count } }""", d => AggregateCount(d["r"]), 2),
            ("""{ r: opportunitiesAggregate(filter: {account: {name: {contains: "west"}}}) { count } }""", d => AggregateCount(d["r"]), 2),
            ("""{ r: accounts(filter: {industry: {eq: "Mining"}}) { totalCount nodes { name } } }""", d => Total(d["r"]), 1),
            ("""{ r: accounts(filter: {or: [{name: {eq: "A2-West"}}, {revenue: {gte: 2000}}]}) { totalCount nodes { name } } }""", d => Total(d["r"]), 1),
            ("""{ r: accountsAggregate(filter: {revenue: {gt: 1500}}) { count sum { revenue } } }""", d => AggregateCount(d["r"]), 1),
        ];
        foreach (var (query, count, bossCount) in probes)
        {
            var probe = await hostile.EmptyAsync("east probes " + query, server, PaasServer.DataPath, s.East.Key, query, null, s.HiddenFromEast);
            Assert.True(count(probe) == 0, $"east's probe {query} found invisible records: {probe}");
            foreach (var group in probe["r"] as JsonArray ?? [])
            {
                Assert.True(Dec(group!["sum"]?["revenue"]) is null or 0m, $"east's probe {query} sums invisible records: {probe}");
            }

            var outsiderProbe = await hostile.EmptyAsync("outsider probes " + query, server, PaasServer.DataPath, s.Outsider.Key, query, null, s.Everything);
            Assert.Equal(0, count(outsiderProbe));
            Assert.Equal(bossCount, count((await server.DataAsync(query, key: s.Boss.Key)).AssertOk()));
        }

        // Within what east can see, a relation filter still works.
        var own = (await server.DataAsync("""{ r: opportunities(filter: {account: {name: {eq: "A1-East"}}}) { nodes { name } } }""", key: s.East.Key)).AssertOk();
        Assert.Equal([O1Name], Names(own["r"]));

        hostile.Report();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Guessed_ids_read_as_null_and_write_as_NOT_FOUND_and_change_nothing(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "guessed ids");
        const string snapshotQuery = """
            { accounts(orderBy: [{name: ASC}]) { nodes { id name industry revenue secret version ownerId updatedAt } }
              opportunities(orderBy: [{name: ASC}]) { nodes { id name amount version ownerId account { id } } } }
            """;
        var before = (await server.DataOkAsync(snapshotQuery)).ToJsonString();
        var nowhere = Guid.CreateVersion7().ToString();

        // Writes to records the caller cannot see: NOT_FOUND, exactly as for an id that names nothing.
        (string Who, string Key, string Query, object Vars, string[] Hidden)[] writes =
        [
            ("east", s.East.Key, """mutation($id: ID!) { updateAccount(id: $id, input: {name: "Hijacked"}) { id name industry } }""", new { id = s.A2 }, s.HiddenFromEast),
            ("east", s.East.Key, """mutation($id: ID!) { updateAccount(id: $id, expectedVersion: 1, input: {industry: "Hijacked"}) { id name } }""", new { id = s.A2 }, s.HiddenFromEast),
            ("east", s.East.Key, """mutation($id: ID!) { updateAccount(id: $id, expectedVersion: 99, input: {industry: "Hijacked"}) { id name } }""", new { id = s.A2 }, s.HiddenFromEast),
            ("east", s.East.Key, "mutation($id: ID!) { updateAccount(id: $id, input: {ownerId: \"" + s.East.Id + "\"}) { id } }", new { id = s.A2 }, s.HiddenFromEast),
            ("east", s.East.Key, """mutation($id: ID!) { deleteAccount(id: $id) }""", new { id = s.A2 }, s.HiddenFromEast),
            ("east", s.East.Key, """mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 1}) { id name account { name } } }""", new { id = s.O2 }, s.HiddenFromEast),
            ("east", s.East.Key, """mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 1}) { id name } }""", new { id = s.O4 }, s.HiddenFromEast),
            ("west", s.West.Key, """mutation($id: ID!) { updateAccount(id: $id, input: {name: "Hijacked"}) { id name } }""", new { id = s.A1 }, s.HiddenFromWest),
            ("west", s.West.Key, """mutation($id: ID!) { deleteAccount(id: $id) }""", new { id = s.A1 }, s.HiddenFromWest),
            ("west", s.West.Key, """mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 1}) { id } }""", new { id = s.O3 }, s.HiddenFromWest),
            ("outsider", s.Outsider.Key, """mutation($id: ID!) { updateAccount(id: $id, input: {name: "Hijacked"}) { id } }""", new { id = s.A1 }, s.Everything),
            ("outsider", s.Outsider.Key, """mutation($id: ID!) { deleteAccount(id: $id) }""", new { id = s.A2 }, s.Everything),
            ("outsider", s.Outsider.Key, """mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 1}) { id } }""", new { id = s.O1 }, s.Everything),
        ];
        foreach (var (who, key, query, vars, hidden) in writes)
        {
            var refused = await hostile.RefusedAsync($"{who}: {query}", server, PaasServer.DataPath, key, query, vars, "NOT_FOUND", hidden);
            var id = (string)vars.GetType().GetProperty("id")!.GetValue(vars)!;

            // Same answer for an id that names nothing: the refusal tells nothing about existence.
            var absent = await server.DataAsync(query, new { id = nowhere }, key: key);
            Assert.Equal(absent.ErrorCodes, refused.ErrorCodes);
            Assert.Equal(
                absent.Errors!.Select(e => ((string?)e!["message"])?.Replace(nowhere, "<id>", StringComparison.OrdinalIgnoreCase)),
                refused.Errors!.Select(e => ((string?)e!["message"])?.Replace(id, "<id>", StringComparison.OrdinalIgnoreCase)));
        }

        // Reads by guessed id: null, no error; aliases do not mix visible and invisible records.
        var aliases = await hostile.EmptyAsync("east aliases", server, PaasServer.DataPath, s.East.Key, """
            query($a1: ID!, $a2: ID!, $o2: ID!, $o4: ID!) {
              a: account(id: $a2) { name industry revenue }
              b: account(id: $a1) { name industry }
              c: opportunity(id: $o2) { name }
              d: opportunity(id: $o4) { name account { name } }
              e: account(id: $a2) { id opportunities { totalCount } }
              f: accounts(filter: {id: {in: [$a1, $a2]}}) { totalCount nodes { name } }
              g: accounts(filter: {id: {eq: $a2}}) { totalCount }
              h: accountsAggregate(filter: {id: {eq: $a2}}) { count }
            }
            """, new { a1 = s.A1, a2 = s.A2, o2 = s.O2, o4 = s.O4 }, s.HiddenFromEast);
        Assert.Null(aliases["a"]);
        Assert.Equal(A1Name, (string?)aliases["b"]!["name"]);
        Assert.Equal(A1Industry, (string?)aliases["b"]!["industry"]);
        Assert.Null(aliases["c"]);
        Assert.Null(aliases["d"]);
        Assert.Null(aliases["e"]);
        Assert.Equal([A1Name], Names(aliases["f"]));
        Assert.Equal(1, Total(aliases["f"]));
        Assert.Equal(0, Total(aliases["g"]));
        Assert.Equal(0, AggregateCount(aliases["h"]));

        foreach (var (who, key, id, hidden) in new[]
                 {
                     ("west", s.West.Key, s.A1, s.HiddenFromWest), ("outsider", s.Outsider.Key, s.A1, s.Everything),
                     ("outsider", s.Outsider.Key, s.A2, s.Everything),
                 })
        {
            var read = await hostile.EmptyAsync($"{who} reads {id}", server, PaasServer.DataPath, key,
                "query($id: ID!) { account(id: $id) { id name industry revenue opportunities { totalCount nodes { name } } } }", new { id }, hidden);
            Assert.Null(read["account"]);
        }

        // Nothing changed: every record, field, version and owner as before.
        Assert.Equal(before, (await server.DataOkAsync(snapshotQuery)).ToJsonString());

        hostile.Report();
    }
}
