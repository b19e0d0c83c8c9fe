using System.Collections.Concurrent;
using GraphQL.Types;
using Microsoft.Extensions.Logging;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;

namespace Paas.GraphQL.Data;

/// <summary>
/// Each tenant's built data schema, keyed by metadata version. A metadata change starts the rebuild at once, off the
/// request path; a request that arrives first waits for that same build. Built schemas are never mutated or disposed,
/// so a request still running on an older schema is unaffected. Bounded: the least recently used tenants are dropped.
/// </summary>
public sealed class TenantSchemaCache
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly ILogger<TenantSchemaCache> _logger;
    private readonly int _capacity;

    public TenantSchemaCache(MetadataCache metadata, ILogger<TenantSchemaCache> logger, int capacity = 1000)
    {
        _logger = logger;
        _capacity = capacity;
        metadata.Changed += (tenant, snapshot) => _ = GetAsync(tenant, snapshot);
    }

    public int Count => _entries.Count;

    public Task<ISchema> GetAsync(TenantInfo tenant, TenantMetadata metadata)
    {
        var entry = _entries.AddOrUpdate(
            tenant.Id,
            _ => Start(tenant, metadata),
            (_, existing) => existing.Version >= metadata.Version && !existing.Schema.IsFaulted ? existing : Start(tenant, metadata));
        entry.LastUsed = Environment.TickCount64;
        if (_entries.Count > _capacity)
        {
            Evict();
        }

        return entry.Schema;
    }

    private Entry Start(TenantInfo tenant, TenantMetadata metadata) =>
        new(metadata.Version, Task.Run(() =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var schema = DataSchemaBuilder.Build(metadata);
            _logger.LogInformation("Built the data schema of tenant {Tenant} at metadata version {Version} in {Elapsed} ms",
                tenant.Slug, metadata.Version, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return schema;
        }));

    private void Evict()
    {
        foreach (var (id, _) in _entries.OrderBy(e => e.Value.LastUsed).Take(_entries.Count - _capacity))
        {
            _entries.TryRemove(id, out _);
        }
    }

    private sealed class Entry(long version, Task<ISchema> schema)
    {
        public long Version { get; } = version;
        public Task<ISchema> Schema { get; } = schema;
        public long LastUsed { get; set; }
    }
}
