using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paas.Core.Configuration;
using Paas.Data.Metadata;
using Paas.Data.Platform;
using Paas.Data.Storage;

namespace Paas.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>The platform catalog (EF Core), tenant storage, metadata and the record pipeline for the configured provider.</summary>
    public static IServiceCollection AddPaasData(this IServiceCollection services, PaasDatabaseOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = new SqliteConnector(options);
                services.AddSingleton<IDatabaseConnector>(sqlite);
                services.AddDbContextFactory<PlatformDbContext>(o => Configure(o.UseSqlite(sqlite.PlatformConnectionString)));
                break;
            case DatabaseProvider.Postgres:
                services.AddSingleton(_ =>
                {
                    // Prepare the statements a server repeats (the generated SQL of common queries) unless configured otherwise.
                    var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                    if (connection.MaxAutoPrepare == 0)
                    {
                        connection.MaxAutoPrepare = 64;
                    }

                    // The platform keeps no session state on pooled connections, so skip the reset round trip on every return.
                    connection.NoResetOnClose = true;

                    // Without a configured size, the pool is sized to this server's cores rather than Npgsql's 100 (see
                    // DefaultMaxPoolSize); requests beyond it wait for a connection instead of crowding PostgreSQL.
                    if (!SetsMaxPoolSize(options.ConnectionString))
                    {
                        connection.MaxPoolSize = DefaultMaxPoolSize(Environment.ProcessorCount);
                    }

                    return NpgsqlDataSource.Create(connection.ConnectionString);
                });
                services.AddSingleton<IDatabaseConnector>(sp => new PostgresConnector(sp.GetRequiredService<NpgsqlDataSource>(), options.ConnectionString));
                services.AddDbContextFactory<PlatformDbContext>((sp, o) => Configure(o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())));
                break;
            default:
                throw new InvalidOperationException($"Paas:Database:Provider '{options.Provider}' is not supported yet; use Sqlite or Postgres.");
        }

        services.AddSingleton<MetadataCache>();
        services.AddSingleton<MetadataService>();
        services.AddSingleton<Security.SecurityService>();
        services.AddSingleton<Security.RecordSharing>();
        services.AddSingleton<Security.RetentionPolicy>();
        services.AddSingleton<MetadataChangeFeed>();
        services.AddSingleton<TenantCatalog>();
        services.AddSingleton<PlatformMigrator>();
        services.AddSingleton<Import.RecordImporter>();

        // Scripts (Scripting.ScriptService, ScriptScheduler) are registered by the host together with its sandbox.
        return services;
    }

    // The migrations are written by hand without a model snapshot, so EF's "pending model changes" check does not apply.
    private static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder) =>
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>
    /// The PostgreSQL pool size when the connection string sets none: eight connections per core of this server, at least
    /// 16 and at most Npgsql's own default of 100. More connections only make PostgreSQL's backends take turns on the same
    /// cores; fewer leave it idle while requests that use a connection for several statements do their own work in
    /// between (docs/performance.md: on 2 cores, 16 connections against Npgsql's 100 raised the list page's rate by about
    /// 10 %, where 8 lowered the page-with-count's).
    /// </summary>
    public static int DefaultMaxPoolSize(int processors) => Math.Clamp(8 * processors, 16, 100);

    /// <summary>Whether the connection string sets the pool's maximum size itself (under either of Npgsql's names).</summary>
    public static bool SetsMaxPoolSize(string? connectionString)
    {
        var keys = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString ?? "" }.Keys.Cast<string>();
        return keys.Select(k => k.Replace(" ", "", StringComparison.Ordinal))
            .Any(k => k.Equals("maximumpoolsize", StringComparison.OrdinalIgnoreCase) || k.Equals("maxpoolsize", StringComparison.OrdinalIgnoreCase));
    }
}
