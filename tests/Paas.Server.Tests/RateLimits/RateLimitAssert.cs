using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Data;
using Paas.Data.Platform;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.RateLimits;

/// <summary>Checks of a rate-limit refusal, and the steps the rate-limit tests share.</summary>
public static class RateLimitAssert
{
    /// <summary>A light request every tenant key may make.</summary>
    public const string Query = "{ _metadataVersion }";

    /// <summary>
    /// 429, <c>Retry-After</c> in whole seconds (at least 1, at most <paramref name="maxSeconds"/>), one LIMIT_EXCEEDED error
    /// with <c>extensions.limit = rateLimit</c>, nothing internal and none of <paramref name="secrets"/> in the response.
    /// </summary>
    public static void Refused(GraphQLResponse response, int maxSeconds = 60, params string[] secrets)
    {
        ResponseAssert.HttpError(response, HttpStatusCode.TooManyRequests, "LIMIT_EXCEEDED");
        Assert.Equal("rateLimit", (string?)response.Errors![0]!["extensions"]!["limit"]);
        Assert.Null(response.Data);
        var retryAfter = response.Header("Retry-After");
        Assert.True(int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1 && seconds <= maxSeconds,
            $"Retry-After should be 1–{maxSeconds} whole seconds, got '{retryAfter}': {response}");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, response.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(response.Headers, h => h.Value.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>Runs <see cref="Query"/> on the data API with <paramref name="key"/> and fails the test unless it is served.</summary>
    public static async Task ServedAsync(PaasServer server, string key, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            (await server.DataAsync(Query, key: key)).AssertOk();
        }
    }

    /// <summary>Creates a tenant with the platform API (operator key) and returns its admin key.</summary>
    public static async Task<string> CreateTenantAsync(PaasServer server, string slug)
    {
        var created = (await server.PlatformAsync(
            $$"""mutation { createTenant(input: {slug: "{{slug}}", name: "{{slug}}", modules: []}) { tenant { slug } adminApiKey } }""")).AssertOk();
        return (string)created["createTenant"]!["adminApiKey"]!;
    }

    /// <summary>
    /// Registers one more key for the bootstrap tenant's admin (as for an integration), straight in the server's catalog: a
    /// second credential of the same tenant, acting as the same user. Only the catalog's own methods are used.
    /// </summary>
    public static async Task AddBootstrapTenantKeyAsync(PaasServer server, string key)
    {
        var services = new ServiceCollection()
            .AddLogging(l => l.ClearProviders())
            .AddPaasData(new PaasDatabaseOptions { Provider = server.Provider, ConnectionString = server.ConnectionString });
        await using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<TenantCatalog>();
        var admin = await catalog.AuthenticateAsync(PaasServer.AdminKey, CancellationToken.None);
        Assert.True(admin?.Tenant is not null, "The bootstrap admin key should belong to the bootstrap tenant.");
        await catalog.EnsureKeyAsync(key, admin!.Tenant!.Id, "Second key", admin.Scope, CancellationToken.None, admin.UserId);
    }
}
