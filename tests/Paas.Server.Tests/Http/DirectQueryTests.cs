using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.GraphQL.Http;
using Paas.Server.Tests.Infrastructure;
using Paas.Server.Tests.Security;
using Paas.Testing;

namespace Paas.Server.Tests.Http;

/// <summary>
/// The direct path answers repeated plain reads byte for byte as graphql-dotnet does: every query below is answered by
/// the same server with the direct path off (graphql-dotnet only) and on, and the bodies must be equal; the server's
/// counters show which path answered.
/// </summary>
public sealed class DirectQueryTests
{
    private const string Off = "false";

    /// <summary>Queries the direct path answers: lists, edges, page info, aliases, __typename, lookups, one record.</summary>
    private static readonly string[] DirectQueries =
    [
        """{ opportunities(orderBy: [{amount: DESC}], first: 10) { totalCount nodes { id name amount withTax label due stage closeDate isPriority tags details externalId version createdAt updatedAt account { id name industry } } } }""",
        """{ opportunities(filter: {stage: {eq: "Negotiation"}}, orderBy: [{name: ASC}]) { edges { cursor node { name amount } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }""",
        """query Named { big: opportunities(filter: {amount: {gte: 100}}, first: 2, orderBy: [{amount: ASC}]) { __typename pageInfo { hasNextPage } nodes { __typename n: name a: account { __typename name } } } small: accounts { totalCount } }""",
        """{ opportunities(filter: {account: {industry: {eq: "Retail"}}}) { totalCount nodes { name account { name } } } }""",
        """{ opportunities(filter: {name: {eq: "nothing at all"}}) { totalCount nodes { name } pageInfo { startCursor endCursor } } }""",
        """{ __typename accounts(orderBy: [{name: DESC}], last: 2) { nodes { name industry createdBy ownerId } } }""",
        """{ accounts(first: 50, orderBy: [{name: ASC}]) { nodes { name opportunities(first: 1, orderBy: [{amount: DESC}]) { totalCount nodes { name amount } pageInfo { hasNextPage } } all: opportunities { totalCount } } } }""",
    ];

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Plain_reads_answered_directly_are_byte_for_byte_what_graphql_dotnet_answers(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, new Dictionary<string, string?> { ["Paas:GraphQL:DirectExecution"] = Off });
        await SeedAsync(server);
        var first = (await server.DataOkAsync("""{ opportunities(first: 1, orderBy: [{amount: DESC}]) { edges { cursor node { id } } } }"""))["opportunities"]!["edges"]![0]!;
        var oneId = (string)first["node"]!["id"]!;
        var cursor = (string)first["cursor"]!;
        var accountId = (string)(await server.DataOkAsync("""{ accounts(first: 1, orderBy: [{name: ASC}]) { nodes { id } } }"""))["accounts"]!["nodes"]![0]!["id"]!;
        (string Query, object? Variables)[] queries =
        [
            .. DirectQueries.Select(q => (q, (object?)null)),
            ($$"""{ opportunity(id: "{{oneId}}") { id name amount tags details account { name } } }""", null),
            ("""{ opportunity(id: "00000000-0000-0000-0000-000000000000") { id name } }""", null),
            ("""query($id: ID!) { opportunity(id: $id) { name withTax } }""", new { id = oneId }),
            ("""query($n: Int = 2, $after: String, $f: OpportunityFilter) { opportunities(first: $n, after: $after, filter: $f, orderBy: [{name: ASC}]) { edges { cursor node { name } } } }""",
                new { f = new { amount = new { gt = 50 } } }),
            ("""query($n: Int = 2, $after: String, $f: OpportunityFilter) { opportunities(first: $n, after: $after, filter: $f, orderBy: [{name: ASC}]) { edges { cursor node { name } } } }""",
                new { n = 1, f = new { stage = new { @in = new[] { "Negotiation", "ClosedWon" } } } }),
            ("""query($id: ID!) { account(id: $id) { name opportunities(orderBy: [{name: ASC}]) { totalCount nodes { name } } } }""", new { id = accountId }),
            ("""query Page($after: String) { opportunities(orderBy: [{amount: DESC}], first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { id name amount } } }""",
                new { after = cursor }),
        ];

        var expected = new List<string>();
        foreach (var (query, variables) in queries)
        {
            var answer = await server.DataAsync(query, variables);
            answer.AssertOk();
            var again = await server.DataAsync(query, variables);
            Assert.Equal(answer.Body, again.Body);
            expected.Add(answer.Body);
        }

        Assert.Equal(0, Metrics(server).Direct);

