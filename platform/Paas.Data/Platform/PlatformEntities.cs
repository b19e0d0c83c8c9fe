namespace Paas.Data.Platform;

/// <summary>A row of the platform catalog's tenant table.</summary>
public sealed class TenantRecord
{
    public Guid Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public required string Status { get; set; }
    public required string StorageName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The tenant's own request limits as JSON, or null for the platform defaults.</summary>
    public string? Limits { get; set; }
}

/// <summary>An API key. Only the SHA-256 of the key is stored; the key itself is shown once, when it is made.</summary>
public sealed class ApiKeyRecord
{
    public Guid Id { get; set; }

    /// <summary>Null for operator keys, which act on the platform rather than on a tenant.</summary>
    public Guid? TenantId { get; set; }
    public required string Name { get; set; }
    public required string Scope { get; set; }
    public required string KeyHash { get; set; }
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The user of the tenant the key acts as (null for operator keys).</summary>
    public Guid? UserId { get; set; }

    /// <summary>When the key was last used, to the minute.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}

public static class ApiKeyScopes
{
    public const string Operator = "operator";
    public const string TenantAdmin = "tenant-admin";

    /// <summary>A key that acts as one user of a tenant, with that user's rights.</summary>
    public const string User = "user";
}
