using System.Text.Json;
using Paas.Core.Configuration;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.GraphQL.Tests;

/// <summary>Reverse relations (an account's opportunities) and aggregates, end to end.</summary>
public sealed class RelationListTests(ITestOutputHelper output)
{
    private static async Task<(DataApi Api, string Acme, string Globex)> SeededAsync(DatabaseProvider provider)
    {
        var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        var acme = (await api.ExecuteAsync("""mutation { createAccount(input: {name: "Acme", industry: "Software"}) { id } }""")).AssertOk().Data.Str("createAccount.id")!;
        var globex = (await api.ExecuteAsync("""mutation { createAccount(input: {name: "Globex", industry: "Retail"}) { id } }""")).AssertOk().Data.Str("createAccount.id")!;
        (await api.ExecuteAsync("""mutation { createAccount(input: {name: "Empty"}) { id } }""")).AssertOk();
        (await api.ExecuteAsync($$"""
            mutation { createOpportunities(inputs: [
              {name: "A1", amount: 100, stage: "Negotiation", account: "{{acme}}", closeDate: "2026-01-10"},
              {name: "A2", amount: 300, stage: "ClosedWon", account: "{{acme}}", closeDate: "2026-02-10"},
              {name: "A3", amount: 200, stage: "Negotiation", account: "{{acme}}", closeDate: "2026-03-10"},
              {name: "G1", amount: 50, stage: "ClosedLost", account: "{{globex}}", closeDate: "2026-04-10"},
              {name: "N1", amount: 5, stage: "Negotiation"}
            ]) { id } }
            """)).AssertOk();
        return (api, acme, globex);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_reverse_relation_pages_each_parents_children_with_the_list_arguments(DatabaseProvider provider)
    {
        var (api, _, _) = await SeededAsync(provider);
        await using var lifetime = api;
        var result = await api.ExecuteAsync("""
            { accounts(orderBy: [{name: ASC}]) { nodes {
                name
                top: opportunities(first: 2, orderBy: [{amount: DESC}]) { totalCount pageInfo { hasNextPage } nodes { name amount } }
                open: opportunities(filter: {stage: {eq: "Negotiation"}}) { totalCount nodes { name } }
            } } }
            """);
        var nodes = result.AssertOk().Data.List("accounts.nodes");
        Assert.Equal(["Acme", "Empty", "Globex"], nodes.Select(n => n.Str("name")));

        var acme = nodes[0];
        Assert.Equal(3, acme.At("top.totalCount").GetInt64());
        Assert.True(acme.At("top.pageInfo.hasNextPage").GetBoolean());
        Assert.Equal(["A2", "A3"], acme.List("top.nodes").Select(n => n.Str("name")));
        Assert.Equal(2, acme.At("open.totalCount").GetInt64());
        Assert.Equal(["A1", "A3"], acme.List("open.nodes").Select(n => n.Str("name")).Order(StringComparer.Ordinal));

        var empty = nodes[1];
        Assert.Equal(0, empty.At("top.totalCount").GetInt64());
        Assert.Empty(empty.List("top.nodes"));
        Assert.False(empty.At("top.pageInfo.hasNextPage").GetBoolean());

        var globex = nodes[2];
        Assert.Equal(["G1"], globex.List("top.nodes").Select(n => n.Str("name")));
        Assert.Equal(0, globex.At("open.totalCount").GetInt64());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_contract_example_of_a_record_with_its_children(DatabaseProvider provider)
    {
        var (api, acme, _) = await SeededAsync(provider);
        await using var lifetime = api;
        var result = await api.ExecuteAsync($$"""
            { account(id: "{{acme}}") { name opportunities(first: 5, orderBy: [{amount: DESC}]) { nodes { name amount account { name } } } } }
            """);
        var account = result.AssertOk().Data.At("account");
        Assert.Equal("Acme", account.Str("name"));
        Assert.Equal(["A2", "A3", "A1"], account.List("opportunities.nodes").Select(n => n.Str("name")));
        Assert.All(account.List("opportunities.nodes"), n => Assert.Equal("Acme", n.Str("account.name")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_child_page_can_be_continued_by_cursor(DatabaseProvider provider)
    {
        var (api, acme, _) = await SeededAsync(provider);
        await using var lifetime = api;
        var first = await api.ExecuteAsync($$"""{ account(id: "{{acme}}") { opportunities(first: 2, orderBy: [{amount: ASC}]) { pageInfo { endCursor hasNextPage } nodes { name } } } }""");
        var page = first.AssertOk().Data.At("account.opportunities");
        Assert.Equal(["A1", "A3"], page.List("nodes").Select(n => n.Str("name")));
        var cursor = page.Str("pageInfo.endCursor");

        var second = await api.ExecuteAsync($$"""{ account(id: "{{acme}}") { opportunities(first: 2, orderBy: [{amount: ASC}], after: "{{cursor}}") { pageInfo { hasNextPage hasPreviousPage } nodes { name } } } }""");
        var next = second.AssertOk().Data.At("account.opportunities");
        Assert.Equal(["A2"], next.List("nodes").Select(n => n.Str("name")));
        Assert.False(next.At("pageInfo.hasNextPage").GetBoolean());
        Assert.True(next.At("pageInfo.hasPreviousPage").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_fragment_with_a_reverse_relation_used_at_two_levels_loads_both_levels(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        var root = (await api.ExecuteAsync("""mutation { createAccount(input: {name: "Root"}) { id } }""")).AssertOk().Data.Str("createAccount.id");
        var mid = (await api.ExecuteAsync($$"""mutation { createAccount(input: {name: "Mid", parent: "{{root}}"}) { id } }""")).AssertOk().Data.Str("createAccount.id");
        (await api.ExecuteAsync($$"""mutation { createAccount(input: {name: "Leaf", parent: "{{mid}}"}) { id } }""")).AssertOk();

        // The same field node (inside the fragment) is resolved for Root and then again for Mid.
        var result = await api.ExecuteAsync("""
            { accounts(filter: {name: {eq: "Root"}}) { nodes {
                name ...Kids
                accounts { nodes { name ...Kids } }
            } } }
            fragment Kids on Account { kids: accounts { totalCount nodes { name } } }
            """);
        var rootNode = result.AssertOk().Data.At("accounts.nodes.0");
        Assert.Equal(["Mid"], rootNode.List("kids.nodes").Select(n => n.Str("name")));
        var midNode = rootNode.At("accounts.nodes.0");
        Assert.Equal("Mid", midNode.Str("name"));
        Assert.Equal(1, midNode.At("kids.totalCount").GetInt64());
        Assert.Equal(["Leaf"], midNode.List("kids.nodes").Select(n => n.Str("name")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Reverse_relations_cost_the_same_statements_for_few_and_many_parents(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        const string query = "{ accounts(first: 500) { totalCount nodes { name opportunities(first: 3) { totalCount nodes { name account { name } } } } } }";

        await SeedAsync(api, accounts: 5);
        var small = await api.ExecuteAsync(query);
        Assert.Equal(5, small.AssertOk().Data.List("accounts.nodes").Count);

        await SeedAsync(api, accounts: 295);
        var large = await api.ExecuteAsync(query);
        var nodes = large.AssertOk().Data.List("accounts.nodes");
        Assert.Equal(300, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(2, n.At("opportunities.totalCount").GetInt64()));

        output.WriteLine($"{provider}: {small.StatementCount} statements for 5 parents, {large.StatementCount} for 300.");
        Assert.InRange(small.StatementCount, 1, 4);
        Assert.Equal(small.StatementCount, large.StatementCount);
    }

    private static async Task SeedAsync(DataApi api, int accounts)
    {
        var created = await api.ExecuteAsync("mutation($inputs: [AccountCreateInput!]!) { createAccounts(inputs: $inputs) { id } }",
            new { inputs = Enumerable.Range(0, accounts).Select(i => new { name = $"Account {Guid.NewGuid():N}" }).ToList() });
        var ids = created.AssertOk().Data.List("createAccounts").Select(a => a.Str("id")!).ToList();
        var inputs = ids.SelectMany(id => new[] { new { name = "O1", account = id }, new { name = "O2", account = id } }).ToList();
        foreach (var chunk in inputs.Chunk(1000))
        {
            (await api.ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }", new { inputs = chunk })).AssertOk();
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_contract_example_aggregate_groups_and_sums(DatabaseProvider provider)
    {
        var (api, _, _) = await SeededAsync(provider);
        await using var lifetime = api;
        var result = await api.ExecuteAsync("""
            { opportunitiesAggregate(filter: {stage: {neq: "ClosedLost"}}, groupBy: [stage]) {
                key { stage } count sum { amount } avg { amount } min { closeDate } max { closeDate }
            } }
            """);
        var groups = result.AssertOk().Data.List("opportunitiesAggregate").ToDictionary(g => g.Str("key.stage")!);
        Assert.Equal(["ClosedWon", "Negotiation"], groups.Keys.Order(StringComparer.Ordinal));
        var negotiation = groups["Negotiation"];
        Assert.Equal(3, negotiation.At("count").GetInt64());
        Assert.Equal(305m, negotiation.At("sum.amount").GetDecimal());
        Assert.Equal(305m / 3, negotiation.At("avg.amount").GetDecimal(), 2);
        Assert.Equal("2026-01-10", negotiation.Str("min.closeDate"));
        Assert.Equal("2026-03-10", negotiation.Str("max.closeDate"));
        Assert.Equal(1, groups["ClosedWon"].At("count").GetInt64());
        Assert.Equal(300m, groups["ClosedWon"].At("sum.amount").GetDecimal());
        Assert.Equal(1, result.StatementCount);

        var total = await api.ExecuteAsync("{ opportunitiesAggregate { count sum { amount } } }");
        var all = Assert.Single(total.AssertOk().Data.List("opportunitiesAggregate"));
        Assert.Equal(5, all.At("count").GetInt64());
        Assert.Equal(655m, all.At("sum.amount").GetDecimal());
        Assert.Equal(JsonValueKind.Object, all.ValueKind);
    }
}
