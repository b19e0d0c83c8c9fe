using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.SystemTextJson;
using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Storage;
using Paas.GraphQL.Data;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Http;
using Paas.Testing;
using Xunit.Abstractions;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.Server.Tests.Relations;

/// <summary>
/// Reverse relations are batched: a page of parents with their children costs the same few SQL statements whatever the
/// number of parents (no N+1). Counted with <see cref="DataRequestContext.StatementCount"/>, so the data API is executed
/// in process through graphql-dotnet on a test database (HTTP hides the count).
/// </summary>
public sealed class ReverseRelationStatementCountTests(ITestOutputHelper output)
{
    private static readonly DocumentExecuter Executer = new();
    private static readonly GraphQLSerializer Serializer = new(new PaasErrorInfoProvider());

    private const string Query = "{ accounts(first: 50) { nodes { name opportunities(first: 10) { totalCount nodes { name account { name } } } } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Accounts_with_their_opportunities_cost_the_same_statements_for_5_and_50_accounts(DatabaseProvider provider)
    {
        await using var api = await Api.CreateAsync(provider);
        await api.CreateSchemaAsync();

        await api.SeedAsync(accounts: 5, opportunitiesEach: 20, offset: 0);
        var (small, smallCount) = await api.ExecuteAsync(Query);
        AssertPage(small, 5);

        await api.SeedAsync(accounts: 45, opportunitiesEach: 20, offset: 5);
        var (large, largeCount) = await api.ExecuteAsync(Query);
        AssertPage(large, 50);

        output.WriteLine($"{provider}: {smallCount} statements for 5 accounts, {largeCount} for 50.");
        Assert.InRange(smallCount, 1, 3);
        Assert.Equal(smallCount, largeCount);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Two_levels_of_reverse_relations_and_aliases_stay_a_fixed_number_of_statements(DatabaseProvider provider)
    {
        await using var api = await Api.CreateAsync(provider);
        await api.CreateSchemaAsync();
        const string query = """
            { accounts(first: 50) { nodes { name
                big: opportunities(first: 3, filter: {amount: {gte: 10}}) { nodes { name } }
                opportunities(first: 5) { nodes { name account { opportunities(first: 2) { totalCount } } } } } } }
            """;

        await api.SeedAsync(accounts: 3, opportunitiesEach: 20, offset: 0);
        var (_, small) = await api.ExecuteAsync(query);
        await api.SeedAsync(accounts: 30, opportunitiesEach: 20, offset: 3);
        var (data, large) = await api.ExecuteAsync(query);

        var accounts = data["accounts"]!["nodes"]!.AsArray();
        Assert.Equal(33, accounts.Count);
        Assert.All(accounts, a =>
        {
            Assert.Equal(3, a!["big"]!["nodes"]!.AsArray().Count);
            Assert.Equal(5, a["opportunities"]!["nodes"]!.AsArray().Count);
            Assert.All(a["opportunities"]!["nodes"]!.AsArray(), o => Assert.Equal(20, (long)o!["account"]!["opportunities"]!["totalCount"]!));
        });
        output.WriteLine($"{provider}: {small} statements for 3 accounts, {large} for 33.");
        Assert.Equal(small, large);
        Assert.InRange(large, 1, 6);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_direct_path_batches_reverse_relations_into_the_same_statements(DatabaseProvider provider)
    {
        await using var api = await Api.CreateAsync(provider);
        await api.CreateSchemaAsync();

        await api.SeedAsync(accounts: 5, opportunitiesEach: 20, offset: 0);
        var (viaExecuter, executerCount) = await api.ExecuteAsync(Query);
        var (small, smallCount) = await api.ExecuteDirectAsync(Query);
        Assert.Equal(viaExecuter.ToJsonString(), small.ToJsonString());
        AssertPage(small, 5);

        await api.SeedAsync(accounts: 45, opportunitiesEach: 20, offset: 5);
        var (large, largeCount) = await api.ExecuteDirectAsync(Query);
        AssertPage(large, 50);

        output.WriteLine($"{provider}: direct {smallCount} statements for 5 accounts, {largeCount} for 50 (executer {executerCount}).");
        Assert.Equal(executerCount, smallCount);
        Assert.Equal(smallCount, largeCount);
    }

    private static void AssertPage(JsonNode data, int accounts)
    {
        var nodes = data["accounts"]!["nodes"]!.AsArray();
        Assert.Equal(accounts, nodes.Count);
        foreach (var account in nodes)
        {
            var opportunities = account!["opportunities"]!;
            Assert.Equal(20, (long)opportunities["totalCount"]!);
            var page = opportunities["nodes"]!.AsArray();
            Assert.Equal(10, page.Count);
            Assert.All(page, o =>
            {
                Assert.Equal((string?)account["name"], (string?)o!["account"]!["name"]);
                Assert.StartsWith((string)account["name"]! + "/", (string)o["name"]!, StringComparison.Ordinal);
            });
        }
    }

    /// <summary>A tenant on a test database and its data API executed in process.</summary>
    private sealed class Api(TestDatabase db, TenantInfo tenant) : IAsyncDisposable
    {
        private readonly Caller _caller = new(tenant, Guid.NewGuid(), "test");

        public static async Task<Api> CreateAsync(DatabaseProvider provider)
        {
            var db = await TestDatabase.CreateAsync(provider);
            try
            {
                var (tenant, _) = await db.CreateTenantAsync();
                return new Api(db, tenant);
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public async Task CreateSchemaAsync()
        {
            var ct = CancellationToken.None;
            await db.Metadata.CreateObjectAsync(tenant, new ObjectInput { ApiName = "Account", Label = "Account" }, ct);
            await db.Metadata.CreateObjectAsync(tenant, new ObjectInput { ApiName = "Opportunity", Label = "Opportunity", PluralLabel = "Opportunities" }, ct);
            await db.Metadata.CreateFieldAsync(tenant, new FieldInput { Object = "Opportunity", ApiName = "amount", Label = "Amount", Type = FieldType.Currency, Precision = 18, Scale = 2 }, ct);
            await db.Metadata.CreateFieldAsync(tenant, new FieldInput { Object = "Opportunity", ApiName = "account", Label = "Account", Type = FieldType.Lookup, Target = "Account" }, ct);
        }

        public async Task SeedAsync(int accounts, int opportunitiesEach, int offset)
        {
            var accountInputs = Enumerable.Range(offset, accounts).Select(i => (object)new { name = $"Account {i:D3}" }).ToList();
            var (created, _) = await ExecuteAsync("mutation($inputs: [AccountCreateInput!]!) { createAccounts(inputs: $inputs) { id name } }", new { inputs = accountInputs });
            var opportunities = created["createAccounts"]!.AsArray()
                .SelectMany(a => Enumerable.Range(0, opportunitiesEach).Select(j => (object)new { name = $"{(string)a!["name"]!}/{j:D2}", amount = j, account = (string)a["id"]! }))
                .ToList();
            foreach (var chunk in opportunities.Chunk(1000))
            {
                await ExecuteAsync("mutation($inputs: [OpportunityCreateInput!]!) { createOpportunities(inputs: $inputs) { id } }", new { inputs = chunk });
            }
        }

        public async Task<(JsonNode Data, int Statements)> ExecuteAsync(string query, object? variables = null)
        {
            var metadata = await db.Metadata.GetAsync(tenant, CancellationToken.None);
            var schema = DataSchemaBuilder.Build(metadata);
            var context = new DataRequestContext(_caller, metadata, db.Services.GetRequiredService<IDatabaseConnector>(), TimeProvider.System);
            var result = await Executer.ExecuteAsync(o =>
            {
                o.Schema = schema;
                o.Query = query;
                o.Variables = variables is null ? null : Serializer.Deserialize<Inputs>(JsonSerializer.Serialize(variables));
                o.UserContext = context;
            });
            var json = JsonNode.Parse(Serializer.Serialize(result))!;
            Assert.True(json["errors"] is null, "Unexpected errors: " + json.ToJsonString());
            return (json["data"]!, context.StatementCount);
        }

        /// <summary>The same request on the direct path (which must cover it).</summary>
        public async Task<(JsonNode Data, int Statements)> ExecuteDirectAsync(string query)
        {
            var metadata = await db.Metadata.GetAsync(tenant, CancellationToken.None);
            var schema = DataSchemaBuilder.Build(metadata);
            var context = new DataRequestContext(_caller, metadata, db.Services.GetRequiredService<IDatabaseConnector>(), TimeProvider.System);
            var plan = DirectQuery.TryPlan(schema, GraphQLParser.Parser.Parse(query), null);
            Assert.NotNull(plan);
            using var buffer = new PooledBufferWriter(4096);
            Assert.True(await plan.TryExecuteAsync(schema, context, db.Services, null, null, buffer, CancellationToken.None));
            return (JsonNode.Parse(buffer.WrittenSpan)!, context.StatementCount);
        }

        public ValueTask DisposeAsync() => db.DisposeAsync();
    }
}
