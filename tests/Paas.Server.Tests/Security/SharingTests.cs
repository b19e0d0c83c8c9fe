using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Xunit.Abstractions;
using static Paas.Server.Tests.Security.SecurityScenario;

namespace Paas.Server.Tests.Security;

/// <summary>
/// Sharing rules (owner- and criteria-based) and manual shares open exactly the access they grant: READ reads but does
/// not write, EDIT writes, other objects and other users stay closed, and a deleted rule closes again.
/// </summary>
public sealed class SharingTests(ITestOutputHelper output)
{
    private const string Accounts = "{ accounts(orderBy: [{name: ASC}]) { totalCount nodes { name } } accountsAggregate { count } }";
    private const string UpdateIndustry = """mutation($id: ID!) { updateAccount(id: $id, input: {industry: "Hijacked"}) { id industry } }""";
    private static string Share(string objectName, string id, string user, string access) =>
        $$"""mutation { shareRecord(object: "{{objectName}}", id: "{{id}}", with: {kind: USER, name: "{{user}}"}, access: {{access}}) }""";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Sharing_rules_and_manual_shares_grant_exactly_their_access(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        var hostile = new HostileAttempts(output, "sharing");
        var a1 = new { id = s.A1 };
        const string readA1 = "query($id: ID!) { account(id: $id) { name industry version opportunities(orderBy: [{name: ASC}]) { totalCount nodes { name } } } }";
        string[] secrets = [A1Secret, A2Secret];

        Assert.Null((await hostile.EmptyAsync("west reads A1 before the rule", server, PaasServer.DataPath, s.West.Key, readA1, a1, s.HiddenFromWest))["account"]);

        // Owner-based rule: records owned by RepEast (and below) are readable by RepWest.
        await server.MetadataOkAsync("""
            mutation { createSharingRule(input: {apiName: "EastToWest", object: "Account", access: READ,
              sharedWith: {kind: ROLE, name: "RepWest"}, ownedBy: {kind: ROLE_AND_SUBORDINATES, name: "RepEast"}, criteria: null}) { apiName } }
            """);
        Assert.Contains("EastToWest", (await server.MetadataOkAsync("{ sharingRules { apiName object } }"))["sharingRules"]!.AsArray()
            .Select(r => (string?)r!["apiName"]));

        var west = (await server.DataAsync(Accounts, key: s.West.Key)).AssertOk();
        Assert.Equal([A1Name, A2Name], Names(west["accounts"]));
        Assert.Equal(2, Total(west["accounts"]));
        Assert.Equal(2, AggregateCount(west["accountsAggregate"]));

        // The rule is on Account only: A1's opportunities stay private (west sees only its own O4 under A1).
        string[] westStillHidden = [O1Name, O3Name, .. secrets];
        var westA1 = await hostile.EmptyAsync("west reads A1 and its children", server, PaasServer.DataPath, s.West.Key, readA1, a1, westStillHidden);
        Assert.Equal(A1Name, (string?)westA1["account"]!["name"]);
        Assert.Equal([O4Name], Names(westA1["account"]!["opportunities"]));
        Assert.Equal(1, Total(westA1["account"]!["opportunities"]));
        var viaRelation = await hostile.EmptyAsync("west filters opportunities by A1", server, PaasServer.DataPath, s.West.Key,
            """{ opportunities(filter: {account: {name: {eq: "A1-East"}}}) { totalCount nodes { name } } }""", null, westStillHidden);
        Assert.Equal([O4Name], Names(viaRelation["opportunities"]));
        var versionBefore = (long)westA1["account"]!["version"]!;

        // READ does not write, delete or re-share.
        await hostile.RefusedAsync("west updates A1 (READ share)", server, PaasServer.DataPath, s.West.Key, UpdateIndustry, a1, "FORBIDDEN", westStillHidden);
        await hostile.RefusedAsync("west deletes A1 (READ share)", server, PaasServer.DataPath, s.West.Key, "mutation($id: ID!) { deleteAccount(id: $id) }", a1,
            "FORBIDDEN", westStillHidden);
        await hostile.RefusedAsync("west re-shares A1 to outsider", server, PaasServer.DataPath, s.West.Key, Share("Account", s.A1, s.Outsider.Id, "EDIT"), null,
            "FORBIDDEN", westStillHidden);
        await hostile.RefusedAsync("west takes A1 over", server, PaasServer.DataPath, s.West.Key,
            "mutation($id: ID!) { updateAccount(id: $id, input: {ownerId: \"" + s.West.Id + "\"}) { id } }", a1, "FORBIDDEN", westStillHidden);

        // The rule is for RepWest: outsider and east gain nothing; share attempts on invisible records are NOT_FOUND.
        Assert.Equal(0, Total((await hostile.EmptyAsync("outsider lists", server, PaasServer.DataPath, s.Outsider.Key, Accounts, null, s.Everything))["accounts"]));
        Assert.Equal(1, Total((await server.DataAsync(Accounts, key: s.East.Key)).AssertOk()["accounts"]));
        await hostile.RefusedAsync("outsider shares A1 to itself", server, PaasServer.DataPath, s.Outsider.Key, Share("Account", s.A1, s.Outsider.Id, "EDIT"), null,
            "NOT_FOUND", s.Everything);
        await hostile.RefusedAsync("east shares west's A2 to itself", server, PaasServer.DataPath, s.East.Key, Share("Account", s.A2, s.East.Id, "EDIT"), null,
            "NOT_FOUND", s.HiddenFromEast);
        await hostile.RefusedAsync("outsider updates A1", server, PaasServer.DataPath, s.Outsider.Key, UpdateIndustry, a1, "NOT_FOUND", s.Everything);

        var admin = await server.DataOkAsync(readA1, a1);
        Assert.Equal(A1Industry, (string?)admin["account"]!["industry"]);
        Assert.Equal(versionBefore, (long)admin["account"]!["version"]!);
        Assert.Equal(0, Total((await server.DataOkAsync(Accounts, key: s.Outsider.Key))["accounts"]));

        // Manual share, by the owner, with EDIT: now west can write A1 (but still cannot see east's opportunities).
        var shared = await server.DataAsync(Share("Account", s.A1, s.West.Id, "EDIT"), key: s.East.Key);
        Assert.True((bool)shared.AssertOk()["shareRecord"]!);
        var westUpdate = await server.DataAsync("mutation($id: ID!) { updateAccount(id: $id, input: {revenue: 1111}) { revenue version } }", a1, key: s.West.Key);
        Assert.Equal(1111m, Dec(westUpdate.AssertOk()["updateAccount"]!["revenue"]));
        Assert.Equal(versionBefore + 1, (long)westUpdate.Data!["updateAccount"]!["version"]!);
        Assert.Equal([O4Name], Names((await hostile.EmptyAsync("west reads A1 after EDIT share", server, PaasServer.DataPath, s.West.Key, readA1, a1,
            westStillHidden))["account"]!["opportunities"]));

        // A share of a child record does not open its parent: outsider gets O1, whose account shows only its id.
        var shareO1 = await server.DataAsync(Share("Opportunity", s.O1, s.Outsider.Id, "READ"), key: s.East.Key);
        Assert.True((bool)shareO1.AssertOk()["shareRecord"]!);
        var outsiderO1 = await hostile.EmptyAsync("outsider reads shared O1", server, PaasServer.DataPath, s.Outsider.Key, """
            { opportunities { totalCount nodes { name account { id name industry } } } accounts { totalCount } }
            """, null, [A1Name, A1Industry, A2Name, O2Name, O3Name, O4Name, .. secrets]);
        Assert.Equal([O1Name], Names(outsiderO1["opportunities"]));
        var lookup = outsiderO1["opportunities"]!["nodes"]![0]!["account"]!;
        AssertSameId(s.A1, lookup["id"]);
        Assert.Null(lookup["name"]);
        Assert.Null(lookup["industry"]);
        Assert.Equal(0, Total(outsiderO1["accounts"]));
        await hostile.RefusedAsync("outsider updates shared-for-read O1", server, PaasServer.DataPath, s.Outsider.Key,
            "mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 1}) { id } }", new { id = s.O1 }, "FORBIDDEN", A1Name, A1Industry);

        // Criteria-based rule with EDIT to the Partners group (outsider): records whose industry is Energy.
        await server.MetadataOkAsync("""
            mutation { createSharingRule(input: {apiName: "BigOnes", object: "Account", access: EDIT,
              sharedWith: {kind: GROUP, name: "Partners"}, ownedBy: null, criteria: "{\"industry\": {\"eq\": \"Energy\"}}"}) { apiName } }
            """);
        var partner = await hostile.EmptyAsync("outsider lists with BigOnes", server, PaasServer.DataPath, s.Outsider.Key, Accounts, null,
            [A2Name, A2Industry, .. secrets]);
        Assert.Equal([A1Name], Names(partner["accounts"]));
        Assert.Equal(1, AggregateCount(partner["accountsAggregate"]));
        var partnerUpdate = await server.DataAsync("mutation($id: ID!) { updateAccount(id: $id, input: {revenue: 2222}) { revenue } }", a1, key: s.Outsider.Key);
        Assert.Equal(2222m, Dec(partnerUpdate.AssertOk()["updateAccount"]!["revenue"]));
        await hostile.RefusedAsync("outsider updates A2 (does not match the criteria)", server, PaasServer.DataPath, s.Outsider.Key, UpdateIndustry,
            new { id = s.A2 }, "NOT_FOUND", A2Name, A2Industry, A2Secret);

        // The criteria follow the data: A2 turned Energy is shared, turned back it is not.
        await server.DataOkAsync("""mutation($id: ID!) { updateAccount(id: $id, input: {industry: "Energy"}) { id } }""", new { id = s.A2 });
        Assert.Equal([A1Name, A2Name], Names((await server.DataOkAsync(Accounts, key: s.Outsider.Key))["accounts"]));
        await server.DataOkAsync("""mutation($id: ID!) { updateAccount(id: $id, input: {industry: "Mining"}) { id } }""", new { id = s.A2 });
        Assert.Equal([A1Name], Names((await server.DataOkAsync(Accounts, key: s.Outsider.Key))["accounts"]));

        // Deleting the rule closes it at once; deleting EastToWest leaves west the manual share.
        Assert.True((bool)(await server.MetadataOkAsync("""mutation { deleteSharingRule(apiName: "BigOnes") }"""))["deleteSharingRule"]!);
        var closed = await hostile.EmptyAsync("outsider lists after BigOnes is deleted", server, PaasServer.DataPath, s.Outsider.Key, Accounts, null, s.Everything);
        Assert.Equal(0, Total(closed["accounts"]));
        await hostile.RefusedAsync("outsider updates A1 after BigOnes is deleted", server, PaasServer.DataPath, s.Outsider.Key, UpdateIndustry, a1,
            "NOT_FOUND", A1Name, A2Name);
        Assert.True((bool)(await server.MetadataOkAsync("""mutation { deleteSharingRule(apiName: "EastToWest") }"""))["deleteSharingRule"]!);
        Assert.Empty((await server.MetadataOkAsync("{ sharingRules { apiName } }"))["sharingRules"]!.AsArray());
        Assert.Equal([A1Name, A2Name], Names((await server.DataOkAsync(Accounts, key: s.West.Key))["accounts"]));

        hostile.Report();
    }
}
