using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Journey;

/// <summary>Reads through the data API: filters (incl. through a lookup), multi-key order, cursor paging both ways, edges and nodes.</summary>
public sealed class ReadingTests
{
    private static async Task<(PaasServer Server, Dictionary<string, string> Accounts)> SeedAsync(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider);
        try
        {
            await SalesSchema.CreateAsync(server);
            var accounts = new Dictionary<string, string>
            {
                ["Acme"] = await SalesSchema.CreateAccountAsync(server, "Acme", "Software"),
                ["Globex"] = await SalesSchema.CreateAccountAsync(server, "Globex", "Retail"),
                ["Initech"] = await SalesSchema.CreateAccountAsync(server, "Initech", "Finance"),
            };
            // Ten opportunities: stages and amounts chosen so a multi-key order is needed to tell them apart.
            await SalesSchema.CreateOpportunitiesAsync(server,
                new { name = "O1", amount = 100, stage = "Prospecting", account = accounts["Acme"], closeDate = "2026-01-10", tags = new[] { "Hot" } },
                new { name = "O2", amount = 200, stage = "Prospecting", account = accounts["Globex"], closeDate = "2026-02-10", tags = new[] { "Cold" } },
                new { name = "O3", amount = 300, stage = "Negotiation", account = accounts["Acme"], closeDate = "2026-03-10", tags = new[] { "Hot", "Partner" } },
                new { name = "O4", amount = 300, stage = "Prospecting", account = accounts["Initech"], closeDate = "2026-04-10", tags = Array.Empty<string>() },
                new { name = "O5", amount = 500, stage = "Negotiation", account = accounts["Globex"], closeDate = "2026-05-10", tags = new[] { "Renewal" } },
                new { name = "O6", amount = 600, stage = "ClosedWon", account = accounts["Acme"], closeDate = "2026-06-10", tags = new[] { "Hot", "Renewal" } },
                new { name = "O7", amount = 700, stage = "ClosedLost", account = accounts["Initech"], closeDate = "2026-07-10", tags = new[] { "Cold" } },
                new { name = "O8", amount = 800, stage = "Negotiation", account = accounts["Acme"], closeDate = "2026-08-10", tags = new[] { "Partner" } },
                new { name = "O9", amount = 900, stage = "ClosedWon", account = (string?)null, closeDate = (string?)null, tags = (string[]?)null },
                new { name = "O10", amount = 1000, stage = "Prospecting", account = accounts["Globex"], closeDate = "2026-10-10", tags = new[] { "Hot" } });
            return (server, accounts);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<List<string?>> NamesAsync(PaasServer server, string arguments)
    {
        var data = (await server.DataAsync($"{{ opportunities({arguments}, first: 500) {{ totalCount nodes {{ name }} }} }}")).AssertOk();
        var names = SalesSchema.Strings(data["opportunities"]!["nodes"], "name").ToList();
        Assert.Equal(names.Count, (long)data["opportunities"]!["totalCount"]!);
        return names;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filters_select_the_matching_records(DatabaseProvider provider)
    {
        var (server, _) = await SeedAsync(provider);
        await using var _server = server;
        const string byName = "orderBy: [{amount: ASC}, {name: ASC}]";

        Assert.Equal(["O3", "O5", "O8"], await NamesAsync(server, """filter: {stage: {eq: "Negotiation"}}""" + ", " + byName));
        Assert.Equal(["O5", "O8"], await NamesAsync(server, """filter: {stage: {eq: "Negotiation"}, amount: {gt: 300}}""" + ", " + byName));
        Assert.Equal(["O1", "O3", "O6", "O8"], await NamesAsync(server, """filter: {account: {name: {eq: "Acme"}}}""" + ", " + byName));
        Assert.Equal(["O1", "O2", "O3", "O5", "O6", "O8", "O10"],
            await NamesAsync(server, """filter: {account: {industry: {in: ["Software", "Retail"]}}}""" + ", " + byName));
        Assert.Equal(["O9"], await NamesAsync(server, """filter: {closeDate: {isNull: true}}""" + ", " + byName));
        Assert.Equal(["O1", "O2"], await NamesAsync(server, """filter: {closeDate: {lt: "2026-03-01"}}""" + ", " + byName));
        Assert.Equal(["O2", "O4", "O5", "O7", "O8"],
            await NamesAsync(server, """filter: {or: [{tags: {containsAny: ["Cold", "Partner", "Renewal"]}}, {amount: {eq: 300}}], not: {name: {in: ["O3", "O6"]}}}""" + ", " + byName));
        Assert.Equal(["O3"], await NamesAsync(server, """filter: {tags: {containsAll: ["Hot", "Partner"]}}""" + ", " + byName));
        Assert.Equal(["O10"], await NamesAsync(server, """filter: {name: {endsWith: "10"}}""" + ", " + byName));
        Assert.Equal(["O1", "O10"], await NamesAsync(server, """filter: {name: {startsWith: "o1"}}""" + ", " + byName));
        Assert.Equal(["O4", "O7"], await NamesAsync(server, """filter: {account: {name: {contains: "NITE"}}}""" + ", " + byName));
        Assert.Empty(await NamesAsync(server, """filter: {and: [{stage: {eq: "ClosedWon"}}, {stage: {eq: "ClosedLost"}}]}""" + ", " + byName));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task OrderBy_with_several_keys_and_nested_lookups(DatabaseProvider provider)
    {
        var (server, accounts) = await SeedAsync(provider);
        await using var _server = server;

        Assert.Equal(["O1", "O2", "O4", "O3", "O5", "O6", "O7", "O8", "O9", "O10"],
            await NamesAsync(server, "orderBy: [{amount: ASC}, {closeDate: DESC}]"));
        Assert.Equal(["O10", "O9", "O8", "O7", "O6", "O5", "O3", "O4", "O2", "O1"],
            await NamesAsync(server, "orderBy: [{amount: DESC}, {name: ASC}]"));
        Assert.Equal(["O10", "O9", "O8", "O7", "O6", "O5", "O4", "O3", "O2", "O1"],
            await NamesAsync(server, "orderBy: [{amount: DESC}, {name: DESC}]"));

        var nested = (await server.DataAsync("""
            { opportunities(filter: {amount: {lte: 200}}, orderBy: [{amount: ASC}]) { nodes { name account { id name industry } } } }
            """)).AssertOk()["opportunities"]!["nodes"]!.AsArray();
        Assert.Equal(accounts["Acme"], (string?)nested[0]!["account"]!["id"]);
        Assert.Equal("Acme", (string?)nested[0]!["account"]!["name"]);
        Assert.Equal("Software", (string?)nested[0]!["account"]!["industry"]);
        Assert.Equal("Globex", (string?)nested[1]!["account"]!["name"]);
        Assert.Equal("Retail", (string?)nested[1]!["account"]!["industry"]);

        var withoutAccount = (await server.DataAsync("""
            { opportunities(filter: {name: {eq: "O9"}}) { nodes { name account { name } } } }
            """)).AssertOk()["opportunities"]!["nodes"]![0]!;
        Assert.Null(withoutAccount["account"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Paging_forward_with_first_after_and_backward_with_last_before(DatabaseProvider provider)
    {
        var (server, _) = await SeedAsync(provider);
        await using var _server = server;
        const string query = """
            query($first: Int, $after: String, $last: Int, $before: String) {
              opportunities(filter: {amount: {gte: 200}}, orderBy: [{amount: DESC}, {name: ASC}],
                            first: $first, after: $after, last: $last, before: $before) {
                totalCount
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor node { id name } }
                nodes { id name }
              } }
            """;
        string[] expected = ["O10", "O9", "O8", "O7", "O6", "O5", "O3", "O4", "O2"];

        // Forward, pages of 4.
        var forward = new List<string?>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = (await server.DataAsync(query, new { first = 4, after })).AssertOk()["opportunities"]!;
            AssertConsistentPage(page);
            Assert.Equal(9L, (long)page["totalCount"]!);
            if (pages == 0)
            {
                Assert.False((bool)page["pageInfo"]!["hasPreviousPage"]!);
            }

            forward.AddRange(SalesSchema.Strings(page["nodes"], "name"));
            pages++;
            if (!(bool)page["pageInfo"]!["hasNextPage"]!)
            {
                break;
            }

            after = (string?)page["pageInfo"]!["endCursor"];
            Assert.True(pages < 10, "Paging does not end.");
        }

        Assert.Equal(3, pages);
        Assert.Equal(expected, forward);

        // Backward, pages of 4, from the end.
        var backward = new List<string?>();
        string? before = null;
        pages = 0;
        while (true)
        {
            var page = (await server.DataAsync(query, new { last = 4, before })).AssertOk()["opportunities"]!;
            AssertConsistentPage(page);
            if (pages == 0)
            {
                Assert.False((bool)page["pageInfo"]!["hasNextPage"]!);
            }

            backward.InsertRange(0, SalesSchema.Strings(page["nodes"], "name"));
            pages++;
            if (!(bool)page["pageInfo"]!["hasPreviousPage"]!)
            {
                break;
            }

            before = (string?)page["pageInfo"]!["startCursor"];
            Assert.True(pages < 10, "Paging does not end.");
        }

        Assert.Equal(3, pages);
        Assert.Equal(expected, backward);

        // The cursor of any edge continues right after that edge.
        var all = (await server.DataAsync(query, new { first = 9 })).AssertOk()["opportunities"]!;
        var fourth = (string?)all["edges"]![3]!["cursor"];
        var rest = (await server.DataAsync(query, new { first = 2, after = fourth })).AssertOk()["opportunities"]!;
        Assert.Equal(["O6", "O5"], SalesSchema.Strings(rest["nodes"], "name"));
        var beforeFourth = (await server.DataAsync(query, new { last = 2, before = fourth })).AssertOk()["opportunities"]!;
        Assert.Equal(["O9", "O8"], SalesSchema.Strings(beforeFourth["nodes"], "name"));

        // A garbage cursor is a validation error, not a crash.
        var garbage = await server.DataAsync(query, new { first = 2, after = "' OR 1=1 --" });
        ResponseAssert.GraphQLError(garbage, "VALIDATION_FAILED");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_default_page_is_50_and_the_maximum_500(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAccountObjectAsync(server);
        var inputs = Enumerable.Range(1, 60).Select(i => new { name = $"A{i:000}" }).ToArray();
        (await server.DataAsync("mutation($inputs: [AccountCreateInput!]!) { createAccounts(inputs: $inputs) { id } }", new { inputs })).AssertOk();

        var page = (await server.DataAsync("{ accounts { totalCount pageInfo { hasNextPage } nodes { id } } }")).AssertOk()["accounts"]!;
        Assert.Equal(60L, (long)page["totalCount"]!);
        Assert.Equal(50, page["nodes"]!.AsArray().Count);
        Assert.True((bool)page["pageInfo"]!["hasNextPage"]!);

        (await server.DataAsync("{ accounts(first: 500) { nodes { id } } }")).AssertOk();
        ResponseAssert.GraphQLError(await server.DataAsync("{ accounts(first: 501) { nodes { id } } }"), "LIMIT_EXCEEDED");
        ResponseAssert.GraphQLError(await server.DataAsync("{ accounts(last: 501) { nodes { id } } }"), "LIMIT_EXCEEDED");
    }

    private static void AssertConsistentPage(JsonNode page)
    {
        var edges = page["edges"]!.AsArray();
        var nodes = page["nodes"]!.AsArray();
        Assert.Equal(edges.Count, nodes.Count);
        for (var i = 0; i < edges.Count; i++)
        {
            Assert.Equal((string?)edges[i]!["node"]!["id"], (string?)nodes[i]!["id"]);
            Assert.False(string.IsNullOrEmpty((string?)edges[i]!["cursor"]));
        }

        if (edges.Count > 0)
        {
            Assert.Equal((string?)edges[0]!["cursor"], (string?)page["pageInfo"]!["startCursor"]);
            Assert.Equal((string?)edges[^1]!["cursor"], (string?)page["pageInfo"]!["endCursor"]);
        }
    }
}
