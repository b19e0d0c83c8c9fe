using System.Text.Json;
using Paas.Core.Configuration;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.GraphQL.Tests;

/// <summary>What a client selects (fragments, aliases, nested relations) is what the single SQL statement fetches.</summary>
public sealed class SelectionTests
{
    private static async Task<DataApi> SeededAsync(DatabaseProvider provider)
    {
        var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();
        var parent = (await api.ExecuteAsync("""mutation { createAccount(input: {name: "Holding", industry: "Energy"}) { id } }""")).AssertOk().Data.Str("createAccount.id");
        var account = (await api.ExecuteAsync($$"""mutation { createAccount(input: {name: "Acme", industry: "Software", parent: "{{parent}}"}) { id } }""")).AssertOk().Data.Str("createAccount.id");
        (await api.ExecuteAsync($$"""
            mutation { createOpportunities(inputs: [
              {name: "A", amount: 10, stage: "Negotiation", account: "{{account}}"},
              {name: "B", amount: 20, stage: "ClosedWon", account: "{{account}}"},
              {name: "C", amount: 30}
            ]) { id } }
            """)).AssertOk();
        return api;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Named_and_inline_fragments_and_aliases_of_one_lookup_with_different_subfields(DatabaseProvider provider)
    {
        await using var api = await SeededAsync(provider);
        var result = await api.ExecuteAsync("""
            query {
              opportunities(orderBy: [{name: ASC}]) {
                nodes {
                  ...Basics
                  ... on Opportunity { amount }
                  company: account { name }
                  sector: account { industry parent { name } }
                  __typename
                }
              }
            }
            fragment Basics on Opportunity { id name stage }
            """);
        var nodes = result.AssertOk().Data.List("opportunities.nodes");
        Assert.Equal(["A", "B", "C"], nodes.Select(n => n.Str("name")));
        var a = nodes[0];
        Assert.True(Guid.TryParse(a.Str("id"), out _));
        Assert.Equal("Negotiation", a.Str("stage"));
        Assert.Equal(10m, a.At("amount").GetDecimal());
        Assert.Equal("Acme", a.Str("company.name"));
        Assert.False(a.At("company").TryGetProperty("industry", out _));
        Assert.Equal("Software", a.Str("sector.industry"));
        Assert.Equal("Holding", a.Str("sector.parent.name"));
        Assert.False(a.At("sector").TryGetProperty("name", out _));
        Assert.Equal("Opportunity", a.Str("__typename"));
        Assert.Equal(JsonValueKind.Null, nodes[2].At("company").ValueKind);
        Assert.Equal(JsonValueKind.Null, nodes[2].At("sector").ValueKind);
        Assert.Equal(1, result.StatementCount);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Fragments_on_the_connection_edges_and_nested_records(DatabaseProvider provider)
    {
        await using var api = await SeededAsync(provider);
        var result = await api.ExecuteAsync("""
            query Page($first: Int) {
              page: opportunities(first: $first, orderBy: [{amount: DESC}]) { ...Conn }
            }
            fragment Conn on OpportunityConnection {
              totalCount
              pageInfo { hasNextPage }
              edges { cursor node { ...Opp } }
            }
            fragment Opp on Opportunity { name account { ...Acc } }
            fragment Acc on Account { name parent { ...AccName } }
            fragment AccName on Account { name industry }
            """, new { first = 2 });
        var page = result.AssertOk().Data.At("page");
        Assert.Equal(3, page.At("totalCount").GetInt64());
        Assert.True(page.At("pageInfo.hasNextPage").GetBoolean());
        var edges = page.List("edges");
        Assert.Equal(["C", "B"], edges.Select(e => e.Str("node.name")));
        Assert.Equal(JsonValueKind.Null, edges[0].At("node.account").ValueKind);
        Assert.Equal("Acme", edges[1].Str("node.account.name"));
        Assert.Equal("Holding", edges[1].Str("node.account.parent.name"));
        Assert.Equal("Energy", edges[1].Str("node.account.parent.industry"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Aliased_connections_and_fields_resolve_independently(DatabaseProvider provider)
    {
        await using var api = await SeededAsync(provider);
        var result = await api.ExecuteAsync("""
            {
              big: opportunities(filter: {amount: {gte: 20}}, orderBy: [{amount: ASC}]) { count: totalCount nodes { title: name value: amount } }
              small: opportunities(filter: {amount: {lt: 20}}) { totalCount nodes { name n2: name } }
              accounts(orderBy: [{name: ASC}]) { nodes { name } }
            }
            """);
        var data = result.AssertOk().Data;
        Assert.Equal(2, data.At("big.count").GetInt64());
        Assert.Equal(["B", "C"], data.List("big.nodes").Select(n => n.Str("title")));
        Assert.Equal(20m, data.At("big.nodes.0.value").GetDecimal());
        Assert.Equal("A", data.Str("small.nodes.0.n2"));
        Assert.Equal(["Acme", "Holding"], data.List("accounts.nodes").Select(n => n.Str("name")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Skip_and_include_directives_are_honoured(DatabaseProvider provider)
    {
        await using var api = await SeededAsync(provider);
        var result = await api.ExecuteAsync("""
            query($withAccount: Boolean!) {
              opportunities(orderBy: [{name: ASC}], first: 1) { nodes { name amount @skip(if: true) account @include(if: $withAccount) { name } } }
            }
            """, new { withAccount = true });
        var node = result.AssertOk().Data.At("opportunities.nodes.0");
        Assert.False(node.TryGetProperty("amount", out _));
        Assert.Equal("Acme", node.Str("account.name"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Mutation_results_honour_fragments_and_nested_selections(DatabaseProvider provider)
    {
        await using var api = await SeededAsync(provider);
        var account = (await api.ExecuteAsync("""{ accounts(filter: {name: {eq: "Acme"}}) { nodes { id } } }""")).AssertOk().Data.Str("accounts.nodes.0.id");
        var result = await api.ExecuteAsync($$"""
            mutation {
              createOpportunity(input: {name: "D", account: "{{account}}"}) { ...Opp owner: account { parent { name } } }
            }
            fragment Opp on Opportunity { name version account { name } }
            """);
        var created = result.AssertOk().Data.At("createOpportunity");
        Assert.Equal("D", created.Str("name"));
        Assert.Equal(1, created.At("version").GetInt64());
        Assert.Equal("Acme", created.Str("account.name"));
        Assert.Equal("Holding", created.Str("owner.parent.name"));
    }
}
