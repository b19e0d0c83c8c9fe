using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Server.Tests.Relations;
using Paas.Testing;

namespace Paas.Server.Tests.Limits;

/// <summary>
/// A repeated query skips parsing and validation, but never its checks: variables are coerced on every request, a
/// document that failed is checked again, new limits and new metadata see it validated afresh.
/// </summary>
public sealed class ValidatedDocumentCacheTests
{
    private const string Limits = "maxPageSize: 500, maxComplexity: 250000, maxFields: 1000, requestTimeoutSeconds: 30";

    private static async Task<PaasServer> StartAsync(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider);
        try
        {
            await Crm.CreateAsync(server);
            var root = await Crm.CreateAccountsAsync(server, new { name = "Root" });
            var child = await Crm.CreateOneAsync(server, "Account", new { name = "Child", parent = root[0] });
            await Crm.CreateOneAsync(server, "Account", new { name = "Grandchild", parent = child });
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_cached_query_still_coerces_its_variables_every_time(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string query = "query($n: Int!) { accounts(first: $n, orderBy: [{name: ASC}]) { nodes { name } } }";

        for (var i = 0; i < 3; i++)
        {
            var page = await server.DataOkAsync(query, new { n = 2 });
            Assert.Equal(["Child", "Grandchild"], page["accounts"]!["nodes"]!.AsArray().Select(n => (string)n!["name"]!));
        }

        var wrongType = await server.DataAsync(query, new { n = "two" });
        ResponseAssert.IsSafeError(wrongType);
        var missing = await server.DataAsync(query);
        ResponseAssert.IsSafeError(missing);

        // Page sizes given as variables are still priced: the cached document meets the page-size limit again.
        var tooLarge = await server.DataAsync(query, new { n = 100_000 });
        Assert.Contains(tooLarge.Errors ?? [], e => (string?)e!["extensions"]!["code"] == "LIMIT_EXCEEDED");

        var again = await server.DataOkAsync(query, new { n = 1 });
        Assert.Single(again["accounts"]!["nodes"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task An_invalid_document_is_refused_on_every_request(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string query = "{ accounts { nodes { name noSuchField } } }";
        for (var i = 0; i < 3; i++)
        {
            var response = await server.DataAsync(query);
            ResponseAssert.IsSafeError(response);
            Assert.Contains("noSuchField", response.Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task New_tenant_limits_apply_to_a_query_that_passed_before(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string query = "{ accounts(filter: {name: {eq: \"Grandchild\"}}) { nodes { name parent { name parent { name } } } } }";
        for (var i = 0; i < 2; i++)
        {
            var ok = await server.DataOkAsync(query);
            Assert.Equal("Root", (string?)ok["accounts"]!["nodes"]![0]!["parent"]!["parent"]!["name"]);
        }

        var set = await server.PlatformAsync($$"""
            mutation { setTenantLimits(slug: "{{PaasServer.BootstrapTenant}}", limits: {maxDepth: 3, {{Limits}}}) { slug } }
            """);
        set.AssertOk();

        var refused = await server.DataAsync(query);
        ResponseAssert.IsSafeError(refused);
        Assert.Contains(refused.Errors!, e => (string?)e!["extensions"]!["code"] == "LIMIT_EXCEEDED");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_metadata_change_revalidates_cached_queries(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string query = "{ accounts(first: 1) { nodes { name industry } } }";
        await server.DataOkAsync(query);
        await server.DataOkAsync(query);

        await server.MetadataOkAsync("""mutation { deleteField(object: "Account", apiName: "industry") }""");

        var refused = await server.DataAsync(query);
        ResponseAssert.IsSafeError(refused);
        Assert.Contains("industry", refused.Body, StringComparison.Ordinal);
    }
}
