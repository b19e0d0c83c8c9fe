using System.Text.Json;
using Paas.Core.Configuration;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Tests;

/// <summary>Reads with nested relations cost a fixed number of SQL statements, however many rows they return (no N+1).</summary>
public sealed class StatementCountTests(ITestOutputHelper output)
{
    private const string Query = "{ opportunities(first: 500) { totalCount nodes { name account { name parent { name } } } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Listing_with_nested_lookups_runs_the_same_few_statements_for_10_and_1000_rows(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateObjectAsync("Account");
        await api.CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        await api.CreateObjectAsync("Opportunity");
        await api.CreateFieldAsync("Opportunity", "account", FieldType.Lookup, f => f with { Target = "Account" });

        var parents = await CreateManyAsync(api, "Account", Enumerable.Range(0, 5).Select(i => (object)new { name = "Parent " + i }).ToList());
        var accounts = await CreateManyAsync(api, "Account", Enumerable.Range(0, 50).Select(i => (object)new { name = "Account " + i, parent = parents[i % parents.Count] }).ToList());

        await CreateOpportunitiesAsync(api, accounts, 0, 10);
        var small = await api.ExecuteAsync(Query);
        AssertPage(small, total: 10, rows: 10);

        await CreateOpportunitiesAsync(api, accounts, 10, 990);
        var large = await api.ExecuteAsync(Query);
        AssertPage(large, total: 1000, rows: 500);

        output.WriteLine($"{provider}: {small.StatementCount} statements for 10 rows, {large.StatementCount} for 1000 rows (500 returned).");
        Assert.InRange(small.StatementCount, 1, 2);
        Assert.Equal(small.StatementCount, large.StatementCount);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_single_record_with_nested_lookups_is_one_statement(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateObjectAsync("Account");
        await api.CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        var parent = (await CreateManyAsync(api, "Account", [new { name = "Parent" }]))[0];
        var child = (await CreateManyAsync(api, "Account", [new { name = "Child", parent }]))[0];

        var result = await api.ExecuteAsync($$"""{ account(id: "{{child}}") { name parent { name parent { name } } } }""");
        Assert.Equal("Parent", result.AssertOk().Data.Str("account.parent.name"));
        Assert.Equal(JsonValueKind.Null, result.Data.At("account.parent.parent").ValueKind);
        Assert.Equal(1, result.StatementCount);
    }

    [Fact]
    public async Task Rows_without_totalCount_need_one_statement_and_totalCount_alone_needs_one()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("Account");
        await CreateManyAsync(api, "Account", Enumerable.Range(0, 20).Select(i => (object)new { name = "A" + i }).ToList());

        Assert.Equal(1, (await api.ExecuteAsync("{ accounts { nodes { name } } }")).AssertOk().StatementCount);
        Assert.Equal(1, (await api.ExecuteAsync("{ accounts { totalCount } }")).AssertOk().StatementCount);
        Assert.Equal(2, (await api.ExecuteAsync("{ accounts { totalCount edges { cursor node { name } } } }")).AssertOk().StatementCount);
    }

    private static async Task<IReadOnlyList<string>> CreateManyAsync(DataApi api, string objectName, IReadOnlyList<object> inputs)
    {
        var plural = objectName == "Opportunity" ? "Opportunities" : objectName + "s";
        var ids = new List<string>();
        foreach (var chunk in inputs.Chunk(1000))
        {
            var result = await api.ExecuteAsync(
                $"mutation($inputs: [{objectName}CreateInput!]!) {{ created: create{plural}(inputs: $inputs) {{ id }} }}",
                new { inputs = chunk });
            ids.AddRange(result.AssertOk().Data.List("created").Select(r => r.Str("id")!));
        }

        return ids;
    }

    private static Task<IReadOnlyList<string>> CreateOpportunitiesAsync(DataApi api, IReadOnlyList<string> accounts, int start, int count) =>
        CreateManyAsync(api, "Opportunity",
            Enumerable.Range(start, count).Select(i => (object)new { name = $"Opportunity {i:0000}", account = accounts[i % accounts.Count] }).ToList());

    private static void AssertPage(GraphResult result, long total, int rows)
    {
        var connection = result.AssertOk().Data.At("opportunities");
        Assert.Equal(total, connection.At("totalCount").GetInt64());
        var nodes = connection.List("nodes");
        Assert.Equal(rows, nodes.Count);
        Assert.All(nodes, n =>
        {
            Assert.StartsWith("Account ", n.Str("account.name"), StringComparison.Ordinal);
            Assert.StartsWith("Parent ", n.Str("account.parent.name"), StringComparison.Ordinal);
        });
    }
}
