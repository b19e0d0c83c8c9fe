using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// Field history records who changed what (newest first), shows only fields and records the reader may see, and
/// records nothing for refused writes; transferring records moves their ownership, and with it who sees them.
/// </summary>
public sealed class HistoryAndTransferTests(ITestOutputHelper output)
{
    private const string History = "query($id: ID!) { account(id: $id) { history(first: 50) { field oldValue newValue changedBy changedAt } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Field_history_shows_readable_changes_newest_first_and_transfer_moves_access(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "history and transfer");
        var a1 = new { id = s.A1 };

        // Two changes by east, one refused attempt by west (nothing recorded).
        foreach (var revenue in new[] { 1500, 2500 })
        {
            (await server.DataAsync($"mutation($id: ID!) {{ updateAccount(id: $id, input: {{revenue: {revenue}}}) {{ id }} }}", a1, key: s.East.Key)).AssertOk();
        }

        await hostile.RefusedAsync("west updates A1's revenue", server, PaasServer.DataPath, s.West.Key,
            "mutation($id: ID!) { updateAccount(id: $id, input: {revenue: 9999}) { id } }", a1, "NOT_FOUND", s.HiddenFromWest);

        // east: exactly the two revenue changes (the admin's change of the secured field is not shown), newest first.
        var eastHistory = (await hostile.EmptyAsync("east reads A1's history", server, PaasServer.DataPath, s.East.Key, History, a1,
            s.HiddenFromEast))["account"]!["history"]!.AsArray();
        Assert.True(eastHistory.Count == 2, $"expected east's two revenue changes, got {eastHistory.ToJsonString()}");
        AssertChange(eastHistory[0], "revenue", 1500m, 2500m, s.East.Id);
        AssertChange(eastHistory[1], "revenue", 1000m, 1500m, s.East.Id);
        Assert.True(DateTimeOffset.Parse((string)eastHistory[0]!["changedAt"]!) >= DateTimeOffset.Parse((string)eastHistory[1]!["changedAt"]!));
        var newest = (await server.DataAsync("query($id: ID!) { account(id: $id) { history(first: 1) { field newValue } } }", a1, key: s.East.Key))
            .AssertOk()["account"]!["history"]!.AsArray();
        Assert.Single(newest);
        Assert.Equal(2500m, Dec(newest[0]!["newValue"]));

        // boss (grant on secret) also sees the admin's secret change; the admin sees the same.
        foreach (var (who, key) in new[] { ("boss", s.Boss.Key), ("admin", PaasServer.AdminKey) })
        {
            var full = (await server.DataAsync(History, a1, key: key)).AssertOk()["account"]!["history"]!.AsArray();
            Assert.True(full.Count == 3, $"{who}: expected 2 revenue + 1 secret change, got {full.ToJsonString()}");
            var secret = full.Single(h => (string?)h!["field"] == "secret")!;
            Assert.Equal(JsonValue.Create(A1Secret).ToJsonString(), ((string?)secret["newValue"])?.Trim());
            AssertSameId(s.AdminId, secret["changedBy"]);
            Assert.Equal(2, full.Count(h => (string?)h!["field"] == "revenue"));
        }

        // Others cannot read the history of a record they cannot see; untracked objects have none.
        foreach (var (who, key, hidden) in new[] { ("west", s.West.Key, s.HiddenFromWest), ("outsider", s.Outsider.Key, s.Everything) })
        {
            var read = await hostile.EmptyAsync($"{who} reads A1's history", server, PaasServer.DataPath, key, History, a1, [.. hidden, "2500", "1500"]);
            Assert.Null(read["account"]);
        }

        // "Each record type has history": an object without tracked fields answers an empty list.
        var untracked = await server.DataAsync("query($id: ID!) { opportunity(id: $id) { history { field } } }", new { id = s.O1 }, key: s.East.Key);
        hostile.Soft("history of an object without tracked fields", () => Assert.Empty(untracked.AssertOk()["opportunity"]!["history"]!.AsArray()));

