using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Platform;

/// <summary>The result of checking a credential.</summary>
/// <param name="UserId">The tenant user the key acts as; null for operator keys.</param>
public sealed record KeyIdentity(Guid KeyId, string Name, string Scope, TenantInfo? Tenant, Guid? UserId = null);

/// <summary>An API key as its owner and admins see it: never the key itself.</summary>
public sealed record ApiKeyInfo(Guid Id, string Name, string Prefix, Guid? UserId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>The platform's list of tenants and their keys: creation (with storage), suspension, and key checks.</summary>
public sealed class TenantCatalog(
    IDbContextFactory<PlatformDbContext> contexts,
    IDatabaseConnector connector,
    MetadataService metadata,
    MetadataCache metadataCache,
    Security.SecurityService security,
    TimeProvider time)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan KeyCacheTime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (KeyIdentity? Identity, DateTimeOffset Until)> _keyCache = new();

    public async Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Tenants.AsNoTracking().ToListAsync(ct);
        return rows.OrderBy(t => t.Slug, StringComparer.Ordinal).Select(ToInfo).ToList();
    }

    public async Task<TenantInfo?> FindAsync(string slug, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, ct);
        return row is null ? null : ToInfo(row);
    }

    /// <summary>Creates the tenant's storage and metadata tables, then its catalog row and admin key.</summary>
    /// <param name="adminKey">A key to register for the tenant's admin; a new one is generated when null.</param>
    public async Task<(TenantInfo Tenant, string AdminKey)> CreateAsync(string? slug, string? name, IReadOnlyList<string>? modules, string? adminKey, CancellationToken ct)
    {
        var errors = new FieldErrorList();
        if (!ApiNames.IsValidSlug(slug))
        {
            errors.Add("slug", "A slug is 2 to 40 characters: small letters, digits and single hyphens, starting with a letter.");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            errors.Add("name", "A tenant name is required and at most 100 characters.");
        }

        foreach (var module in modules ?? [])
        {
            errors.Add("modules", $"There is no module '{module}' to install.");
        }

        errors.ThrowIfAny();
        if (await FindAsync(slug!, ct) is not null)
        {
            throw PaasException.Conflict($"A tenant '{slug}' already exists.", [new FieldError("slug", "This slug is taken.")]);
        }

        var tenant = new TenantInfo(Guid.CreateVersion7(), slug!, name!, TenantStatus.Active, TenantStorageNames.For(slug!));
        await metadata.ProvisionAsync(tenant, ct);
        var adminUser = await security.EnsureAdministratorAsync(tenant, ct);
        var key = adminKey ?? ApiKeys.Generate();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.Tenants.Add(new TenantRecord
            {
                Id = tenant.Id, Slug = tenant.Slug, Name = tenant.Name, Status = tenant.Status, StorageName = tenant.StorageName, CreatedAt = time.GetUtcNow(),
            });
            db.ApiKeys.Add(NewKey(key, tenant.Id, "Tenant admin", ApiKeyScopes.TenantAdmin, adminUser));
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await connector.DropTenantStorageAsync(tenant.StorageName, CancellationToken.None);
            throw PaasException.Conflict($"A tenant '{slug}' already exists, or the key is already in use.");
        }

        return (tenant, key);
    }

    public async Task<TenantInfo> SetStatusAsync(string slug, string status, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Tenants.FirstOrDefaultAsync(t => t.Slug == slug, ct) ?? throw PaasException.NotFound($"There is no tenant '{slug}'.");
        row.Status = status;
        await db.SaveChangesAsync(ct);
        _keyCache.Clear();
        metadataCache.Forget(row.Id);
        return ToInfo(row);
    }

    /// <summary>Registers a key chosen by configuration (the bootstrap keys), replacing an earlier key of the same role.</summary>
    public async Task EnsureKeyAsync(string key, Guid? tenantId, string name, string scope, CancellationToken ct, Guid? userId = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hash = ApiKeys.Hash(key);
        if (await db.ApiKeys.FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, ct) is { } current)
        {
            if (current.UserId is null && userId is not null)
            {
                current.UserId = userId;
                await db.SaveChangesAsync(ct);
                _keyCache.Clear();
            }

            return;
        }

        var previous = await db.ApiKeys.Where(k => k.TenantId == tenantId && k.Name == name && k.RevokedAt == null).ToListAsync(ct);
        foreach (var old in previous)
        {
            old.RevokedAt = time.GetUtcNow();
        }

        db.ApiKeys.Add(NewKey(key, tenantId, name, scope, userId));
        await db.SaveChangesAsync(ct);
        _keyCache.Clear();
    }

    /// <summary>A new key for a user of the tenant; the key is returned once and only its hash is kept.</summary>
    public async Task<(ApiKeyInfo Info, string Key)> CreateUserKeyAsync(TenantInfo tenant, Guid userId, string? name, DateTimeOffset? expiresAt, CancellationToken ct,
        Caller? actor = null)
    {
        var errors = new FieldErrorList();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            errors.Add("name", "A key name of 1 to 100 characters is required.");
        }

        if (expiresAt is { } expiry && expiry <= time.GetUtcNow())
        {
            errors.Add("expiresAt", "The expiry must be in the future.");
        }

        errors.ThrowIfAny();
        var key = ApiKeys.Generate();
        var row = NewKey(key, tenant.Id, name!, ApiKeyScopes.User, userId);
        row.ExpiresAt = expiresAt;
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        await AuditAsync(tenant, actor, "apiKey.created", row, ct);
        return (Info(row), key);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(TenantInfo tenant, Guid? userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenant.Id && (userId == null || k.UserId == userId)).ToListAsync(ct);
        return rows.OrderBy(r => r.CreatedAt).Select(Info).ToList();
    }

    /// <summary>Revokes a key of the tenant (of the user, when <paramref name="userId"/> is given). Takes effect at once on this node.</summary>
    public async Task<ApiKeyInfo> RevokeKeyAsync(TenantInfo tenant, Guid keyId, Guid? userId, CancellationToken ct, Caller? actor = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.TenantId == tenant.Id && (userId == null || k.UserId == userId), ct)
            ?? throw PaasException.NotFound($"There is no API key with id {keyId}.");
        row.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        _keyCache.Clear();
        await AuditAsync(tenant, actor, "apiKey.revoked", row, ct);
        return Info(row);
    }

    /// <summary>Forgets cached key checks, e.g. after a user was deactivated.</summary>
    public void ForgetKeys() => _keyCache.Clear();

    private async Task AuditAsync(TenantInfo tenant, Caller? actor, string action, ApiKeyRecord key, CancellationToken ct)
    {
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
        await Security.AuditLog.WriteAsync(session, actor, action, $"{key.Name} ({key.Prefix}…)", new { key = key.Id, user = key.UserId, key.ExpiresAt }, time.GetUtcNow(), ct);
    }

    private static ApiKeyInfo Info(ApiKeyRecord row) => new(row.Id, row.Name, row.Prefix, row.UserId, row.CreatedAt, row.ExpiresAt, row.RevokedAt, row.LastUsedAt);

    /// <summary>Finds who a key belongs to. Unknown, revoked and expired keys give null. Results are cached briefly.</summary>
    /// <param name="address">The client's address, for the audit entry of the key's use.</param>
    public async Task<KeyIdentity?> AuthenticateAsync(string key, CancellationToken ct, string? address = null)
    {
        if (key.Length is < 8 or > 200)
        {
            return null;
        }

        var hash = ApiKeys.Hash(key);
        var now = time.GetUtcNow();
        if (_keyCache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Identity;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash, ct);
        KeyIdentity? identity = null;
        if (row is not null && row.RevokedAt is null && (row.ExpiresAt is null || row.ExpiresAt > now))
        {
            TenantInfo? tenant = null;
            if (row.TenantId is { } tenantId)
            {
                var tenantRow = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
                tenant = tenantRow is null ? null : ToInfo(tenantRow);
            }

            identity = row.TenantId is not null && tenant is null ? null : new KeyIdentity(row.Id, row.Name, row.Scope, tenant, row.UserId);
            if (identity is not null && (row.LastUsedAt is null || now - row.LastUsedAt > LastUsedResolution))
            {
                await db.ApiKeys.Where(k => k.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
                if (tenant is not null && row.UserId is { } user)
                {
                    // Key use reaches the tenant's audit log at most once a minute per key (with lastUsedAt).
                    await AuditAsync(tenant, new Caller(tenant, user, row.Name) { Credential = "key:" + row.Id, Address = address }, "apiKey.used", row, ct);
                }
            }
        }

        if (_keyCache.Count > 10_000)
        {
            _keyCache.Clear();
        }

        // A key that expires sooner than the cache time is cached only until it expires.
        var until = now + KeyCacheTime;
        if (row?.ExpiresAt is { } expires && expires < until)
        {
            until = expires;
        }

        _keyCache[hash] = (identity, until);
        return identity;
    }

    private ApiKeyRecord NewKey(string key, Guid? tenantId, string name, string scope, Guid? userId) => new()
    {
        UserId = userId,
        Id = Guid.CreateVersion7(),
        TenantId = tenantId,
        Name = name,
        Scope = scope,
        KeyHash = ApiKeys.Hash(key),
        Prefix = ApiKeys.Prefix(key),
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>Sets the tenant's own request limits; null returns it to the platform defaults.</summary>
    public async Task<TenantInfo> SetLimitsAsync(string slug, RequestLimits? limits, CancellationToken ct)
    {
        limits?.Validate();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Tenants.FirstOrDefaultAsync(t => t.Slug == slug, ct) ?? throw PaasException.NotFound($"There is no tenant '{slug}'.");
        row.Limits = limits is null ? null : System.Text.Json.JsonSerializer.Serialize(limits);
        await db.SaveChangesAsync(ct);
        _keyCache.Clear();
        return ToInfo(row);
    }

    private static TenantInfo ToInfo(TenantRecord row) => new(row.Id, row.Slug, row.Name, row.Status, row.StorageName)
    {
        Limits = row.Limits is null ? null : System.Text.Json.JsonSerializer.Deserialize<RequestLimits>(row.Limits),
    };
}
