using Paas.Core.Security;

namespace Paas.Core.Tenancy;

/// <summary>
/// Who is calling: the tenant comes only from the credential, never from the request; the user is the one the
/// credential belongs to, and <see cref="Access"/> their rights in the current metadata.
/// </summary>
public sealed record Caller(TenantInfo Tenant, Guid UserId, string CredentialName)
{
    /// <summary>The user's effective rights; null only for the platform's own work.</summary>
    public AccessContext? Access { get; init; }

    /// <summary>The credential used (API key or OAuth2 client), for the audit log.</summary>
    public string? Credential { get; init; }

    /// <summary>The client's network address, for the audit log.</summary>
    public string? Address { get; init; }
}

/// <summary>A tenant as the catalog knows it.</summary>
public sealed record TenantInfo(Guid Id, string Slug, string Name, string Status, string StorageName)
{
    /// <summary>The tenant's own request limits, or null for the platform defaults.</summary>
    public RequestLimits? Limits { get; init; }

    public bool IsActive => Status == TenantStatus.Active;
}

public static class TenantStatus
{
    public const string Active = "ACTIVE";
    public const string Suspended = "SUSPENDED";
}
