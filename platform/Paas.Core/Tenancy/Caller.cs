namespace Paas.Core.Tenancy;

/// <summary>Who is calling: the tenant comes only from the credential, never from the request.</summary>
public sealed record Caller(TenantInfo Tenant, Guid PrincipalId, string CredentialName);

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
