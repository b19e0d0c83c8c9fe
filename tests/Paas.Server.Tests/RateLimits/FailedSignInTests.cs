using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.RateLimits;

/// <summary>
/// Failed-credential throttling (<c>Paas:RateLimits:FailedSignInsPerMinute</c>): after that many different bad keys from one
/// address within a minute, every request of the address that carries a credential is 429, valid key or not, and the answer
/// does not tell which. In-process requests have no remote address; they all count as one ("unknown") address.
/// </summary>
public sealed class FailedSignInTests
{
    private static Dictionary<string, string?> Settings(int failedSignIns) => new()
    {
        ["Paas:RateLimits:FailedSignInsPerMinute"] = failedSignIns.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string BadKey(int i) => $"paas_guess_{i:D4}_0123456789abcdefghijklmnopqrstu";

    private static async Task BadKeyIs401Async(PaasServer server, string key)
    {
        var response = await server.DataAsync(RateLimitAssert.Query, key: key);
        ResponseAssert.HttpError(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task After_too_many_bad_keys_even_a_valid_key_from_that_address_waits(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Settings(3));

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey);
        await BadKeyIs401Async(server, BadKey(1));
        await BadKeyIs401Async(server, BadKey(2));
        // A success in between does not reset the count.
        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey);
        await BadKeyIs401Async(server, BadKey(3));

        var valid = await server.DataAsync(RateLimitAssert.Query, key: PaasServer.AdminKey);
        var invalid = await server.DataAsync(RateLimitAssert.Query, key: BadKey(4));
        RateLimitAssert.Refused(valid, 60, PaasServer.AdminKey);
        RateLimitAssert.Refused(invalid, 60, BadKey(4));

        // Nothing tells the valid key from the guess.
        Assert.Equal(invalid.Body, valid.Body);
        Assert.Equal(
            invalid.Headers.Keys.Where(h => h != "Date" && h != "X-Correlation-Id").Order(),
            valid.Headers.Keys.Where(h => h != "Date" && h != "X-Correlation-Id").Order());
        Assert.Null(valid.Header("WWW-Authenticate"));

        // Any credential, on any endpoint that takes one.
        RateLimitAssert.Refused(await server.MetadataAsync("{ metadataVersion }"), 60, PaasServer.AdminKey);
        RateLimitAssert.Refused(await server.PlatformAsync("{ tenants { slug } }"), 60, PaasServer.OperatorKey);
        RateLimitAssert.Refused(await server.PostRawAsync("/import/Nothing", "name\nA\n", "text/csv"), 60, PaasServer.AdminKey);
        var basic = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath)
        {
            Content = new StringContent("""{"query":"{ __typename }"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("admin:secret"u8.ToArray()));
        RateLimitAssert.Refused(await server.SendAsync(basic, key: null));

        // No credential: the usual 401. Health checks: never limited.
        ResponseAssert.HttpError(await server.DataAsync(RateLimitAssert.Query, key: null), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/healthz", key: PaasServer.AdminKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/readyz", key: BadKey(5))).Status);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task The_same_bad_key_sent_again_counts_once(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, Settings(3));

        // A client retrying a stale key guesses nothing: it does not lock out its address.
        for (var i = 0; i < 10; i++)
        {
            await BadKeyIs401Async(server, BadKey(1));
        }

        await RateLimitAssert.ServedAsync(server, PaasServer.AdminKey);

        await BadKeyIs401Async(server, BadKey(2));
        await BadKeyIs401Async(server, BadKey(3));
        RateLimitAssert.Refused(await server.DataAsync(RateLimitAssert.Query), 60, PaasServer.AdminKey);
    }
}
