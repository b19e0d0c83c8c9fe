using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Auth;

/// <summary>Contract: <c>Authorization: Bearer &lt;credential&gt;</c>; no or bad credential → 401; wrong kind of credential → 403 FORBIDDEN.</summary>
public sealed class AuthenticationTests
{
    private const string Query = "{ _metadataVersion }";

    public static TheoryData<DatabaseProvider, string> Endpoints()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var provider in DatabaseProviders.All)
        {
            foreach (var path in new[] { PaasServer.DataPath, PaasServer.MetadataPath, PaasServer.PlatformPath })
            {
                data.Add(provider, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task No_credential_is_401_with_a_Bearer_challenge(DatabaseProvider provider, string path)
    {
        await using var server = await PaasServer.StartAsync(provider);

        var post = await server.PostAsync(path, Query, key: null);
        var get = await server.GetAsync(path, new Dictionary<string, string> { ["query"] = Query }, key: null);

        foreach (var response in new[] { post, get })
        {
            ResponseAssert.HttpError(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
            Assert.Null(response.Data);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Wrong_or_malformed_credentials_are_401(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        string[] headers =
        [
            "Bearer wrong_key_0123456789abcdefghijklmnop",
            "Bearer " + PaasServer.AdminKey + "x",
            "Bearer " + PaasServer.AdminKey[..^1],
            "Bearer",
            "Bearer ",
            "Bearer short",
            "Bearer " + new string('k', 5000),
            "Bearer' OR '1'='1",
            "Bearer ' OR '1'='1' --",
            PaasServer.AdminKey,
            "Token " + PaasServer.AdminKey,
            "Basic " + Convert.ToBase64String("admin:"u8.ToArray()),
            "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(PaasServer.AdminKey + ":")),
            "Bearer " + PaasServer.AdminKey + " " + PaasServer.AdminKey,
        ];

        foreach (var header in headers)
        {
            foreach (var path in new[] { PaasServer.DataPath, PaasServer.MetadataPath, PaasServer.PlatformPath })
            {
                var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new StringContent("""{"query":"{ __typename }"}""", System.Text.Encoding.UTF8, "application/json"),
                };
                Assert.True(request.Headers.TryAddWithoutValidation("Authorization", header));
                var response = await server.SendAsync(request, key: null);

                Assert.True(response.Status == HttpStatusCode.Unauthorized, $"Authorization '{Shorten(header)}' on {path}: expected 401, got {response}");
                ResponseAssert.IsSafeError(response);
                Assert.Equal("UNAUTHENTICATED", response.ErrorCode);
                Assert.Null(response.Data);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_scheme_name_is_case_insensitive(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        var request = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath)
        {
            Content = new StringContent("""{"query":"{ _metadataVersion }"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + PaasServer.AdminKey);

        (await server.SendAsync(request, key: null)).AssertOk();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_operator_key_is_forbidden_on_the_tenant_endpoints(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        foreach (var path in new[] { PaasServer.DataPath, PaasServer.MetadataPath })
        {
            var response = await server.PostAsync(path, "{ __typename }", key: PaasServer.OperatorKey);

            ResponseAssert.HttpError(response, HttpStatusCode.Forbidden, "FORBIDDEN");
            Assert.Null(response.Data);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_tenant_key_is_forbidden_on_the_platform_endpoint(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        var list = await server.PlatformAsync("{ tenants { slug } }", key: PaasServer.AdminKey);
        var create = await server.PlatformAsync("""mutation { createTenant(input: {slug: "sneaky", name: "Sneaky"}) { adminApiKey } }""", key: PaasServer.AdminKey);

        foreach (var response in new[] { list, create })
        {
            ResponseAssert.HttpError(response, HttpStatusCode.Forbidden, "FORBIDDEN");
            Assert.Null(response.Data);
            Assert.DoesNotContain(PaasServer.BootstrapTenant, response.Body, StringComparison.Ordinal);
        }

        var tenants = (await server.PlatformAsync("{ tenants { slug } }")).AssertOk();
        Assert.DoesNotContain(tenants["tenants"]!.AsArray(), t => (string?)t!["slug"] == "sneaky");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_suspended_tenants_key_is_forbidden_and_works_again_when_reactivated(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        var created = (await server.PlatformAsync("""
            mutation { createTenant(input: {slug: "beta", name: "Beta Ltd", modules: []}) { tenant { slug status } adminApiKey } }
            """)).AssertOk();
        var betaKey = (string)created["createTenant"]!["adminApiKey"]!;
        (await server.DataAsync("{ _metadataVersion }", key: betaKey)).AssertOk();
        (await server.MetadataAsync("{ metadataVersion }", key: betaKey)).AssertOk();

        var suspended = (await server.PlatformAsync("""mutation { suspendTenant(slug: "beta") { slug status } }""")).AssertOk();
        Assert.NotEqual("ACTIVE", ((string?)suspended["suspendTenant"]!["status"])?.ToUpperInvariant());

        foreach (var path in new[] { PaasServer.DataPath, PaasServer.MetadataPath })
        {
            var response = await server.PostAsync(path, "{ __typename }", key: betaKey);
            ResponseAssert.HttpError(response, HttpStatusCode.Forbidden, "FORBIDDEN");
            Assert.Null(response.Data);
        }

        // The other tenant is not affected.
        (await server.DataAsync("{ _metadataVersion }")).AssertOk();

        (await server.PlatformAsync("""mutation { activateTenant(slug: "beta") { slug status } }""")).AssertOk();
        (await server.DataAsync("{ _metadataVersion }", key: betaKey)).AssertOk();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Health_endpoints_need_no_credential_but_the_APIs_do(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/healthz", key: null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/readyz", key: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string> { ["query"] = "{ __typename }" }, key: null)).Status);
    }

    private static string Shorten(string value) => value.Length > 60 ? value[..60] + "…" : value;
}
