using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Journey;

/// <summary>The data API example of the contract, run as written: filtered and paged list, reverse relation, aggregate.</summary>
public sealed class ContractExampleTests
{
    private const string Example = """
        query($after: String, $account: ID!) {
          opportunities(
            filter: {stage: {eq: "Negotiation"}, amount: {gt: 50000}, account: {industry: {in: ["Software", "Retail"]}}}
            orderBy: [{amount: DESC}, {id: ASC}]
            first: 50, after: $after
          ) {
            totalCount
            pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
            edges { cursor node { id name amount closeDate account { id name } } }
            nodes { id }
          }
          account(id: $account) { name opportunities(first: 5, orderBy: [{amount: DESC}]) { totalCount nodes { name amount } } }
          opportunitiesAggregate(filter: {stage: {neq: "ClosedLost"}}, groupBy: [stage]) {
            key { stage } count sum { amount } avg { amount } min { closeDate } max { closeDate }
          }
        }
        """;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_contract_example_query_answers_as_documented(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var acme = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        var globex = await SalesSchema.CreateAccountAsync(server, "Globex", "Retail");
        var initech = await SalesSchema.CreateAccountAsync(server, "Initech", "Finance");
        await SalesSchema.CreateOpportunitiesAsync(server,
            new { name = "A1", amount = 120000, stage = "Negotiation", account = acme, closeDate = (string?)"2027-01-31" },
            new { name = "A2", amount = 60000, stage = "Negotiation", account = acme, closeDate = (string?)"2027-02-28" },
            new { name = "A3", amount = 70000, stage = "Prospecting", account = acme, closeDate = (string?)"2027-03-31" },
            new { name = "A4", amount = 90000, stage = "ClosedLost", account = acme, closeDate = (string?)"2027-04-30" },
            new { name = "A5", amount = 10000, stage = "ClosedWon", account = acme, closeDate = (string?)"2026-12-31" },
            new { name = "A6", amount = 5000, stage = "Prospecting", account = acme, closeDate = (string?)null },
            new { name = "G1", amount = 55000, stage = "Negotiation", account = globex, closeDate = (string?)"2027-05-31" },
            new { name = "G2", amount = 40000, stage = "Negotiation", account = globex, closeDate = (string?)"2027-06-30" },
            new { name = "I1", amount = 100000, stage = "Negotiation", account = initech, closeDate = (string?)"2027-07-31" });

        var data = (await server.DataAsync(Example, new { after = (string?)null, account = acme })).AssertOk();

        var list = data["opportunities"]!;
        Assert.Equal(3L, (long)list["totalCount"]!);
        Assert.Equal(["A1", "A2", "G1"], list["edges"]!.AsArray().Select(e => (string?)e!["node"]!["name"]).ToList());
        Assert.Equal(list["edges"]!.AsArray().Select(e => (string?)e!["node"]!["id"]), SalesSchema.Strings(list["nodes"], "id"));
        Assert.Equal("Acme", (string?)list["edges"]![0]!["node"]!["account"]!["name"]);
        Assert.Equal("2027-01-31", (string?)list["edges"]![0]!["node"]!["closeDate"]);
        Assert.False((bool)list["pageInfo"]!["hasNextPage"]!);
        Assert.False((bool)list["pageInfo"]!["hasPreviousPage"]!);

        var children = data["account"]!["opportunities"]!;
        Assert.Equal("Acme", (string?)data["account"]!["name"]);
        Assert.Equal(6L, (long)children["totalCount"]!);
        Assert.Equal(["A1", "A4", "A3", "A2", "A5"], SalesSchema.Strings(children["nodes"], "name"));

        var groups = data["opportunitiesAggregate"]!.AsArray().ToDictionary(g => (string)g!["key"]!["stage"]!, g => g!);
        Assert.Equal(["ClosedWon", "Negotiation", "Prospecting"], groups.Keys.Order(StringComparer.Ordinal).ToList());
        var negotiation = groups["Negotiation"];
        Assert.Equal(5L, (long)negotiation["count"]!);
        Assert.Equal(375000m, (decimal)negotiation["sum"]!["amount"]!);
        Assert.Equal(75000m, (decimal)negotiation["avg"]!["amount"]!);
        Assert.Equal("2027-01-31", (string?)negotiation["min"]!["closeDate"]);
        Assert.Equal("2027-07-31", (string?)negotiation["max"]!["closeDate"]);
        var prospecting = groups["Prospecting"];
        Assert.Equal(2L, (long)prospecting["count"]!);
        Assert.Equal(75000m, (decimal)prospecting["sum"]!["amount"]!);
        Assert.Equal(37500m, (decimal)prospecting["avg"]!["amount"]!);
        Assert.Equal("2027-03-31", (string?)prospecting["min"]!["closeDate"]);
        Assert.Equal("2027-03-31", (string?)prospecting["max"]!["closeDate"]);
        Assert.Equal(1L, (long)groups["ClosedWon"]["count"]!);

        // The example's next page: after the first edge's cursor.
        var next = (await server.DataAsync(Example, new { after = (string?)list["edges"]![0]!["cursor"], account = acme })).AssertOk()["opportunities"]!;
        Assert.Equal(["A2", "G1"], next["edges"]!.AsArray().Select(e => (string?)e!["node"]!["name"]).ToList());
        Assert.Equal(3L, (long)next["totalCount"]!);
    }
}
