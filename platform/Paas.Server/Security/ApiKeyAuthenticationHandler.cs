using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Paas.Data.Platform;
using Paas.GraphQL.Http;

namespace Paas.Server.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. The key decides the tenant; nothing in the request can choose another.
/// OAuth2 access tokens (OpenIddict, <see cref="OAuthServer"/>) are accepted here too and give the same identity.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TenantCatalog catalog,
    FailedSignInThrottle throttle,
    OAuthAccessTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string IdentityItem = "paas.identity";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        // An address that presented too many bad credentials waits, whatever it sends now (the rate-limit middleware answers 429).
        if (throttle.Refuses(Context))
        {
            return AuthenticateResult.Fail("Too many failed sign-ins from this address.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Use the Bearer scheme.");
        }

        var credential = header["Bearer ".Length..].Trim();
        // An OAuth2 access token gives the same identity an API key does (see OAuthAccessTokens).
        var identity = OAuthAccessTokens.LooksLikeToken(credential)
            ? await tokens.AuthenticateAsync(Context)
            : await catalog.AuthenticateAsync(credential, Context.RequestAborted, Context.Connection.RemoteIpAddress?.ToString());
        if (identity is null)
        {
            throttle.RecordFailure(Context, credential);
            return AuthenticateResult.Fail("The credential is not valid.");
        }

        Context.Items[IdentityItem] = identity;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, identity.KeyId.ToString()),
            new("paas:scope", identity.Scope),
        };
        if (identity.Tenant is not null)
        {
            claims.Add(new Claim("paas:tenant", identity.Tenant.Slug));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return GraphQLHttpHandler.WriteErrorAsync(Context, StatusCodes.Status401Unauthorized, GraphQLHttpHandler.Json, Core.Errors.ErrorCodes.Unauthenticated,
            "Authentication required: send Authorization: Bearer <API key or access token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GraphQLHttpHandler.WriteErrorAsync(Context, StatusCodes.Status403Forbidden, GraphQLHttpHandler.Json, Core.Errors.ErrorCodes.Forbidden, "This credential may not use this endpoint.");
}
