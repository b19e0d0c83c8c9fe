using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.OAuth;
using Paas.Data.Platform;
using Paas.Data.Security;
using Paas.Data.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Paas.Server.Security;

/// <summary>
/// OAuth2 through OpenIddict: <c>POST /connect/token</c> (client credentials, authorization code with PKCE S256, rotating
/// refresh tokens) and <c>GET /connect/authorize</c> (needs a user signed in with the cookie of <see cref="SignInPage"/>).
/// Clients, authorizations, codes and tokens live in OpenIddict's EF Core stores in the platform catalog, so codes and
/// refresh tokens are single-use. Access tokens carry the tenant (id and slug), the user (subject) and the client, and
/// nothing else chooses the tenant: for client credentials it is the client's registration, for the interactive flow the
/// signed-in user's tenant, which must be the client's.
/// </summary>
public static class OAuthServer
{
    public const string CookieScheme = "PaasSignIn";
    public const string TenantIdClaim = "paas_tenant";
    public const string TenantSlugClaim = "paas_tenant_slug";
    public const string ClientClaim = "paas_client";

    public static IServiceCollection AddPaasOAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = (configuration.GetSection("Paas:OAuth").Get<OAuthOptions>() ?? new OAuthOptions()).Validate();
        services.AddSingleton(options);
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton(sp => new UserPasswords(sp.GetRequiredService<IDatabaseConnector>(), sp.GetRequiredService<MetadataCache>(), sp.GetRequiredService<TimeProvider>())
        {
            InvitationLifetime = TimeSpan.FromDays(options.InvitationDays),
        });
        services.AddSingleton<OAuthAccessTokens>();

