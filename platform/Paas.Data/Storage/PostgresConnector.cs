using System.Data.Common;
using Npgsql;
using Paas.Data.Sql;

namespace Paas.Data.Storage;

/// <summary>PostgreSQL: one database, the catalog in <c>public</c>, each tenant in its own schema.</summary>
public sealed class PostgresConnector(NpgsqlDataSource dataSource, string connectionString) : IDatabaseConnector
{
    /// <summary>The configured connection string (the data source's own hides the password).</summary>
    public string ConnectionString => connectionString;

    public ISqlDialect Dialect { get; } = new PostgresDialect();

    public NpgsqlDataSource DataSource => dataSource;

    public async Task<DbConnection> OpenTenantAsync(string storageName, CancellationToken ct) =>
        await dataSource.OpenConnectionAsync(ct);

    public async Task CreateTenantStorageAsync(string storageName, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"CREATE SCHEMA IF NOT EXISTS {Dialect.Quote(storageName)}");
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task DropTenantStorageAsync(string storageName, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Dialect.Quote(storageName)} CASCADE");
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> CanConnectAsync(CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }
}
