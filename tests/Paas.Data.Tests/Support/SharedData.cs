using System.Collections.Concurrent;
using Paas.Core.Configuration;

namespace Paas.Data.Tests.Support;

/// <summary>
/// Data sets built once per provider and shared by the read-only tests of one class (xunit runs a class's tests one at
/// a time), so that query tests do not each pay for a database. Tests that write build their own data.
/// </summary>
public abstract class SharedData<T>(Func<DatabaseProvider, Task<T>> build, Func<T, TestTenant> tenantOf) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<DatabaseProvider, Lazy<Task<T>>> _data = new();

    public Task<T> GetAsync(DatabaseProvider provider) =>
        _data.GetOrAdd(provider, p => new Lazy<Task<T>>(() => build(p))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var lazy in _data.Values.Where(l => l.IsValueCreated))
        {
            try
            {
                await tenantOf(await lazy.Value).DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A data set that failed to build has nothing to dispose; its tests already failed.
            }
        }
    }
}

/// <summary>One <see cref="ProductCatalog"/> per provider.</summary>
public sealed class SharedCatalog() : SharedData<ProductCatalog>(ProductCatalog.CreateAsync, c => c.Tenant);

/// <summary>One tenant per provider with 57 rows of <see cref="Paas.Data.Tests.Query.Rows"/>.</summary>
public sealed class SharedRows() : SharedData<TestTenant>(p => Paas.Data.Tests.Query.Rows.CreateAsync(p, 57), t => t);
