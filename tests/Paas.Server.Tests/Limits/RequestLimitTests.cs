using System.Diagnostics;
using System.Net;
using System.Text;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Server.Tests.Relations;
using Paas.Testing;

namespace Paas.Server.Tests.Limits;

/// <summary>
/// Request limits: huge, deep, wide and expensive documents are refused with LIMIT_EXCEEDED and <c>extensions.limit</c>
/// naming the limit, quickly and before any work; the defaults come from <c>Paas:Limits</c> and the operator can give a
/// tenant its own with <c>setTenantLimits</c>.
/// </summary>
public sealed class RequestLimitTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    private const string DefaultLimits = "maxDepth: 15, maxComplexity: 250000, maxFields: 1000, requestTimeoutSeconds: 30";

    private static async Task<PaasServer> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = await PaasServer.StartAsync(provider, settings);
        try
        {
            await Crm.CreateAsync(server);
            var accounts = await Crm.CreateAccountsAsync(server, new { name = "Root" });
            var child = await Crm.CreateOneAsync(server, "Account", new { name = "Child", parent = accounts[0] });
            await Crm.CreateOpportunitiesAsync(server, Enumerable.Range(0, 30).Select(i => (object)new { name = $"O{i:D2}", amount = i, account = child }).ToArray());
            // Warm up (schema build, JIT) so the timings below measure the refusal only.
            await server.DataOkAsync("{ accounts(first: 1) { nodes { name } } }");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<(GraphQLResponse Response, TimeSpan Elapsed)> TimedAsync(Func<Task<GraphQLResponse>> call)
    {
        var watch = Stopwatch.StartNew();
        var response = await call();
        return (response, watch.Elapsed);
    }

    private static void AssertLimit(GraphQLResponse response, TimeSpan elapsed, params string[] limits)
    {
        ResponseAssert.IsSafeError(response);
        var error = response.Errors!.FirstOrDefault(e => (string?)e!["extensions"]!["code"] == "LIMIT_EXCEEDED");
        Assert.True(error is not null, $"Expected LIMIT_EXCEEDED, got {response}");
        var limit = (string?)error!["extensions"]!["limit"];
        Assert.True(limits.Contains(limit), $"Expected extensions.limit in [{string.Join(", ", limits)}], got '{limit}': {response}");
        Assert.True(elapsed < Quick, $"The refusal took {elapsed.TotalMilliseconds:F0} ms.");
        Assert.True(response.Data is null || response.Data.AsObject().All(kv => kv.Value is null), $"No data expected: {response}");
    }

    private static string Aliases(int count, string field = "__typename")
    {
        var text = new StringBuilder("{ ");
        for (var i = 0; i < count; i++)
        {
            text.Append('a').Append(i).Append(": ").Append(field).Append(' ');
        }

        return text.Append('}').ToString();
    }

    /// <summary><c>accounts { nodes { parent { parent { … name } } } }</c> with <paramref name="levels"/> parents.</summary>
    private static string Deep(int levels) =>
        "{ accounts(first: 1) { nodes { " + string.Concat(Enumerable.Repeat("parent { ", levels)) + "name" + string.Concat(Enumerable.Repeat(" }", levels)) + " } } }";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_ten_thousand_alias_query_is_refused_quickly(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        var query = Aliases(10_000);

        var (response, elapsed) = await TimedAsync(() => server.DataAsync(query));
        AssertLimit(response, elapsed, "maxFields", "maxDocumentLength");

        // Short enough for the document limit, too many fields for maxFields (1000 by default).
        var (wide, wideElapsed) = await TimedAsync(() => server.DataAsync(Aliases(1_500)));
        AssertLimit(wide, wideElapsed, "maxFields");
        Assert.Equal(HttpStatusCode.OK, wide.Status);
        var (wideStrict, _) = await TimedAsync(() => server.PostAsync(PaasServer.DataPath, Aliases(1_500), accept: "application/graphql-response+json"));
        Assert.Equal(HttpStatusCode.BadRequest, wideStrict.Status);
        Assert.Equal("LIMIT_EXCEEDED", wideStrict.ErrorCode);

        // The same many fields hidden in a fragment count too.
        var fragment = "query { ...F } fragment F on Query { " + string.Concat(Enumerable.Range(0, 1_100).Select(i => $"f{i}: __typename ")) + "}";
        var (viaFragment, fragmentElapsed) = await TimedAsync(() => server.DataAsync(fragment));
        AssertLimit(viaFragment, fragmentElapsed, "maxFields");

        // Under the limit it runs.
        var fine = await server.DataOkAsync(Aliases(900));
        Assert.Equal("Query", (string?)fine["a899"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task With_a_larger_document_limit_ten_thousand_aliases_hit_maxFields(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider, new Dictionary<string, string?> { ["Paas:GraphQL:MaxDocumentLength"] = "1000000" });
        var (response, elapsed) = await TimedAsync(() => server.DataAsync(Aliases(10_000)));
        AssertLimit(response, elapsed, "maxFields");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Fragments_that_fan_out_are_refused_or_answered_quickly(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        // 3 levels of 20 spreads: a short document that expands to 8,000 selections.
        var query = new StringBuilder("query { ...A } ");
        query.Append("fragment A on Query { ").Append(string.Concat(Enumerable.Repeat("...B ", 20))).Append("} ");
        query.Append("fragment B on Query { ").Append(string.Concat(Enumerable.Repeat("...C ", 20))).Append("} ");
        query.Append("fragment C on Query { ").Append(string.Concat(Enumerable.Range(0, 20).Select(i => $"c{i}: __typename "))).Append('}');

        var (response, elapsed) = await TimedAsync(() => server.DataAsync(query.ToString()));
        Assert.True(elapsed < Quick, $"Took {elapsed.TotalMilliseconds:F0} ms: {response.Body[..Math.Min(300, response.Body.Length)]}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.DoesNotContain("INTERNAL", response.ErrorCodes);
        ResponseAssert.NoInternals(response);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_fifty_deep_query_is_refused_with_maxDepth(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);

        var (response, elapsed) = await TimedAsync(() => server.DataAsync(Deep(50)));
        AssertLimit(response, elapsed, "maxDepth");

        // A few levels are fine.
        var shallow = await server.DataOkAsync("{ accounts(filter: {name: {eq: \"Child\"}}) { nodes { parent { name parent { name } } } } }");
        Assert.Equal("Root", (string?)shallow["accounts"]!["nodes"]![0]!["parent"]!["name"]);

        // Absurdly deep documents are refused quickly too, whatever stage refuses them.
        var (absurd, absurdElapsed) = await TimedAsync(() => server.DataAsync(Deep(1_000)));
        ResponseAssert.IsSafeError(absurd);
        Assert.True(absurdElapsed < Quick, $"Took {absurdElapsed.TotalMilliseconds:F0} ms");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_page_larger_than_maxPageSize_is_refused(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);

        foreach (var query in new[]
                 {
                     "{ opportunities(first: 100000) { nodes { name } } }",
                     "{ opportunities(last: 100000) { nodes { name } } }",
                     "{ opportunities(first: 501) { totalCount } }",
                     "{ accounts(first: 1) { nodes { opportunities(first: 501) { nodes { name } } } } }",
                 })
        {
            var (response, elapsed) = await TimedAsync(() => server.DataAsync(query));
            ResponseAssert.IsSafeError(response);
            Assert.True(response.ErrorCodes.Contains("LIMIT_EXCEEDED"), $"{query}: {response}");
            Assert.True(response.Errors!.Any(e => (string?)e!["extensions"]!["limit"] == "maxPageSize"), $"{query}: {response}");
            Assert.True(elapsed < Quick, $"{query} took {elapsed.TotalMilliseconds:F0} ms");
        }

        // A huge nested page is refused by one limit or the other (it is also far over the complexity budget).
        var (nested, nestedElapsed) = await TimedAsync(() => server.DataAsync("{ accounts { nodes { opportunities(first: 100000) { nodes { name } } } } }"));
        AssertLimit(nested, nestedElapsed, "maxPageSize", "maxComplexity");

        var max = await server.DataOkAsync("{ opportunities(first: 500) { totalCount nodes { name } } }");
        Assert.Equal(30, max["opportunities"]!["nodes"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_nested_list_query_over_the_complexity_budget_is_refused(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);

        var (response, elapsed) = await TimedAsync(() => server.DataAsync(
            "{ accounts(first: 500) { nodes { name opportunities(first: 500) { nodes { name amount account { name opportunities(first: 500) { nodes { name } } } } } } } }"));
        AssertLimit(response, elapsed, "maxComplexity");

        // A reasonable nested query passes.
        var fine = await server.DataOkAsync("{ accounts(first: 50) { nodes { name opportunities(first: 10) { totalCount nodes { name } } } } }");
        Assert.Equal(2, fine["accounts"]!["nodes"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_operator_sets_and_resets_a_tenants_page_size(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        var other = await server.PlatformAsync("""mutation { createTenant(input: {slug: "other", name: "Other", modules: []}) { adminApiKey } }""");
        var otherKey = (string)other.AssertOk()["createTenant"]!["adminApiKey"]!;
        await server.MetadataOkAsync("""mutation { createObject(input: {apiName: "Account", label: "Account"}) { apiName } }""", key: otherKey);
        await server.DataOkAsync("mutation($inputs: [AccountCreateInput!]!) { createAccounts(inputs: $inputs) { id } }",
            new { inputs = Enumerable.Range(0, 25).Select(i => new { name = $"A{i}" }) }, otherKey);

        var set = await server.PlatformAsync($$"""
            mutation { setTenantLimits(slug: "{{PaasServer.BootstrapTenant}}", limits: {maxPageSize: 20, {{DefaultLimits}}}) { slug limits { maxPageSize maxDepth maxFields maxComplexity requestTimeoutSeconds } } }
            """);
        var limits = set.AssertOk()["setTenantLimits"]!["limits"]!;
        Assert.Equal(20, (int)limits["maxPageSize"]!);
        Assert.Equal(15, (int)limits["maxDepth"]!);

        var shown = await server.PlatformAsync($$"""{ tenant(slug: "{{PaasServer.BootstrapTenant}}") { limits { maxPageSize } } }""");
        Assert.Equal(20, (int)shown.AssertOk()["tenant"]!["limits"]!["maxPageSize"]!);

        var (refused, elapsed) = await TimedAsync(() => server.DataAsync("{ opportunities(first: 21) { nodes { name } } }"));
        AssertLimit(refused, elapsed, "maxPageSize");
        var nested = await server.DataAsync("{ accounts { nodes { opportunities(first: 21) { nodes { name } } } } }");
        Assert.Contains(nested.Errors ?? [], e => (string?)e!["extensions"]!["limit"] == "maxPageSize");
        var allowed = await server.DataOkAsync("{ opportunities(first: 20) { nodes { name } } }");
        Assert.Equal(20, allowed["opportunities"]!["nodes"]!.AsArray().Count);

        // Another tenant keeps the platform defaults.
        var otherPage = await server.DataOkAsync("{ accounts(first: 25) { nodes { name } } }", key: otherKey);
        Assert.Equal(25, otherPage["accounts"]!["nodes"]!.AsArray().Count);

        // null returns the tenant to the defaults.
        var reset = await server.PlatformAsync($$"""mutation { setTenantLimits(slug: "{{PaasServer.BootstrapTenant}}", limits: null) { limits { maxPageSize } } }""");
        Assert.Null(reset.AssertOk()["setTenantLimits"]!["limits"]);
        var again = await server.DataOkAsync("{ opportunities(first: 21) { nodes { name } } }");
        Assert.Equal(21, again["opportunities"]!["nodes"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_tenant_with_a_small_maxPageSize_still_reads_lists_without_first(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        (await server.PlatformAsync($$"""
            mutation { setTenantLimits(slug: "{{PaasServer.BootstrapTenant}}", limits: {maxPageSize: 20, {{DefaultLimits}}}) { slug } }
            """)).AssertOk();

        // The default page (50) is larger than the tenant's maximum: the page shrinks to the maximum instead of failing.
        var data = await server.DataOkAsync("{ opportunities { totalCount pageInfo { hasNextPage } nodes { name } } }");
        Assert.Equal(30, (long)data["opportunities"]!["totalCount"]!);
        Assert.Equal(20, data["opportunities"]!["nodes"]!.AsArray().Count);
        Assert.True((bool)data["opportunities"]!["pageInfo"]!["hasNextPage"]!);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_tenants_own_depth_and_field_limits_apply(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        (await server.PlatformAsync($$"""
            mutation { setTenantLimits(slug: "{{PaasServer.BootstrapTenant}}", limits: {maxDepth: 4, maxComplexity: 250000, maxFields: 10, maxPageSize: 500, requestTimeoutSeconds: 30}) { slug } }
            """)).AssertOk();

        var (deep, deepElapsed) = await TimedAsync(() => server.DataAsync(Deep(4)));
        AssertLimit(deep, deepElapsed, "maxDepth");
        var (wide, wideElapsed) = await TimedAsync(() => server.DataAsync(Aliases(11)));
        AssertLimit(wide, wideElapsed, "maxFields");
        await server.DataOkAsync(Aliases(5));
        await server.DataOkAsync("{ accounts { nodes { name } } }");

        // The tenant's limits hold on its metadata API too.
        var (metadataWide, metadataElapsed) = await TimedAsync(() => server.MetadataAsync(Aliases(11, "metadataVersion")));
        AssertLimit(metadataWide, metadataElapsed, "maxFields");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Invalid_tenant_limits_are_refused_and_change_nothing(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        var slug = PaasServer.BootstrapTenant;

        var bad = await server.PlatformAsync($$"""
            mutation { setTenantLimits(slug: "{{slug}}", limits: {maxDepth: 51, maxComplexity: 5, maxFields: 20001, maxPageSize: 0, requestTimeoutSeconds: 601}) { slug } }
            """);
        ResponseAssert.FieldErrors(bad, "maxDepth", "maxComplexity", "maxFields", "maxPageSize", "requestTimeoutSeconds");

        foreach (var limits in new[]
                 {
                     "maxDepth: 1, maxComplexity: 250000, maxFields: 1000, maxPageSize: 50, requestTimeoutSeconds: 30",
                     "maxDepth: 15, maxComplexity: 250000, maxFields: 1000, maxPageSize: 501, requestTimeoutSeconds: 30",
                     "maxDepth: 15, maxComplexity: 250000, maxFields: 1000, maxPageSize: -1, requestTimeoutSeconds: 0",
                 })
        {
            var response = await server.PlatformAsync($$"""mutation { setTenantLimits(slug: "{{slug}}", limits: {{{limits}}}) { slug } }""");
            ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
        }

        // Every limit must be given.
        var partial = await server.PlatformAsync($$"""mutation { setTenantLimits(slug: "{{slug}}", limits: {maxPageSize: 20}) { slug } }""");
        ResponseAssert.IsSafeError(partial);

        var unknown = await server.PlatformAsync($$"""mutation { setTenantLimits(slug: "nope", limits: {maxPageSize: 20, {{DefaultLimits}}}) { slug } }""");
        ResponseAssert.GraphQLError(unknown, "NOT_FOUND");

        // Only the operator may set limits.
        var asTenant = await server.PostAsync(PaasServer.PlatformPath,
            $$"""mutation { setTenantLimits(slug: "{{slug}}", limits: {maxPageSize: 500, {{DefaultLimits}}}) { slug } }""");
        Assert.Equal(HttpStatusCode.Forbidden, asTenant.Status);

        var after = await server.PlatformAsync($$"""{ tenant(slug: "{{slug}}") { limits { maxPageSize } } }""");
        Assert.Null(after.AssertOk()["tenant"]!["limits"]);
        await server.DataOkAsync("{ opportunities(first: 500) { totalCount } }");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Platform_defaults_come_from_configuration(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider, new Dictionary<string, string?>
        {
            ["Paas:Limits:MaxPageSize"] = "10",
            ["Paas:Limits:MaxFields"] = "40",
            ["Paas:Limits:MaxDepth"] = "5",
            ["Paas:Limits:MaxComplexity"] = "200",
        });

        var (page, pageElapsed) = await TimedAsync(() => server.DataAsync("{ opportunities(first: 11) { nodes { name } } }"));
        AssertLimit(page, pageElapsed, "maxPageSize");
        Assert.Equal(10, (await server.DataOkAsync("{ opportunities(first: 10) { nodes { name } } }"))["opportunities"]!["nodes"]!.AsArray().Count);

        var (wide, wideElapsed) = await TimedAsync(() => server.DataAsync(Aliases(41)));
        AssertLimit(wide, wideElapsed, "maxFields");
        await server.DataOkAsync(Aliases(39));

        var (deep, deepElapsed) = await TimedAsync(() => server.DataAsync(Deep(6)));
        AssertLimit(deep, deepElapsed, "maxDepth");

        var (costly, costlyElapsed) = await TimedAsync(() => server.DataAsync("{ accounts(first: 10) { nodes { opportunities(first: 10) { nodes { name amount closeDate } } } } }"));
        AssertLimit(costly, costlyElapsed, "maxComplexity");

        // A tenant's own limits replace the defaults, also upwards (up to the hard caps).
        (await server.PlatformAsync($$"""
            mutation { setTenantLimits(slug: "{{PaasServer.BootstrapTenant}}", limits: {maxPageSize: 25, {{DefaultLimits}}}) { slug } }
            """)).AssertOk();
        Assert.Equal(25, (await server.DataOkAsync("{ opportunities(first: 25) { nodes { name } } }"))["opportunities"]!["nodes"]!.AsArray().Count);
    }

    [Fact]
    public async Task Invalid_limits_in_configuration_stop_the_server_from_starting()
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Paas:Limits:MaxPageSize"] = "0" });
            await server.DataAsync("{ __typename }");
        });
        Assert.NotNull(error);
        var all = new List<Exception>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            all.Add(e);
            if (e is AggregateException aggregate)
            {
                all.AddRange(aggregate.InnerExceptions);
            }
        }

        Assert.True(all.Any(e => e.Message.Contains("maxPageSize", StringComparison.Ordinal)), error.ToString());
    }
}
