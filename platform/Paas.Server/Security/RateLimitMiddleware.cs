using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Paas.Core.Errors;
using Paas.GraphQL.Http;

namespace Paas.Server.Security;

/// <summary>
/// Runs after authentication, for every endpoint that needs a credential (the GraphQL endpoints and the import, not the
/// health checks): refuses addresses the <see cref="FailedSignInThrottle"/> has blocked, then takes a token for the
/// request's credential and tenant from the <see cref="RequestRateLimiter"/>. A refusal is <c>429</c> with
/// <c>Retry-After</c> and a <c>LIMIT_EXCEEDED</c> error whose <c>extensions.limit</c> is <c>rateLimit</c>.
/// </summary>
/// <remarks>
/// The limiter is called here, once per request, rather than through <c>UseRateLimiter</c>: that middleware tries a refused
/// request a second time (<c>AcquireAsync</c> after <c>AttemptAcquire</c>), and in a chain each try spends a token of the
/// buckets before the refusing one, so a request the tenant refuses would cost its credential two tokens.
/// </remarks>
public sealed class RateLimitMiddleware(RequestDelegate next, RequestRateLimiter limiter)
{
    /// <summary><c>extensions.limit</c> of a refusal.</summary>
    public const string LimitName = "rateLimit";

    /// <summary>Used when a refusal carries no retry time.</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>Applies the limits to the request.</summary>
    public async Task InvokeAsync(HttpContext http)
    {
        if (!NeedsCredential(http.GetEndpoint()))
        {
            await next(http);
            return;
        }

        if (FailedSignInThrottle.RefusedFor(http) is { } wait)
        {
            await RefuseAsync(http, wait, "Too many failed sign-ins from this address; requests with a credential are refused for now.");
            return;
        }

        if (RateLimitIdentity.Of(http) is not { } identity)
        {
            await next(http);
            return;
        }

        using var lease = limiter.Acquire(identity);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var value) ? value : DefaultRetryAfter;
            await RefuseAsync(http, retryAfter, "Too many requests: the rate limit of this credential or of its tenant is used up.");
            return;
        }

        await next(http);
    }

    /// <summary>Endpoints that require authorization are the ones a credential is sent to; anonymous ones (health) are never limited.</summary>
    private static bool NeedsCredential(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;

    private static Task RefuseAsync(HttpContext http, TimeSpan retryAfter, string message)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return GraphQLHttpHandler.WriteErrorAsync(http, StatusCodes.Status429TooManyRequests, GraphQLHttpHandler.Json, ErrorCodes.LimitExceeded,
            message + " Retry after the number of seconds in the Retry-After header.", LimitName);
    }
}