        // OpenIddict's EF Core stores resolve the context from the request scope; the platform registers only a factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContext());
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<PlatformDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token").SetAuthorizationEndpointUris("connect/authorize");
                o.AllowClientCredentialsFlow().AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OfflineAccess);
                o.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(TimeSpan.FromDays(options.RefreshTokenDays))
                    .SetAuthorizationCodeLifetime(TimeSpan.FromSeconds(options.AuthorizationCodeSeconds));

                // Rotating refresh tokens (OpenIddict's default), and a used one is refused at once: no reuse leeway.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Only S256: "plain" offers no protection against a stolen code.
                o.Configure(s => s.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                if (options.Issuer is { } issuer)
                {
                    o.SetIssuer(new Uri(issuer));
                }

                if (options.SigningCertificatePath is { } signing)
                {
                    o.AddSigningCertificate(X509CertificateLoader.LoadPkcs12FromFile(signing, options.SigningCertificatePassword));
                }
                else
                {
                    o.AddEphemeralSigningKey();
                }

                if (options.EncryptionCertificatePath is { } encryption)
                {
                    o.AddEncryptionCertificate(X509CertificateLoader.LoadPkcs12FromFile(encryption, options.EncryptionCertificatePassword));
                }
                else
                {
                    o.AddEphemeralEncryptionKey();
                }

                var aspNetCore = o.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough();
                if (!(options.RequireHttps ?? !environment.IsDevelopment()))
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();

                // Each token is checked against its stored entry, so a revoked token or a deleted client stops at once.
                o.EnableTokenEntryValidation();
            });

        services.AddAntiforgery(o => o.Cookie.Name = "paas_af");
        services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "paas_signin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/signin";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = false;
        });
        return services;
    }

    /// <summary>
    /// Authentication for the pipeline, in place of <c>UseAuthentication</c>. The OAuth endpoints (<c>/connect/*</c>,
    /// <c>/account/*</c>) and requests that carry an access token go through ASP.NET Core's authentication middleware,
    /// which lets OpenIddict's request handlers see them first. Every other request (API keys, anonymous health checks)
    /// only authenticates the default scheme: asking OpenIddict's handlers about each GraphQL request would cost more
    /// CPU than the request itself.
    /// </summary>
    public static IApplicationBuilder UsePaasAuthentication(this IApplicationBuilder app)
    {
        // UseAuthentication inside a branch does not mark the main pipeline, so the host would add its own authentication
        // middleware in front of everything and run OpenIddict's request handler on every request (5 % of the CPU of a
        // plain read). The marker is the one UseAuthentication itself sets.
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseWhen(NeedsOpenIddict, branch => branch.UseAuthentication());
        return app.UseWhen(http => !NeedsOpenIddict(http), branch => branch.Use(async (http, next) =>
        {
            var result = await http.AuthenticateAsync();
            if (result.Principal is not null)
            {
                http.User = result.Principal;
            }

            await next(http);
        }));
    }

    private static bool NeedsOpenIddict(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/account", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && OAuthAccessTokens.LooksLikeToken(header["Bearer ".Length..].Trim());
    }

    public static IEndpointRouteBuilder MapPaasOAuth(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], AuthorizeAsync);
        app.MapPost("/connect/token", TokenAsync);
        SignInPage.Map(app);
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IOpenIddictApplicationManager applications, TenantCatalog catalog, MetadataCache metadata)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        if (!signedIn.Succeeded || signedIn.Principal is null)
        {
            var query = http.Request.HasFormContentType
                ? QueryString.Create((await http.Request.ReadFormAsync()).Select(p => KeyValuePair.Create(p.Key, p.Value)))
                : http.Request.QueryString;
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + query }, [CookieScheme]);
        }

        var client = request.ClientId is { } clientId ? await OAuthClients.FindAsync(applications, clientId, http.RequestAborted) : null;
        var tenantId = Guid.TryParse(signedIn.Principal.FindFirstValue(TenantIdClaim), out var t) ? t : Guid.Empty;
        var userId = Guid.TryParse(signedIn.Principal.FindFirstValue(Claims.Subject), out var u) ? u : Guid.Empty;
        if (client is null || client.TenantId != tenantId)
        {
            return Deny(Errors.AccessDenied, "The signed-in user does not belong to this client's tenant.");
        }

        var tenant = await catalog.FindAsync(signedIn.Principal.FindFirstValue(TenantSlugClaim) ?? "", http.RequestAborted);
        if (tenant is not { IsActive: true } || tenant.Id != tenantId
            || (await metadata.GetAsync(tenant, http.RequestAborted)).Security.FindUser(userId) is not { IsActive: true })
        {
            return Deny(Errors.AccessDenied, "The signed-in user is not an active user of an active tenant.");
        }

        var scopes = request.GetScopes().Contains(Scopes.OfflineAccess) && client.GrantTypes.Contains(OAuthGrantType.RefreshToken) ? [Scopes.OfflineAccess] : Array.Empty<string>();
        return Results.SignIn(Principal(tenant, userId, client, scopes), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, IOpenIddictApplicationManager applications, TenantCatalog catalog, MetadataCache metadata,
        IDatabaseConnector connector, TimeProvider time)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");

        // OpenIddict has authenticated the client (secret, or none for a public client) and checked its permissions.
        var client = request.ClientId is { } clientId ? await OAuthClients.FindAsync(applications, clientId, http.RequestAborted) : null;
        if (client is null)
        {
            return Deny(Errors.InvalidClient, "The client is not registered.");
        }

        Guid userId;
        IEnumerable<string> scopes = [];
        if (request.IsClientCredentialsGrantType())
        {
            userId = client.UserId ?? Guid.Empty;
        }
        else if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token, validated and marked redeemed by OpenIddict.
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var previous = result.Principal;
            if (previous is null || previous.FindFirstValue(TenantIdClaim) != client.TenantId.ToString("D"))
            {
                return Deny(Errors.InvalidGrant, "The grant is not valid.");
            }

            userId = Guid.TryParse(previous.FindFirstValue(Claims.Subject), out var parsed) ? parsed : Guid.Empty;
            scopes = previous.GetScopes();
        }
        else
        {
            return Deny(Errors.UnsupportedGrantType, "This grant type is not supported.");
        }

        var tenant = await FindTenantAsync(catalog, http, client.TenantId);
        if (tenant is not { IsActive: true } || (await metadata.GetAsync(tenant, http.RequestAborted)).Security.FindUser(userId) is not { IsActive: true })
        {
            return Deny(Errors.InvalidGrant, "The client's user or tenant is not active.");
        }

        await AuditAsync(connector, metadata, tenant, new Caller(tenant, userId, client.Name) { Credential = "oauth:" + client.ClientId, Address = Address(http) },
            "token.issued", client.ClientId, new { grantType = request.GrantType }, time, http.RequestAborted);
        return Results.SignIn(Principal(tenant, userId, client, scopes), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    internal static ClaimsPrincipal Principal(TenantInfo tenant, Guid userId, OAuthClientInfo client, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, userId.ToString("D"))
            .SetClaim(TenantIdClaim, tenant.Id.ToString("D"))
            .SetClaim(TenantSlugClaim, tenant.Slug)
            .SetClaim(ClientClaim, client.Id.ToString("D"))
            .SetClaim(Claims.Name, client.Name);
        identity.SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    internal static async Task<TenantInfo?> FindTenantAsync(TenantCatalog catalog, HttpContext http, Guid id)
    {
        var contexts = http.RequestServices.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
        var slug = await db.Tenants.AsNoTracking().Where(t => t.Id == id).Select(t => t.Slug).FirstOrDefaultAsync(http.RequestAborted);
        return slug is null ? null : await catalog.FindAsync(slug, http.RequestAborted);
    }

    /// <summary>Writes one entry to the tenant's audit log, in its own transaction.</summary>
    internal static async Task AuditAsync(IDatabaseConnector connector, MetadataCache metadata, TenantInfo tenant, Caller caller, string action, string? target,
        object? details, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, await metadata.GetAsync(tenant, ct));
        await session.BeginAsync(ct);
        await AuditLog.WriteAsync(session, caller, action, target, details, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
    }

    internal static string? Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    private static IResult Deny(string error, string description) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

/// <summary>
/// Turns a valid OAuth2 access token into the same <see cref="KeyIdentity"/> an API key gives (scope <c>user</c>, the
/// token's tenant and user, the client's id as key id), so every endpoint, rate limit and permission check is unchanged.
/// </summary>
public sealed class OAuthAccessTokens(TenantCatalog catalog)
{
    /// <summary>
    /// Whether a bearer credential is to be checked as an access token: not an API key (<c>paas_…</c>) and shaped like a
    /// JWT (JWS: 3 parts, JWE: 5 parts). Anything else is checked as an API key (configured bootstrap keys may have any form).
    /// </summary>
    public static bool LooksLikeToken(string credential) =>
        !credential.StartsWith("paas_", StringComparison.Ordinal) && credential.Count(c => c == '.') is 2 or 4;

    public async Task<KeyIdentity?> AuthenticateAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal;
        if (!result.Succeeded || principal is null
            || !Guid.TryParse(principal.FindFirstValue(Claims.Subject), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(OAuthServer.TenantIdClaim), out var tenantId)
            || !Guid.TryParse(principal.FindFirstValue(OAuthServer.ClientClaim), out var clientId))
        {
            return null;
        }

        var tenant = await catalog.FindAsync(principal.FindFirstValue(OAuthServer.TenantSlugClaim) ?? "", http.RequestAborted);
        return tenant is null || tenant.Id != tenantId
            ? null
            : new KeyIdentity(clientId, principal.FindFirstValue(Claims.Name) ?? "oauth", ApiKeyScopes.User, tenant, userId);
    }
}
