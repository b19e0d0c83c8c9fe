using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Paas.Bench;

/// <summary>
/// A throwaway PostgreSQL server made from the machine's binaries (initdb/pg_ctl under /usr/lib/postgresql/N/bin or on
/// PATH), started like the tests' server (tests/Paas.Testing/PostgresServer.cs: as the postgres OS user via runuser when
/// root, durability off) and with pg_stat_statements loaded so that the harness can count the statements per request.
/// </summary>
internal sealed class PostgresInstance
{
    private const string OsUser = "postgres";
    private readonly string _root;
    private readonly bool _asOsUser;

    private PostgresInstance(string binDirectory, string root, bool asOsUser)
    {
        BinDirectory = binDirectory;
        _root = root;
        _asOsUser = asOsUser;
    }

    public string BinDirectory { get; }

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(_root, "data");

    public string LogFile => Path.Combine(_root, "server.log");

    public string Version { get; private set; } = "";

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        IncludeErrorDetail = true,
        CommandTimeout = 600,
    }.ConnectionString;

    /// <summary>The arguments that point psql and pgbench at <paramref name="database"/>.</summary>
    public IEnumerable<string> ClientArguments(string database) =>
        ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database];

    public string Tool(string name)
    {
        var local = Path.Combine(BinDirectory, name);
        return File.Exists(local) ? local : Proc.FindOnPath(name) ?? throw new BenchException($"{name} was not found (looked in {BinDirectory} and on PATH).");
    }

    public static string? FindBinDirectory()
    {
        var candidates = new List<string>();
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            candidates.AddRange(Directory.GetDirectories(debian)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d).Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    public static async Task<PostgresInstance> StartAsync(string root, Action<string> log, CancellationToken ct)
    {
        var bin = FindBinDirectory() ?? throw new BenchException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with `apt-get install -y postgresql postgresql-contrib` "
            + "(run `apt-get update` first if that fails), or run with --provider Sqlite.");
        var asOsUser = Environment.IsPrivilegedProcess;
        var instance = new PostgresInstance(bin, root, asOsUser);
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        if (asOsUser)
        {
            (await Proc.RunAsync("chown", ["-R", OsUser + ":", root], TimeSpan.FromMinutes(1), ct)).EnsureSuccess();
        }

        Proc.Result? init = null;
        foreach (var locale in new[] { "C.UTF-8", "C" })
        {
            init = await instance.RunToolAsync("initdb", ["-D", instance.DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=" + locale], ct);
            if (init.ExitCode == 0)
            {
                break;
            }

            if (Directory.Exists(instance.DataDirectory))
            {
                Directory.Delete(instance.DataDirectory, recursive: true);
            }
        }

        init!.EnsureSuccess();
        for (var attempt = 1; ; attempt++)
        {
            instance.Port = FreePort();
            var options = string.Join(' ',
                "-p " + instance.Port.ToString(CultureInfo.InvariantCulture),
                "-k \"" + Path.Combine(root, "sock") + "\"",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300",
                "-c shared_preload_libraries=pg_stat_statements",
                "-c pg_stat_statements.track_utility=off",
                "-c pg_stat_statements.max=10000");
            var start = await instance.RunToolAsync("pg_ctl", ["start", "-D", instance.DataDirectory, "-l", instance.LogFile, "-w", "-t", "120", "-o", options], ct);
            if (start.ExitCode == 0)
            {
                break;
            }

            await instance.RunToolAsync("pg_ctl", ["stop", "-D", instance.DataDirectory, "-m", "immediate", "-w", "-t", "30"], CancellationToken.None);
            if (attempt == 3)
            {
                var serverLog = File.Exists(instance.LogFile) ? await File.ReadAllTextAsync(instance.LogFile, ct) : "";
                throw new BenchException("pg_ctl start failed:" + Environment.NewLine + start.Output + Environment.NewLine + Proc.Tail(serverLog, 3000));
            }
        }

        await using (var connection = new NpgsqlConnection(instance.ConnectionString("postgres")))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SHOW server_version", connection);
            instance.Version = (string)(await command.ExecuteScalarAsync(ct))!;
        }

        log($"PostgreSQL {instance.Version} on 127.0.0.1:{instance.Port} (throwaway, fsync=off, synchronous_commit=off, pg_stat_statements), binaries {bin}");
        return instance;
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct)
    {
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{name}\"", ct);
        await ExecuteAsync(name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", ct);
    }

    public async Task ExecuteAsync(string database, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<List<object?[]>> QueryAsync(string database, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Stops the server (fast, then immediate). Never throws.</summary>
    public void Stop()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                var stop = RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"], CancellationToken.None).GetAwaiter().GetResult();
                if (stop.ExitCode != 0)
                {
                    RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], CancellationToken.None).GetAwaiter().GetResult();
                }
            }
        }
        catch (Exception e) when (e is IOException or BenchException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>Stops a server left in <paramref name="root"/> by a harness that died. Never throws.</summary>
    public static void StopLeftover(string root)
    {
        var bin = FindBinDirectory();
        if (bin is null || !File.Exists(Path.Combine(root, "pg", "data", "postmaster.pid")))
        {
            return;
        }

        new PostgresInstance(bin, Path.Combine(root, "pg"), Environment.IsPrivilegedProcess).Stop();
    }

    private Task<Proc.Result> RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct) =>
        _asOsUser
            ? Proc.RunAsync("runuser", ["-u", OsUser, "--", Path.Combine(BinDirectory, tool), .. arguments], TimeSpan.FromMinutes(3), ct, workingDirectory: _root)
            : Proc.RunAsync(Path.Combine(BinDirectory, tool), arguments, TimeSpan.FromMinutes(3), ct, workingDirectory: _root);

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static int FreeTcpPort() => FreePort();
}
