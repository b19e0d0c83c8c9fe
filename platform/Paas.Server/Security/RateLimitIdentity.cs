using Paas.Data.Platform;

namespace Paas.Server.Security;

/// <summary>
/// Whom a request is counted against: its credential and (when the credential has one) its tenant. The values are ids,
/// never the secret. This is the one place that knows the kinds of credential; a new kind (e.g. OAuth2 access tokens)
/// adds a case to <see cref="Of"/> with its own prefix so that ids of different kinds never share a bucket.
/// </summary>
/// <param name="Credential">The credential's partition, e.g. <c>key:&lt;key id&gt;</c>.</param>
/// <param name="Tenant">The tenant's partition, <c>tenant:&lt;tenant id&gt;</c>; null for the platform operator.</param>
public sealed record RateLimitIdentity(string Credential, string? Tenant)
{
    /// <summary>The identity the authentication handler stored for this request; null when the request is not authenticated.</summary>
    public static RateLimitIdentity? Of(HttpContext http) =>
        http.Items.TryGetValue(ApiKeyAuthenticationHandler.IdentityItem, out var item) ? Of(item) : null;

    /// <summary>The identity of an authenticated credential object (as stored by an authentication handler); null for anything else.</summary>
    public static RateLimitIdentity? Of(object? credential) => credential switch
    {
        KeyIdentity key => new RateLimitIdentity("key:" + key.KeyId.ToString("N"), key.Tenant is { } tenant ? "tenant:" + tenant.Id.ToString("N") : null),
        _ => null,
    };
}
