using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Tenancy;

/// <summary>The tenant is the credential's tenant; one tenant sees nothing of another's metadata or data.</summary>
public sealed class TenancyTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_second_tenant_sees_none_of_the_first_tenants_objects_or_records(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        // Tenant A (the bootstrap tenant) has the sales schema and data.
        await SalesSchema.CreateAsync(server);
        var accountA = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        var opportunityA = (await SalesSchema.CreateOpportunitiesAsync(server, new { name = "Secret deal", amount = 1_000_000, account = accountA, externalId = "crm-1" }))[0];

        var created = (await server.PlatformAsync("""
            mutation { createTenant(input: {slug: "beta", name: "Beta Ltd", modules: []}) { tenant { slug name status } adminApiKey } }
            """)).AssertOk()["createTenant"]!;
        Assert.Equal("beta", (string?)created["tenant"]!["slug"]);
        Assert.Equal("Beta Ltd", (string?)created["tenant"]!["name"]);
        var keyB = (string?)created["adminApiKey"];
        Assert.False(string.IsNullOrWhiteSpace(keyB));
        Assert.NotEqual(PaasServer.AdminKey, keyB);

        // B's metadata and schema have no trace of A.
        Assert.Empty((await server.MetadataOkAsync("{ objects(includeDeleted: true) { apiName } }", key: keyB))["objects"]!.AsArray());
        Assert.Null((await server.MetadataOkAsync("""{ object(apiName: "Opportunity") { apiName } }""", key: keyB))["object"]);
        var types = (await server.DataOkAsync("{ __schema { types { name } } }", key: keyB))["__schema"]!["types"]!.AsArray()
            .Select(t => (string?)t!["name"]).ToList();
        Assert.DoesNotContain("Opportunity", types);
        Assert.DoesNotContain("Account", types);
        var query = await server.DataAsync("{ opportunities { totalCount } }", key: keyB);
        ResponseAssert.IsSafeError(query);
        Assert.Null(query.Data?["opportunities"]);
        Assert.DoesNotContain("Secret deal", query.Body, StringComparison.Ordinal);

        // Even with an object of the same name, B cannot reach A's records by id.
        await SalesSchema.CreateAccountObjectAsync(server, keyB!);
        Assert.Null((await server.DataOkAsync("query($id: ID!) { account(id: $id) { id name } }", new { id = accountA }, keyB))["account"]);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "accounts", keyB));
        var update = await server.DataAsync("mutation($id: ID!) { updateAccount(id: $id, input: {name: \"Hijacked\"}) { id } }", new { id = accountA }, key: keyB);
        ResponseAssert.GraphQLError(update, "NOT_FOUND");
        var delete = await server.DataAsync("mutation($id: ID!) { deleteAccount(id: $id) }", new { id = accountA }, key: keyB);
        ResponseAssert.GraphQLError(delete, "NOT_FOUND");

        // B's own records live beside A's without mixing.
        var accountB = await SalesSchema.CreateAccountAsync(server, "Beta's own", "Retail", keyB);
        Assert.Equal(1, await SalesSchema.CountAsync(server, "accounts", keyB));
        Assert.Equal(1, await SalesSchema.CountAsync(server, "accounts"));
        Assert.Null((await server.DataOkAsync("query($id: ID!) { account(id: $id) { id } }", new { id = accountB }))["account"]);
        var mine = await server.DataOkAsync("query($id: ID!, $o: ID!) { account(id: $id) { name } opportunity(id: $o) { name account { name } } }",
            new { id = accountA, o = opportunityA });
        Assert.Equal("Acme", (string?)mine["account"]!["name"]);
        Assert.Equal("Secret deal", (string?)mine["opportunity"]!["name"]);

        // A's account is untouched by B's attempts.
        Assert.Equal("Acme", (string?)(await server.DataOkAsync("query($id: ID!) { account(id: $id) { name version } }", new { id = accountA }))["account"]!["name"]);

        // Nothing in the request but the credential chooses the tenant.
        foreach (var header in new[] { "X-Tenant", "X-Tenant-Id", "X-Paas-Tenant", "Tenant" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath + "?tenant=beta")
            {
                Content = new StringContent("""{"query":"{ accounts { nodes { name } } }"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(header, "beta");
            var names = SalesSchema.Strings((await server.SendAsync(request, key: keyB)).AssertOk()["accounts"]!["nodes"], "name");
            Assert.Equal(["Beta's own"], names);
            request = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath + "?tenant=" + PaasServer.BootstrapTenant)
            {
                Content = new StringContent("""{"query":"{ accounts { nodes { name } } }"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(header, PaasServer.BootstrapTenant);
            names = SalesSchema.Strings((await server.SendAsync(request, key: keyB)).AssertOk()["accounts"]!["nodes"], "name");
            Assert.Equal(["Beta's own"], names);
        }

        // The operator sees both tenants.
        var tenants = (await server.PlatformAsync("{ tenants { slug name status } }")).AssertOk()["tenants"]!.AsArray();
        var slugs = tenants.Select(t => (string?)t!["slug"]).ToList();
        Assert.Contains(PaasServer.BootstrapTenant, slugs);
        Assert.Contains("beta", slugs);
        Assert.Equal(2, slugs.Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_tenants_lookup_cannot_point_at_another_tenants_record(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var accountA = await SalesSchema.CreateAccountAsync(server, "Acme", "Software");
        var keyB = (string)(await server.PlatformAsync("""mutation { createTenant(input: {slug: "beta", name: "Beta"}) { adminApiKey } }""")).AssertOk()["createTenant"]!["adminApiKey"]!;
        await SalesSchema.CreateAsync(server, keyB);

        var response = await server.DataAsync("""
            mutation($account: ID!) { createOpportunity(input: {name: "Cross", amount: 1, account: $account}) { id account { name } } }
            """, new { account = accountA }, key: keyB);

        ResponseAssert.FieldErrors(response, "account");
        Assert.DoesNotContain("Acme", response.Body, StringComparison.Ordinal);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "opportunities", keyB));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Tenant_slugs_are_checked_and_unique(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        var duplicate = await server.PlatformAsync($$"""mutation { createTenant(input: {slug: "{{PaasServer.BootstrapTenant}}", name: "Again"}) { adminApiKey } }""");
        ResponseAssert.GraphQLError(duplicate, "CONFLICT");

        foreach (var slug in new[] { "Bad Slug", "x'; DROP TABLE tenants;--", "a", "UPPER", "-lead", "trail-", new string('a', 41) })
        {
            var response = await server.PlatformAsync("mutation($slug: String!) { createTenant(input: {slug: $slug, name: \"N\"}) { adminApiKey } }", new { slug });
            ResponseAssert.FieldErrors(response, "slug");
        }

        var tenants = (await server.PlatformAsync("{ tenants { slug } }")).AssertOk()["tenants"]!.AsArray();
        Assert.Single(tenants);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/readyz", key: null)).Status);
    }
}
