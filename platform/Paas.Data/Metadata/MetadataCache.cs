using System.Collections.Concurrent;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>
/// The current metadata snapshot of each tenant. A change made through <see cref="MetadataService"/> replaces the
/// snapshot as it commits and raises <see cref="Changed"/>, so the next request sees it without a restart.
/// </summary>
public sealed class MetadataCache(IDatabaseConnector connector)
{
    private readonly ConcurrentDictionary<Guid, TenantMetadata> _snapshots = new();

    /// <summary>Raised after a change committed, so that dependants (the GraphQL schema) can rebuild off the request path.</summary>
    public event Action<TenantInfo, TenantMetadata>? Changed;

    public async ValueTask<TenantMetadata> GetAsync(TenantInfo tenant, CancellationToken ct)
    {
        if (_snapshots.TryGetValue(tenant.Id, out var cached))
        {
            return cached;
        }

        var loaded = await LoadAsync(tenant, ct);
        return _snapshots.AddOrUpdate(tenant.Id, loaded, (_, existing) => existing.Version >= loaded.Version ? existing : loaded);
    }

    public async Task<TenantMetadata> LoadAsync(TenantInfo tenant, CancellationToken ct)
    {
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, new TenantMetadata(0, []));
        var version = await MetadataStore.ReadVersionAsync(session, ct);
        return await MetadataStore.LoadAsync(session, version, ct);
    }

    public void Publish(TenantInfo tenant, TenantMetadata metadata)
    {
        _snapshots.AddOrUpdate(tenant.Id, metadata, (_, existing) => existing.Version >= metadata.Version ? existing : metadata);
        Changed?.Invoke(tenant, metadata);
    }

    public void Forget(Guid tenantId) => _snapshots.TryRemove(tenantId, out _);

    public void ForgetAll() => _snapshots.Clear();

    /// <summary>Drops the tenant's snapshot if it is older than <paramref name="version"/>; the next request reloads it.</summary>
    public void ForgetIfOlder(Guid tenantId, long version)
    {
        if (_snapshots.TryGetValue(tenantId, out var cached) && cached.Version < version)
        {
            _snapshots.TryRemove(new KeyValuePair<Guid, TenantMetadata>(tenantId, cached));
        }
    }
}
