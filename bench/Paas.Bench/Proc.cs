using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Paas.Bench;

/// <summary>Runs the external tools (initdb, pg_ctl, wrk, pgbench, psql) and keeps track of every child it started.</summary>
internal static class Proc
{
    private static readonly ConcurrentDictionary<int, Process> s_running = new();

    public sealed record Result(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
    {
        public string Output => (StdOut + Environment.NewLine + StdErr).Trim();

        public Result EnsureSuccess()
        {
            if (ExitCode != 0)
            {
                throw new BenchException($"`{Command}` failed (exit code {ExitCode.ToString(CultureInfo.InvariantCulture)}):{Environment.NewLine}{Tail(Output, 3000)}");
            }

            return this;
        }
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct,
        string? workingDirectory = null, string? standardInput = null)
    {
        var args = arguments.ToList();
        var command = file + " " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? "'" + a + "'" : a));
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new BenchException($"Could not start `{command}`.");
        s_running[process.Id] = process;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput);
            }

            process.StandardInput.Close();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                ct.ThrowIfCancellationRequested();
                throw new BenchException($"`{command}` did not finish within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
            }

            return new Result(command, process.ExitCode, await stdout, await stderr, watch.Elapsed);
        }
        finally
        {
            s_running.TryRemove(process.Id, out _);
        }
    }

    /// <summary>Starts a long-running child (the platform server) whose output goes to a file.</summary>
    public static Process StartLogged(string file, IEnumerable<string> arguments, string workingDirectory, string logFile,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new BenchException($"Could not start {file}.");
        s_running[process.Id] = process;
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var gate = new object();
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        return process;
    }

    public static void Forget(Process process)
    {
        try
        {
            s_running.TryRemove(process.Id, out _);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Kills every child process this harness started and that still runs (emergency cleanup).</summary>
    public static void KillAll()
    {
        foreach (var process in s_running.Values)
        {
            Kill(process);
        }
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
        }
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static string Tail(string text, int max) => text.Length <= max ? text : "…" + text[^max..];
}

internal sealed class BenchException(string message) : Exception(message);
