using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.GraphQL.Data;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Tests;

public sealed class TenantSchemaCacheTests
{
    private static TenantSchemaCache NewCache(DataApi api, int capacity = 1000) =>
        new(api.Db.Services.GetRequiredService<MetadataCache>(), NullLogger<TenantSchemaCache>.Instance, capacity);

    private static TenantInfo FakeTenant(string slug) => new(Guid.NewGuid(), slug, slug, TenantStatus.Active, "tenant_" + slug);

    [Fact]
    public async Task The_same_metadata_version_gives_the_same_schema_instance()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("Invoice");
        var cache = NewCache(api);
        var metadata = await api.SnapshotAsync();

        var first = await cache.GetAsync(api.Tenant, metadata);
        var second = await cache.GetAsync(api.Tenant, metadata);
        var third = await cache.GetAsync(api.Tenant, await api.SnapshotAsync());
        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.NotNull(first.Query.GetField("invoices"));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_version_share_one_build()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("Invoice");
        var cache = NewCache(api);
        var metadata = await api.SnapshotAsync();

        var schemas = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => cache.GetAsync(api.Tenant, metadata))));
        Assert.All(schemas, s => Assert.Same(schemas[0], s));
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_metadata_change_gives_a_new_schema_on_the_next_request(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateObjectAsync("Invoice");
        var cache = NewCache(api);
        var before = await api.SnapshotAsync();
        var oldSchema = await cache.GetAsync(api.Tenant, before);

        await api.CreateFieldAsync("Invoice", "amount", FieldType.Currency);
        var after = await api.SnapshotAsync();
        Assert.True(after.Version > before.Version);

        var newSchema = await cache.GetAsync(api.Tenant, after);
        Assert.NotSame(oldSchema, newSchema);
        Assert.NotNull(((IComplexGraphType)newSchema.AllTypes["Invoice"]!).GetField("amount"));
        Assert.Same(newSchema, await cache.GetAsync(api.Tenant, after));

        // A request still running on the old schema is unaffected: built schemas are never changed.
        Assert.Null(((IComplexGraphType)oldSchema.AllTypes["Invoice"]!).GetField("amount"));

        await api.Metadata.DeleteFieldAsync(api.Tenant, "Invoice", "amount", CancellationToken.None);
        var third = await cache.GetAsync(api.Tenant, await api.SnapshotAsync());
        Assert.NotSame(newSchema, third);
        Assert.Null(((IComplexGraphType)third.AllTypes["Invoice"]!).GetField("amount"));
    }

    [Fact]
    public async Task Each_tenant_has_its_own_schema()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateObjectAsync("Invoice");
        var (other, _) = await api.Db.CreateTenantAsync();
        await api.Metadata.CreateObjectAsync(other, new ObjectInput { ApiName = "Ticket", Label = "Ticket" }, CancellationToken.None);
        var cache = NewCache(api);

        var mine = await cache.GetAsync(api.Tenant, await api.SnapshotAsync());
        var theirs = await cache.GetAsync(other, await api.Metadata.GetAsync(other, CancellationToken.None));
        Assert.NotSame(mine, theirs);
        Assert.NotNull(mine.Query.GetField("invoices"));
        Assert.Null(mine.Query.GetField("tickets"));
        Assert.NotNull(theirs.Query.GetField("tickets"));
        Assert.Null(theirs.Query.GetField("invoices"));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task The_capacity_bound_evicts_the_least_recently_used_tenant()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        var cache = NewCache(api, capacity: 2);
        var metadata = new TenantMetadata(1, []);
        var (a, b, c) = (FakeTenant("a1"), FakeTenant("b1"), FakeTenant("c1"));

        var schemaA = await cache.GetAsync(a, metadata);
        await Tick();
        var schemaB = await cache.GetAsync(b, metadata);
        await Tick();
        Assert.Same(schemaA, await cache.GetAsync(a, metadata)); // a is now more recently used than b
        await Tick();
        var schemaC = await cache.GetAsync(c, metadata);
        Assert.Equal(2, cache.Count);

        await Tick();
        Assert.Same(schemaA, await cache.GetAsync(a, metadata));
        await Tick();
        Assert.Same(schemaC, await cache.GetAsync(c, metadata));
        await Tick();
        Assert.NotSame(schemaB, await cache.GetAsync(b, metadata)); // b was evicted, so it is built again
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task The_cache_never_holds_more_tenants_than_its_capacity()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        var cache = NewCache(api, capacity: 5);
        var metadata = new TenantMetadata(1, []);
        ISchema? last = null;
        for (var i = 0; i < 40; i++)
        {
            var tenant = FakeTenant("t" + i);
            last = await cache.GetAsync(tenant, metadata);
            Assert.InRange(cache.Count, 1, 5);
        }

        Assert.NotNull(last);
    }

    /// <summary>Lets the clock the cache uses for recency move on.</summary>
    private static Task Tick() => Task.Delay(30);
}
