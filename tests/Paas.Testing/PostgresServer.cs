using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Paas.Testing;

/// <summary>
/// A PostgreSQL server shared by every test in the current test process.
/// </summary>
/// <remarks>
/// <para>
/// If the <c>PAAS_TEST_POSTGRES</c> environment variable is set it must be an admin connection
/// string to an existing server, which is used as is. Otherwise a throwaway server is created
/// from the machine's PostgreSQL binaries (<c>initdb</c>/<c>pg_ctl</c> on PATH or under
/// <c>/usr/lib/postgresql/*/bin</c>) in a temporary directory, on a free loopback port, with
/// durability switched off. When the binaries are missing and the process runs as root on a
/// Debian-like machine they are installed with <c>apt-get install -y postgresql</c>.
/// </para>
/// <para>
/// The server is started lazily, once, on first use, and stopped (and its directory deleted)
/// when the process exits; a detached watchdog finishes that job if the test host is killed first,
/// and directories left by dead test processes are reaped on the next start. Databases created on
/// an external server are left there. Failures throw: tests that need PostgreSQL fail loudly, never skip.
/// </para>
/// </remarks>
public static class PostgresServer
{
    /// <summary>Environment variable holding an admin connection string to an existing server.</summary>
    public const string EnvironmentVariable = "PAAS_TEST_POSTGRES";

    private const string OsUser = "postgres";
    private const string DatabaseUser = "postgres";
    private const string DirectoryPrefix = "paas-test-pg-";
    private const string OwnerFileName = "owner.pid";
    private const int MaxPoolSize = 20;

    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(20);

    private static readonly Lazy<string> s_adminConnectionString =
        new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    // Cleanup watchdog processes whose stdin pipes must stay open for the life of this process.
    private static readonly ConcurrentBag<Process> s_watchdogs = [];

    /// <summary>
    /// Admin (superuser) connection string to the shared server. Starts the server on first access;
    /// thread-safe. Throws <see cref="InvalidOperationException"/> if no server can be provided.
    /// </summary>
    public static string AdminConnectionString => s_adminConnectionString.Value;