        await using var direct = await server.RestartAsync(new Dictionary<string, string?> { ["Paas:GraphQL:DirectExecution"] = "true" });
        for (var i = 0; i < queries.Length; i++)
        {
            var before = Metrics(direct).Direct;
            for (var round = 0; round < 3; round++)
            {
                var response = await direct.DataAsync(queries[i].Query, queries[i].Variables);
                Assert.Equal(expected[i], response.Body);
            }

            // The first request of a document validates it (the two variable queries share one); the ones after it are direct.
            var answered = queries.Take(i).Any(q => q.Query == queries[i].Query) ? 3 : 2;
            Assert.True(before + answered == Metrics(direct).Direct, $"query {i}: direct {Metrics(direct).Direct - before}, fallbacks so far {Metrics(direct).DirectFallbacks}");
        }

        Assert.Equal(0, Metrics(direct).DirectFallbacks);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Queries_the_direct_path_does_not_cover_run_through_graphql_dotnet(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SeedAsync(server);
        string[] covered =
        [
            // a reverse relation under a reverse relation, one in an object inside a list's item (edges.node), field
            // history, an aggregate, a fragment, a directive, introspection
            """{ accounts { nodes { name opportunities { nodes { name account { opportunities { totalCount } } } } } } }""",
            """{ accounts { edges { node { opportunities { totalCount } } } } }""",
            """{ opportunities(first: 1, orderBy: [{name: ASC}]) { nodes { account { name opportunities(filter: {amount: {gt: 100}}) { nodes { name } } } } } }""",
            """{ accounts { nodes { name history { field } } } }""",
            """{ opportunitiesAggregate(groupBy: [stage]) { key { stage } count } }""",
            """query { accounts { nodes { ...f } } } fragment f on Account { name }""",
            """{ accounts { nodes { name @include(if: true) } } }""",
            """{ __schema { queryType { name } } }""",
        ];
        foreach (var query in covered)
        {
            var first = await server.DataAsync(query);
            first.AssertOk();
            Assert.Equal(first.Body, (await server.DataAsync(query)).Body);
        }

        Assert.Equal(0, Metrics(server).Direct);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_direct_read_with_a_javascript_formula_reports_its_script_cost(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SeedAsync(server);
        await server.MetadataOkAsync("""
            mutation { createField(input: {object: "Account", apiName: "shout", label: "Shout", type: FORMULA, returnType: TEXT,
              formula: "name.split(' ')[0].toUpperCase() + '!'"}) { apiName } }
            """);
        const string query = """{ accounts(orderBy: [{name: ASC}]) { nodes { name shout } } }""";
        string? data = null;
        for (var i = 0; i < 3; i++)
        {
            var response = await server.DataAsync(query);
            var nodes = response.AssertOk()["accounts"]!["nodes"]!.AsArray();
            Assert.Equal(["ZETA\tSOFT\nWARE!", "ÅSA!"], nodes.Select(n => (string?)n!["shout"]).Order(StringComparer.Ordinal));
            Assert.Contains(response.Json!["extensions"]!["scriptCost"]!.AsArray(), c => (string?)c!["kind"] == "formula");
            data ??= response.Json!["data"]!.ToJsonString();
            Assert.Equal(data, response.Json!["data"]!.ToJsonString());
        }

        Assert.Equal(2, Metrics(server).Direct);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_failing_direct_read_answers_with_graphql_dotnets_error_and_a_later_one_still_works(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SeedAsync(server);

        // The page size is checked by the resolver, so validation passes and the document is cached; each run fails in it.
        const string tooLarge = """{ opportunities(first: 501) { nodes { name } } }""";
        var first = await server.DataAsync(tooLarge);
        ResponseAssert.GraphQLError(first, "LIMIT_EXCEEDED");
        var second = await server.DataAsync(tooLarge);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(1, Metrics(server).DirectFallbacks);

        // A filter that fails in the resolver (an unknown picklist value) behaves the same.
        const string badValue = """{ opportunities(filter: {stage: {eq: "NoSuchStage"}}) { nodes { name } } }""";
        var bad = await server.DataAsync(badValue);
        Assert.Equal(bad.Body, (await server.DataAsync(badValue)).Body);

        // Variables are coerced again on every request: a wrong type or a missing value is refused by validation before a
        // direct run, exactly as by the executer; a page over the limit is refused by the resolver, so that one run falls back.
        const string paged = """query($n: Int!) { opportunities(first: $n, orderBy: [{name: ASC}]) { nodes { name } } }""";
        Assert.Single((await server.DataOkAsync(paged, new { n = 1 }))["opportunities"]!["nodes"]!.AsArray());
        var fallbacks = Metrics(server).DirectFallbacks;
        var wrongType = await server.DataAsync(paged, new { n = "two" });
        ResponseAssert.IsSafeError(wrongType);
        var missing = await server.DataAsync(paged);
        ResponseAssert.IsSafeError(missing);
        var huge = await server.DataAsync(paged, new { n = 100_000 });
        Assert.Contains(huge.Errors ?? [], e => (string?)e!["extensions"]!["code"] == "LIMIT_EXCEEDED");
        Assert.Equal(3, (await server.DataOkAsync(paged, new { n = 3 }))["opportunities"]!["nodes"]!.AsArray().Count);
        Assert.Equal(fallbacks + 1, Metrics(server).DirectFallbacks);

        const string fine = """{ opportunities(first: 2, orderBy: [{name: ASC}]) { nodes { name } } }""";
        await server.DataOkAsync(fine);
        var directBefore = Metrics(server).Direct;
        var page = await server.DataOkAsync(fine);
        Assert.Equal(2, page["opportunities"]!["nodes"]!.AsArray().Count);
        Assert.Equal(directBefore + 1, Metrics(server).Direct);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Record_and_field_access_apply_on_the_direct_path(DatabaseProvider provider)
    {
        await using var s = await SecurityScenario.StartAsync(provider);
        var server = s.Server;
        const string query = """{ accounts(orderBy: [{name: ASC}]) { totalCount nodes { name } } opportunities(orderBy: [{name: ASC}]) { nodes { name account { name } } } }""";
        const string secured = """{ accounts(orderBy: [{name: ASC}]) { nodes { name secret } } }""";

        // The admin's answers are cached and then given directly; each user's schema has its own document cache.
        for (var i = 0; i < 3; i++)
        {
            var admin = await server.DataOkAsync(query);
            Assert.Equal(2, (long)admin["accounts"]!["totalCount"]!);
            var secrets = await server.DataOkAsync(secured);
            Assert.Equal(SecurityScenario.A1Secret, (string?)secrets["accounts"]!["nodes"]![0]!["secret"]);

            var east = await server.DataAsync(query, key: s.East.Key);
            var eastData = east.AssertOk();
            Assert.Equal(1, (long)eastData["accounts"]!["totalCount"]!);
            Assert.Equal([SecurityScenario.O1Name, SecurityScenario.O3Name], eastData["opportunities"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));
            Assert.Null(eastData["opportunities"]!["nodes"]![1]!["account"]!["name"]);
            foreach (var hidden in s.HiddenFromEast)
            {
                Assert.DoesNotContain(hidden, east.Body, StringComparison.Ordinal);
            }

            var eastSecret = await server.DataAsync(secured, key: s.East.Key);
            Assert.NotNull(eastSecret.Errors);
            Assert.DoesNotContain(SecurityScenario.A1Secret, eastSecret.Body, StringComparison.Ordinal);
        }

        // Two of the three rounds of the admin's two queries and east's query were direct.
        Assert.Equal(6, Metrics(server).Direct);
    }

    private static GraphQLMetrics Metrics(PaasServer server) => server.Services.GetRequiredService<GraphQLMetrics>();

    /// <summary>Accounts and opportunities with every kind of value, including text that JSON must escape and nulls.</summary>
    private static async Task SeedAsync(PaasServer server)
    {
        await SalesSchema.CreateAsync(server);
        await server.MetadataOkAsync("""
            mutation {
              a: createField(input: {object: "Opportunity", apiName: "withTax", label: "With tax", type: FORMULA, returnType: CURRENCY, scale: 2,
                formula: "ROUND(amount * 1.2, 2)"}) { apiName }
              b: createField(input: {object: "Opportunity", apiName: "label", label: "Label", type: FORMULA, returnType: TEXT,
                formula: "UPPER(name) + ' / ' + account.name"}) { apiName }
              c: createField(input: {object: "Opportunity", apiName: "due", label: "Due", type: FORMULA, returnType: DATE,
                formula: "ADD_DAYS(closeDate, 30)"}) { apiName }
            }
            """);
        var retail = await SalesSchema.CreateAccountAsync(server, "Åsa & <Partners> \"Ltd\"", "Retail");
        var software = await SalesSchema.CreateAccountAsync(server, "Zeta\tSoft\nware 日本", "Software");
        await SalesSchema.CreateOpportunitiesAsync(server,
            new { name = "Alpha 'quoted'", amount = "1250.50", stage = "Negotiation", closeDate = "2026-03-31", account = retail, isPriority = true,
                tags = new[] { "Hot", "Partner" }, details = new Dictionary<string, object?> { ["score"] = 7, ["notes"] = "<b>x</b>", ["nested"] = new { ok = true, list = new object?[] { 1, "two", null } } }, externalId = "A-1" },
            new { name = "Beta \u2028 line", amount = "99.99", stage = "Negotiation", account = software, isPriority = false, tags = Array.Empty<string>() },
            new { name = "Gamma", amount = "100000000.01", stage = "ClosedWon", closeDate = "2027-01-01" },
            new { name = "Delta ünïcode 🎉", amount = "0", stage = "Prospecting", account = retail, details = new object[] { 1.5, -2, "s" } });
    }
}
