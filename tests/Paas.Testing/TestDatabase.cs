using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Tenancy;
using Paas.Data;
using Paas.Data.Metadata;
using Paas.Data.Platform;

namespace Paas.Testing;

/// <summary>
/// A fresh, empty platform database for one test: a temp folder of SQLite files, or a new database on the
/// throwaway PostgreSQL server. <see cref="Services"/> holds the data layer wired as the server wires it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TempDirectory? _directory;

    private TestDatabase(PaasDatabaseOptions options, TempDirectory? directory)
    {
        Options = options;
        _directory = directory;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPaasData(options);
        Services = services.BuildServiceProvider();
    }

    public PaasDatabaseOptions Options { get; }

    public ServiceProvider Services { get; }

    public DatabaseProvider Provider => Options.Provider;

    public TenantCatalog Catalog => Services.GetRequiredService<TenantCatalog>();

    public MetadataService Metadata => Services.GetRequiredService<MetadataService>();

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        TestDatabase database;
        if (provider == DatabaseProvider.Postgres)
        {
            var connection = await PostgresServer.CreateDatabaseAsync();
            database = new TestDatabase(new PaasDatabaseOptions { Provider = provider, ConnectionString = connection }, null);
        }
        else
        {
            var directory = new TempDirectory();
            database = new TestDatabase(new PaasDatabaseOptions
            {
                Provider = provider,
                ConnectionString = $"Data Source={System.IO.Path.Combine(directory.Path, "paas.db")}",
            }, directory);
        }

        await database.Services.GetRequiredService<PlatformMigrator>().MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>Creates a tenant with a unique slug and returns it with its admin key.</summary>
    public async Task<(TenantInfo Tenant, string AdminKey)> CreateTenantAsync(string? slug = null)
    {
        slug ??= "t" + Guid.NewGuid().ToString("N")[..10];
        return await Catalog.CreateAsync(slug, slug, [], null, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        _directory?.Dispose();
    }
}
