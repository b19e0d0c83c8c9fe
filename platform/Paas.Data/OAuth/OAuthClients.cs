using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Platform;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Paas.Data.OAuth;

/// <summary>The grant types a client may be registered for.</summary>
public enum OAuthGrantType
{
    ClientCredentials,
    AuthorizationCode,
    RefreshToken,
}

/// <summary>An OAuth2 client as admins see it: never its secret.</summary>
public sealed record OAuthClientInfo(string ClientId, Guid Id, string Name, Guid TenantId, Guid? UserId, IReadOnlyList<OAuthGrantType> GrantTypes,
    IReadOnlyList<string> RedirectUris, bool IsConfidential);

/// <summary>
/// OAuth2 clients, kept by OpenIddict in the platform catalog (its EF Core stores; secrets hashed by OpenIddict). Each
/// client belongs to one tenant, recorded in the client's properties when an admin of that tenant registers it; the
/// client id starts with the tenant's id so that a tenant's clients can be listed. Nothing a client sends chooses the
/// tenant: it is read from this registration.
/// </summary>
public static class OAuthClients
{
    public const string TenantProperty = "paas_tenant";
    public const string UserProperty = "paas_user";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static async Task<(OAuthClientInfo Client, string? Secret)> CreateAsync(IOpenIddictApplicationManager manager, TenantMetadata metadata, TenantInfo tenant,
        Guid? userId, string? name, IReadOnlyList<string> redirectUris, IReadOnlyList<OAuthGrantType> grantTypes, CancellationToken ct)
    {
        var errors = new FieldErrorList();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            errors.Add("name", "A name of 1 to 100 characters is required.");
        }

        var grants = grantTypes.Distinct().ToList();
        if (grants.Count == 0)
        {
            errors.Add("grantTypes", "At least one grant type is required.");
        }

        if (grants.Contains(OAuthGrantType.RefreshToken) && !grants.Contains(OAuthGrantType.AuthorizationCode))
        {
            errors.Add("grantTypes", "REFRESH_TOKEN is only for clients that use AUTHORIZATION_CODE.");
        }

        if (grants.Contains(OAuthGrantType.ClientCredentials) && userId is null)
        {
            errors.Add("user", "A client with CLIENT_CREDENTIALS acts as a user of the tenant: name the user.");
        }

        if (userId is { } id && metadata.Security.FindUser(id) is not { IsActive: true })
        {
            errors.Add("user", "There is no active user with this id.");
        }

