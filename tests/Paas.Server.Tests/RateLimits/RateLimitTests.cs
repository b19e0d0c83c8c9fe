using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.RateLimits;

/// <summary>
/// Requests per minute per credential and per tenant (<c>Paas:RateLimits:…</c>) on the GraphQL endpoints and the import:
/// a refusal is 429 with Retry-After and LIMIT_EXCEEDED / rateLimit. The limits here are tiny: every bucket a test empties
/// refills one token only every 20 seconds or more, far longer than the few requests of a test take.
/// </summary>
public sealed class RateLimitTests
{
    private const string SecondKey = "test_second_key_0123456789abcdefABCDEF";

    private static Dictionary<string, string?> Limits(int perCredential, int perTenant) => new()
    {
        ["Paas:RateLimits:PerCredentialPerMinute"] = perCredential.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Paas:RateLimits:PerTenantPerMinute"] = perTenant.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Task<GraphQLResponse> ImportAsync(PaasServer server, string key = PaasServer.AdminKey) =>
        server.PostRawAsync("/import/Nothing", "name\nA\n", "text/csv", key);

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_credential_over_its_limit_gets_429_with_Retry_After_on_every_endpoint_and_no_key_in_the_answer(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Limits(perCredential: 3, perTenant: 1000));

        // One bucket per credential, whichever endpoint it calls.
        (await server.DataAsync(RateLimitAssert.Query)).AssertOk();
        (await server.MetadataAsync("{ metadataVersion }")).AssertOk();
        Assert.Equal(HttpStatusCode.NotFound, (await ImportAsync(server)).Status);

        var refused = new[]
        {
            await server.DataAsync(RateLimitAssert.Query),
            await server.GetAsync(PaasServer.DataPath, new Dictionary<string, string> { ["query"] = RateLimitAssert.Query }),
            await server.MetadataAsync("{ metadataVersion }"),
            await ImportAsync(server),
            await server.PostAsync(PaasServer.DataPath, RateLimitAssert.Query, accept: "application/graphql-response+json"),
        };
        foreach (var response in refused)
        {
            RateLimitAssert.Refused(response, 60, PaasServer.AdminKey, PaasServer.AdminKey[..12]);
        }

        // The operator's key is another credential, and /graphql/platform is limited the same way.
        for (var i = 0; i < 3; i++)
        {
            (await server.PlatformAsync("{ tenants { slug } }")).AssertOk();
        }

        RateLimitAssert.Refused(await server.PlatformAsync("{ tenants { slug } }"), 60, PaasServer.OperatorKey);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_second_credential_of_the_tenant_is_served_while_the_tenant_is_under_its_limit(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Limits(perCredential: 2, perTenant: 1000));
        await RateLimitAssert.AddBootstrapTenantKeyAsync(server, SecondKey);

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey, times: 2);
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query), 60, PaasServer.AdminKey);

        await RateLimitAssert.ServedAsync(server, SecondKey, times: 2);
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query, key: SecondKey), 60, SecondKey);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_tenant_limit_stops_every_credential_of_the_tenant_but_not_another_tenant(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Limits(perCredential: 10, perTenant: 3));
        var otherKey = await RateLimitAssert.CreateTenantAsync(server, "other");
        await RateLimitAssert.AddBootstrapTenantKeyAsync(server, SecondKey);

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey, times: 2);
        await RateLimitAssert.ServedAsync(server, SecondKey);

        // Three requests of the tenant in all: both of its credentials wait, though each is far under its own limit.
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query, key: SecondKey), 60, SecondKey);
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query), 60, PaasServer.AdminKey);
        RateLimitAssert.Refused(await ImportAsync(server, SecondKey), 60, SecondKey);

        // Another tenant has its own bucket, with the same limit.
        await RateLimitAssert.ServedAsync(server, otherKey, times: 3);
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query, key: otherKey), 60, otherKey);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Health_endpoints_are_never_limited(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Limits(perCredential: 1, perTenant: 1));
        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey);
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query));

        for (var i = 0; i < 5; i++)
        {
            foreach (var path in new[] { "/healthz", "/readyz" })
            {
                Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(path, key: null)).Status);
                Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(path, key: PaasServer.AdminKey)).Status);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Requests_without_a_credential_are_still_401(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Limits(perCredential: 1, perTenant: 1));

        for (var i = 0; i < 3; i++)
        {
            ResponseAssert.HttpError(await server.DataAsync(RateLimitAssert.Query, key: null), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task With_Enabled_false_nothing_is_limited(DatabaseProvider provider)
    {
        var settings = Limits(perCredential: 1, perTenant: 1);
        settings["Paas:RateLimits:Enabled"] = "false";
        settings["Paas:RateLimits:FailedSignInsPerMinute"] = "1";
        await using var server = await PaasServer.StartAsync(provider, settings);

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey, times: 5);
        for (var i = 0; i < 3; i++)
        {
            ResponseAssert.HttpError(await server.DataAsync(RateLimitAssert.Query, key: $"bad_key_{i}_0123456789abcdef"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey, times: 2);
        (await server.PlatformAsync("{ tenants { slug } }")).AssertOk();
        (await server.PlatformAsync("{ tenants { slug } }")).AssertOk();
    }
}
