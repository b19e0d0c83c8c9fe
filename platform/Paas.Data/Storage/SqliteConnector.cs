using System.Data.Common;
using Microsoft.Data.Sqlite;
using Paas.Data.Sql;

namespace Paas.Data.Storage;

/// <summary>SQLite: the catalog in the configured file, each tenant in its own file under <c>tenants/</c> beside it.</summary>
public sealed class SqliteConnector : IDatabaseConnector
{
    private readonly string _tenantDirectory;
    private readonly string _platformConnectionString;

    public SqliteConnector(PaasDatabaseOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource.Contains(":memory:", StringComparison.OrdinalIgnoreCase)
            || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new InvalidOperationException("ConnectionStrings:Platform must name a SQLite database file (Data Source=…); in-memory databases are not supported.");
        }

        var platformFile = Path.GetFullPath(builder.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(platformFile)!);
        builder.DataSource = platformFile;
        _platformConnectionString = builder.ToString();
        _tenantDirectory = Path.Combine(Path.GetDirectoryName(platformFile)!, "tenants");
        Directory.CreateDirectory(_tenantDirectory);
    }

    public ISqlDialect Dialect { get; } = new SqliteDialect();

    public string PlatformConnectionString => _platformConnectionString;

    public async Task<DbConnection> OpenTenantAsync(string storageName, CancellationToken ct)
    {
        var path = TenantFile(storageName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The storage of tenant '{storageName}' does not exist.");
        }

        return await OpenAsync(path, SqliteOpenMode.ReadWrite, ct);
    }

    public async Task CreateTenantStorageAsync(string storageName, CancellationToken ct)
    {
        await using var connection = await OpenAsync(TenantFile(storageName), SqliteOpenMode.ReadWriteCreate, ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task DropTenantStorageAsync(string storageName, CancellationToken ct)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(TenantFile(storageName) + suffix);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> CanConnectAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new SqliteConnection(_platformConnectionString);
            await connection.OpenAsync(ct);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private string TenantFile(string storageName) => Path.Combine(_tenantDirectory, storageName + ".db");

    private static async Task<DbConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken ct)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(ct);
        connection.CreateFunction("paas_fold", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