        var uris = new List<Uri>();
        foreach (var text in redirectUris)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment) || text.Length > 400
                || (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback))
            {
                errors.Add("redirectUris", "Redirect URIs are absolute, without a fragment, and use https (http only on localhost).");
                break;
            }

            uris.Add(uri);
        }

        if (grants.Contains(OAuthGrantType.AuthorizationCode) && uris.Count == 0)
        {
            errors.Add("redirectUris", "AUTHORIZATION_CODE needs at least one redirect URI.");
        }

        if (!grants.Contains(OAuthGrantType.AuthorizationCode) && uris.Count > 0)
        {
            errors.Add("redirectUris", "Redirect URIs are only for clients that use AUTHORIZATION_CODE.");
        }

        errors.ThrowIfAny();

        // Client credentials need a secret; an interactive-only client is public (a browser or native app keeps no secret) and must use PKCE.
        var confidential = grants.Contains(OAuthGrantType.ClientCredentials);
        var secret = confidential ? RandomNumberGenerator.GetString(Alphabet + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 48) : null;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = Prefix(tenant) + RandomNumberGenerator.GetString(Alphabet, 20),
            ClientSecret = secret,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = name,
        };
        descriptor.Properties[TenantProperty] = JsonSerializer.SerializeToElement(tenant.Id.ToString("D"));
        if (userId is { } user)
        {
            descriptor.Properties[UserProperty] = JsonSerializer.SerializeToElement(user.ToString("D"));
        }

        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        if (grants.Contains(OAuthGrantType.ClientCredentials))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        if (grants.Contains(OAuthGrantType.AuthorizationCode))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
            descriptor.Permissions.Add(Permissions.GrantTypes.AuthorizationCode);
            descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        if (grants.Contains(OAuthGrantType.RefreshToken))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + Scopes.OfflineAccess);
        }

        foreach (var uri in uris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        var application = await manager.CreateAsync(descriptor, ct);
        return (await ToInfoAsync(manager, application, ct), secret);
    }

    public static async Task<IReadOnlyList<OAuthClientInfo>> ListAsync(IDbContextFactory<PlatformDbContext> contexts, TenantInfo tenant, CancellationToken ct)
    {
        var prefix = Prefix(tenant);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
            .Where(a => a.ClientId != null && a.ClientId.StartsWith(prefix)).ToListAsync(ct);
        return rows.Select(ToInfo).Where(c => c.TenantId == tenant.Id).OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.ClientId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Deletes a client of <paramref name="tenant"/> (and, through OpenIddict, its authorizations and tokens); false when it has no such client.</summary>
    public static async Task<bool> DeleteAsync(IOpenIddictApplicationManager manager, TenantInfo tenant, string clientId, CancellationToken ct)
    {
        var application = await manager.FindByClientIdAsync(clientId, ct);
        if (application is null || (await ToInfoAsync(manager, application, ct)).TenantId != tenant.Id)
        {
            return false;
        }

        await manager.DeleteAsync(application, ct);
        return true;
    }

    /// <summary>The registration of a client, or null when there is none or it belongs to no tenant.</summary>
    public static async Task<OAuthClientInfo?> FindAsync(IOpenIddictApplicationManager manager, string clientId, CancellationToken ct)
    {
        var application = await manager.FindByClientIdAsync(clientId, ct);
        if (application is null)
        {
            return null;
        }

        var info = await ToInfoAsync(manager, application, ct);
        return info.TenantId == Guid.Empty ? null : info;
    }

    private static string Prefix(TenantInfo tenant) => tenant.Id.ToString("N") + "-";

    private static Task<OAuthClientInfo> ToInfoAsync(IOpenIddictApplicationManager manager, object application, CancellationToken ct) =>
        Task.FromResult(ToInfo((OpenIddictEntityFrameworkCoreApplication)application));

    private static OAuthClientInfo ToInfo(OpenIddictEntityFrameworkCoreApplication row)
    {
        var properties = string.IsNullOrEmpty(row.Properties) ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(row.Properties);
        Guid? Read(string name) => properties is not null && properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String
                                   && Guid.TryParse(value.GetString(), out var parsed) ? parsed : null;
        var permissions = string.IsNullOrEmpty(row.Permissions) ? [] : JsonSerializer.Deserialize<List<string>>(row.Permissions) ?? [];
        var grants = new List<OAuthGrantType>();
        if (permissions.Contains(Permissions.GrantTypes.ClientCredentials))
        {
            grants.Add(OAuthGrantType.ClientCredentials);
        }

        if (permissions.Contains(Permissions.GrantTypes.AuthorizationCode))
        {
            grants.Add(OAuthGrantType.AuthorizationCode);
        }

        if (permissions.Contains(Permissions.GrantTypes.RefreshToken))
        {
            grants.Add(OAuthGrantType.RefreshToken);
        }

        var redirects = string.IsNullOrEmpty(row.RedirectUris) ? [] : JsonSerializer.Deserialize<List<string>>(row.RedirectUris) ?? [];
        return new OAuthClientInfo(row.ClientId!, Guid.TryParse(row.Id, out var id) ? id : Guid.Empty, row.DisplayName ?? "", Read(TenantProperty) ?? Guid.Empty,
            Read(UserProperty), grants, redirects, row.ClientType == ClientTypes.Confidential);
    }
}