        // Transfer: only an admin may; then west owns A1 (and sees it, and its history), east loses it.
        await hostile.RefusedAsync("east transfers west's records to itself", server, PaasServer.MetadataPath, s.East.Key,
            $$"""mutation { transferRecords(input: {fromUser: "{{s.West.Id}}", toUser: "{{s.East.Id}}", objects: ["Account"]}) { object count } }""", null,
            "FORBIDDEN", s.HiddenFromEast);
        await hostile.RefusedAsync("west transfers east's records to itself", server, PaasServer.MetadataPath, s.West.Key,
            $$"""mutation { transferRecords(input: {fromUser: "{{s.East.Id}}", toUser: "{{s.West.Id}}", objects: ["Account"]}) { object count } }""", null,
            "FORBIDDEN", s.HiddenFromWest);
        AssertSameId(s.East.Id, (await server.DataOkAsync("query($id: ID!) { account(id: $id) { ownerId } }", a1))["account"]!["ownerId"]);

        var transferred = (await server.MetadataOkAsync($$"""
            mutation { transferRecords(input: {fromUser: "{{s.East.Id}}", toUser: "{{s.West.Id}}", objects: ["Account"]}) { object count } }
            """))["transferRecords"]!.AsArray();
        Assert.Single(transferred);
        Assert.Equal("Account", (string?)transferred[0]!["object"]);
        Assert.Equal(1, (long)transferred[0]!["count"]!);

        var owners = await server.DataOkAsync("""
            query($a1: ID!, $o1: ID!) { account(id: $a1) { ownerId } opportunity(id: $o1) { ownerId } }
            """, new { a1 = s.A1, o1 = s.O1 });
        AssertSameId(s.West.Id, owners["account"]!["ownerId"]);
        AssertSameId(s.East.Id, owners["opportunity"]!["ownerId"]);

        var west = (await server.DataAsync("{ accounts(orderBy: [{name: ASC}]) { totalCount nodes { name } } }", key: s.West.Key)).AssertOk();
        Assert.Equal([A1Name, A2Name], Names(west["accounts"]));
        var westUpdate = await server.DataAsync("mutation($id: ID!) { updateAccount(id: $id, input: {revenue: 3000}) { revenue } }", a1, key: s.West.Key);
        Assert.Equal(3000m, Dec(westUpdate.AssertOk()["updateAccount"]!["revenue"]));
        var westHistory = (await server.DataAsync(History, a1, key: s.West.Key)).AssertOk()["account"]!["history"]!.AsArray();
        Assert.Equal(3, westHistory.Count);
        AssertChange(westHistory[0], "revenue", 2500m, 3000m, s.West.Id);
        Assert.DoesNotContain(A1Secret, westHistory.ToJsonString(), StringComparison.Ordinal);

        string[] eastNowHidden = [A1Industry, A2Name, A2Industry, O2Name, O4Name, A1Secret, A2Secret];
        var east = await hostile.EmptyAsync("east after the transfer", server, PaasServer.DataPath, s.East.Key, """
            query($id: ID!) {
              accounts { totalCount nodes { name } } accountsAggregate { count }
              account(id: $id) { name history { field } }
              opportunities(orderBy: [{name: ASC}]) { nodes { name account { id name industry } } }
            }
            """, a1, eastNowHidden);
        Assert.Equal(0, Total(east["accounts"]));
        Assert.Equal(0, AggregateCount(east["accountsAggregate"]));
        Assert.Null(east["account"]);
        Assert.Equal([O1Name, O3Name], Names(east["opportunities"]));
        Assert.All(east["opportunities"]!["nodes"]!.AsArray(), o => Assert.Null((string?)o!["account"]!["name"]));
        await hostile.RefusedAsync("east updates A1 after the transfer", server, PaasServer.DataPath, s.East.Key,
            "mutation($id: ID!) { updateAccount(id: $id, input: {revenue: 1}) { id name } }", a1, "NOT_FOUND", eastNowHidden);
        Assert.Equal(2, Total((await server.DataAsync("{ accounts { totalCount } }", key: s.Boss.Key)).AssertOk()["accounts"]));

        hostile.Report();
    }

    private static void AssertChange(JsonNode? entry, string field, decimal oldValue, decimal newValue, string userId)
    {
        Assert.Equal(field, (string?)entry!["field"]);
        Assert.Equal(oldValue, Dec(entry["oldValue"]));
        Assert.Equal(newValue, Dec(entry["newValue"]));
        AssertSameId(userId, entry["changedBy"]);
        Assert.False(string.IsNullOrEmpty((string?)entry["changedAt"]));
    }
}