    /// <summary>
    /// Creates a new, uniquely named, empty database on the shared server and returns a full
    /// Npgsql connection string to it (pooling on, small maximum pool size).
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken ct = default)
    {
        var admin = AdminConnectionString;
        var name = "paas_test_" + Guid.NewGuid().ToString("N");

        var adminConnection = new NpgsqlConnection(admin);
        await using (adminConnection.ConfigureAwait(false))
        {
            await adminConnection.OpenAsync(ct).ConfigureAwait(false);
            var command = adminConnection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                // The name is generated above (letters, digits, underscore): safe to inline.
                command.CommandText = "CREATE DATABASE \"" + name + "\"";
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        var builder = new NpgsqlConnectionStringBuilder(admin)
        {
            Database = name,
            Pooling = true,
            MinPoolSize = 0,
            MaxPoolSize = MaxPoolSize,
        };
        return builder.ConnectionString;
    }

    // ------------------------------------------------------------------ startup

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        var binDirectory = FindBinDirectory() ?? InstallAndFindBinDirectory();
        var server = new LocalServer(binDirectory, RunAsOsUser: IsRoot());
        ReapStaleServers(server);
        return server.Start();
    }

    private static bool IsRoot() =>
        !OperatingSystem.IsWindows()
        && (Environment.IsPrivilegedProcess
            || string.Equals(Environment.UserName, "root", StringComparison.Ordinal));

    /// <summary>Temp root for server directories; must be traversable by the postgres OS user.</summary>
    private static string TempRoot() =>
        IsRoot() && Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();

    // ------------------------------------------------------------------ binaries

    private static string ExecutableName(string name) =>
        OperatingSystem.IsWindows() ? name + ".exe" : name;

    /// <summary>A directory holding both initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/N/bin.</summary>
    private static string? FindBinDirectory()
    {
        var candidates = new List<string>();
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        candidates.AddRange(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(
                Directory.GetDirectories(debianRoot)
                    .Select(d => (Dir: d, Version: ParseVersion(Path.GetFileName(d))))
                    .OrderByDescending(x => x.Version)
                    .Select(x => Path.Combine(x.Dir, "bin")));
        }

        return candidates.FirstOrDefault(dir =>
            File.Exists(Path.Combine(dir, ExecutableName("initdb")))
            && File.Exists(Path.Combine(dir, ExecutableName("pg_ctl"))));
    }

    private static Version ParseVersion(string text) =>
        Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var v) ? v : new Version(0, 0);

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(dir => Path.Combine(dir, ExecutableName(name)))
            .FirstOrDefault(File.Exists);

    private static string InstallAndFindBinDirectory()
    {
        const string hint =
            "Install the PostgreSQL server binaries (e.g. `apt-get install postgresql`) or set "
            + EnvironmentVariable + " to an admin connection string of an existing server.";

        if (!OperatingSystem.IsLinux() || !IsRoot() || FindOnPath("apt-get") is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL tests need initdb and pg_ctl, which were found neither on PATH nor under "
                + "/usr/lib/postgresql/*/bin, and they cannot be installed automatically (that needs root on a "
                + "Debian-like machine). " + hint);
        }

        // Several test processes may start at once (dotnet test runs assemblies in parallel):
        // serialise the installation across processes.
        using var installLock = AcquireFileLock(Path.Combine(TempRoot(), "paas-test-postgres-install.lock"), s_installTimeout);

        var found = FindBinDirectory();
        if (found is not null)
        {
            return found;
        }

        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        string[] install = ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "postgresql"];
        var log = new StringBuilder();

        var result = Run("apt-get", install, s_installTimeout, environment: environment);
        log.Append(result.Describe());
        if (result.ExitCode != 0)
        {
            result = Run("apt-get", ["-o", "DPkg::Lock::Timeout=600", "update"], s_installTimeout, environment: environment);
            log.Append(result.Describe());
            result = Run("apt-get", install, s_installTimeout, environment: environment);
            log.Append(result.Describe());
        }

        return FindBinDirectory()
            ?? throw new InvalidOperationException(
                "PostgreSQL tests need initdb and pg_ctl; they were missing and installing them with apt-get "
                + "did not provide them. " + hint + Environment.NewLine + log);
    }

    private static FileStream AcquireFileLock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }

    // ------------------------------------------------------------------ processes

    private sealed record RunResult(string Command, int ExitCode, string Output)
    {
        public string Describe() =>
            $"$ {Command}{Environment.NewLine}(exit code {ExitCode.ToString(CultureInfo.InvariantCulture)}){Environment.NewLine}{Output}{Environment.NewLine}";
    }

    private static RunResult Run(
        string fileName,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var command = fileName + " " + string.Join(" ", arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? "'" + a + "'" : a));
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new RunResult(command, -1, "could not start: " + e.Message);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                return new RunResult(command, -1, $"timed out after {timeout}");
            }

            process.WaitForExit();
            return new RunResult(command, process.ExitCode, (stdout.Result + stderr.Result).TrimEnd());
        }
    }

    // ------------------------------------------------------------------ stale servers

    /// <summary>
    /// Stops and deletes servers left behind by test processes that died without running their
    /// exit handler (killed test hosts). Best effort.
    /// </summary>
    private static void ReapStaleServers(LocalServer template)
    {
        try
        {
            foreach (var directory in Directory.GetDirectories(TempRoot(), DirectoryPrefix + "*"))
            {
                try
                {
                    var ownerFile = Path.Combine(directory, OwnerFileName);
                    if (!File.Exists(ownerFile)
                        || !int.TryParse(File.ReadAllText(ownerFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                        || IsProcessAlive(pid))
                    {
                        continue;
                    }

                    (template with { Root = directory }).StopAndDelete();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool IsProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // ------------------------------------------------------------------ local server

    private sealed record LocalServer(string BinDirectory, bool RunAsOsUser)
    {
        public string Root { get; init; } = Path.Combine(TempRoot(), DirectoryPrefix + Guid.NewGuid().ToString("N"));

        private string DataDirectory => Path.Combine(Root, "data");

        private string SocketDirectory => Path.Combine(Root, "sock");

        private string LogFile => Path.Combine(Root, "server.log");

        private string PgCtl => Path.Combine(BinDirectory, ExecutableName("pg_ctl"));

        private string InitDb => Path.Combine(BinDirectory, ExecutableName("initdb"));

        public string Start()
        {
            var diagnostics = new StringBuilder();
            try
            {
                Directory.CreateDirectory(Root);
                File.WriteAllText(Path.Combine(Root, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(SocketDirectory);

                if (RunAsOsUser)
                {
                    // PostgreSQL refuses to run as root: hand the directory to the postgres OS user.
                    var chown = Run("chown", ["-R", OsUser + ":", Root], s_commandTimeout);
                    if (chown.ExitCode != 0)
                    {
                        throw Failure("could not give the server directory to the '" + OsUser + "' OS user", chown.Describe());
                    }
                }

                InitializeCluster(diagnostics);
                StartWatchdog();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAndDelete();
                var port = StartServer(diagnostics);

                var builder = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = DatabaseUser,
                    Database = "postgres",
                    IncludeErrorDetail = true,
                };
                return builder.ConnectionString;
            }
            catch
            {
                StopAndDelete();
                throw;
            }
        }

        private void InitializeCluster(StringBuilder diagnostics)
        {
            // C.UTF-8 gives Unicode-aware upper/lower; fall back to C where that locale is missing.
            foreach (var locale in new[] { "C.UTF-8", "C" })
            {
                var result = RunPostgresTool(InitDb,
                [
                    "-D", DataDirectory, "-A", "trust", "-U", DatabaseUser, "--no-sync", "-E", "UTF8",
                    "--locale=" + locale,
                ]);
                diagnostics.Append(result.Describe());
                if (result.ExitCode == 0)
                {
                    return;
                }

                DeleteDirectory(DataDirectory);
            }

            throw Failure("initdb failed", diagnostics.ToString());
        }

        private int StartServer(StringBuilder diagnostics)
        {
            const int attempts = 5;
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeTcpPort();
                var options = string.Join(' ',
                    "-p " + port.ToString(CultureInfo.InvariantCulture),
                    "-k \"" + SocketDirectory + "\"",
                    "-c listen_addresses=127.0.0.1",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=300");
                var result = RunPostgresTool(PgCtl, ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "-o", options]);
                diagnostics.Append(result.Describe());
                if (result.ExitCode == 0)
                {
                    return port;
                }

                var log = LogTail();
                RunPostgresTool(PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"]);
                var portClash = (result.Output + log).Contains("already in use", StringComparison.OrdinalIgnoreCase)
                    || (result.Output + log).Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                    || (result.Output + log).Contains("could not create any TCP/IP sockets", StringComparison.OrdinalIgnoreCase);
                if (!portClash || attempt == attempts)
                {
                    throw Failure("pg_ctl start failed", diagnostics.ToString());
                }
            }
        }

        /// <summary>
        /// Starts a detached shell that waits for this process to end (EOF on a pipe only this
        /// process holds), then stops the server and deletes its directory. Test hosts are often
        /// killed moments after their last test, before a ProcessExit handler can finish; the
        /// watchdog still cleans up then (and after crashes). The ProcessExit handler remains the
        /// first, best-effort line of cleanup.
        /// </summary>
        private void StartWatchdog()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            const string script = """
                root="$1"; pgctl="$2"; data="$3"; osuser="$4"
                exec 3<&0
                (
                  cat <&3 >/dev/null 2>&1
                  exec 3<&-
                  if [ -f "$data/postmaster.pid" ]; then
                    if [ -n "$osuser" ]; then
                      runuser -u "$osuser" -- "$pgctl" stop -D "$data" -m immediate -w -t 30
                    else
                      "$pgctl" stop -D "$data" -m immediate -w -t 30
                    fi
                  fi
                  rm -rf "$root"
                ) </dev/null >/dev/null 2>&1 &
                """;
            var startInfo = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = Root,
            };
            foreach (var argument in new[] { "-c", script, "paas-test-pg-watchdog", Root, PgCtl, DataDirectory, RunAsOsUser ? OsUser : "" })
            {
                startInfo.ArgumentList.Add(argument);
            }

            try
            {
                var process = Process.Start(startInfo);
                if (process is null)
                {
                    return;
                }

                process.WaitForExit(TimeSpan.FromSeconds(30));

                // Never written to and never closed: the pipe's write end closes when this process ends.
                // Kept in a static field so it is not finalized (which would close the pipe early).
                s_watchdogs.Add(process);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                // Best effort: the ProcessExit handler and the stale-server reaper still clean up.
            }
        }

        /// <summary>Stops the server (immediate mode) and deletes its directory. Never throws.</summary>
        public void StopAndDelete()
        {
            try
            {
                if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                {
                    RunPostgresTool(PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"]);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
            }

            DeleteDirectory(Root);
        }

        private RunResult RunPostgresTool(string executable, IReadOnlyList<string> arguments) =>
            RunAsOsUser
                ? Run("runuser", ["-u", OsUser, "--", executable, .. arguments], s_commandTimeout, workingDirectory: Root)
                : Run(executable, arguments, s_commandTimeout, workingDirectory: Root);

        private InvalidOperationException Failure(string what, string details) =>
            new($"Could not start a throwaway PostgreSQL server for the tests ({what}). Binaries: {BinDirectory}; "
                + $"directory: {Root}; running as OS user '{(RunAsOsUser ? OsUser : Environment.UserName)}'. "
                + $"Set {EnvironmentVariable} to use an existing server instead."
                + Environment.NewLine + details
                + Environment.NewLine + "--- server log (tail) ---" + Environment.NewLine + LogTail());

        private string LogTail()
        {
            try
            {
                if (!File.Exists(LogFile))
                {
                    return "(no server log)";
                }

                var text = File.ReadAllText(LogFile);
                const int max = 4000;
                return text.Length <= max ? text : text[^max..];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "(server log unreadable: " + e.Message + ")";
            }
        }

        private static int FreeTcpPort()
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

        private static void DeleteDirectory(string path)
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    if (Directory.Exists(path))
                    {
                        Directory.Delete(path, recursive: true);
                    }

                    return;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Thread.Sleep(200);
                }
            }
        }
    }
}
