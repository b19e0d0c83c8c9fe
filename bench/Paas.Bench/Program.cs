using System.Globalization;
using Paas.Bench;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
var run = new BenchRun(options);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Console.Error.WriteLine("Cancelling: stopping child processes and removing temp folders…");
    cancel.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => run.Cleanup();

// SIGTERM (e.g. `kill`, or a background run whose SIGINT is ignored) ends the run the same way as Ctrl+C.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    Console.Error.WriteLine("Terminating: stopping child processes and removing temp folders…");
    cancel.Cancel();
});

try
{
    var allPassed = await run.ExecuteAsync(cancel.Token);
    return allPassed ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (BenchException e)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine("The benchmark could not complete: " + e.Message);
    run.PrintPartial();
    return 2;
}
finally
{
    run.Cleanup();
}

namespace Paas.Bench
{
    internal sealed record BenchOptions(string Provider, bool Quick, bool Keep, bool Scripts = false, bool Workflows = false,
        IReadOnlySet<string>? Only = null, bool Hold = false)
    {
        /// <summary>The query figures <c>--only</c> may name.</summary>
        public static readonly string[] Queries = ["Q1", "Q2", "Q3", "Q4", "Q5"];

        public const string Usage = """
            Usage: dotnet run -c Release --project bench/Paas.Bench -- [--provider Postgres|Sqlite] [--quick] [--scripts] [--workflows] [--only Q1,..] [--keep] [--hold]
              --provider  database engine of the platform (default Postgres; Sqlite has no pgbench/COPY baseline)
              --quick     3 s per load run instead of 10 s, one platform/baseline pair per query instead of 3 (about 3 minutes in all)
              --scripts   only the script figures (sandbox overhead, bulk create with a trigger, a list with a formula field), about 1 minute; no wrk or pgbench needed
              --workflows only the workflow figures (two-step approvals through the API with the worker running, throughput at 1,000 and
                          100,000 completed instances, 10,000 timers), about 2 minutes; no wrk or pgbench needed; --quick has no effect
              --keep      keep the temp folder (server log, CSV files, scripts) instead of deleting it
              --only Q2,Q4  after the load, only these query figures (Q1..Q5); no memory, schema or script figures
              --hold      at the end, keep the server and database running (their address, key and process id are printed)
                          until Ctrl+C, e.g. to profile the server under wrk
            Exit code: 0 when every figure passes, 1 when some fail, 2 when the run could not complete.
            """;

        public bool IsPostgres => Provider == "Postgres";

        /// <summary>Whether the query figure <paramref name="query"/> (Q1..Q5) runs.</summary>
        public bool Runs(string query) => Only is null || Only.Contains(query);

        /// <summary>Seconds of each measured wrk/pgbench run.</summary>
        public int Seconds => Quick ? 3 : 10;

        /// <summary>Platform/baseline pairs per compared query; the figure is the median of their ratios.</summary>
        public int Pairs => Quick ? 1 : 3;

        /// <summary>Seconds of the warm-up run before each measured run.</summary>
        public int WarmupSeconds => Quick ? 4 : 10;

        public static BenchOptions? Parse(string[] args)
        {
            var provider = "Postgres";
            bool quick = false, keep = false, scripts = false, workflows = false, hold = false;
            HashSet<string>? only = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--provider" when i + 1 < args.Length:
                        provider = args[++i];
                        break;
                    case var a when a.StartsWith("--provider=", StringComparison.Ordinal):
                        provider = a["--provider=".Length..];
                        break;
                    case "--quick":
                        quick = true;
                        break;
                    case "--keep":
                        keep = true;
                        break;
                    case "--scripts":
                        scripts = true;
                        break;
                    case "--workflows":
                        workflows = true;
                        break;
                    case "--hold":
                        hold = true;
                        break;
                    case "--only" when i + 1 < args.Length:
                        only = args[++i].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                            .Select(q => q.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
                        if (only.Count == 0 || !only.IsSubsetOf(Queries))
                        {
                            return null;
                        }

                        break;
                    default:
                        return null;
                }
            }

            provider = provider.ToUpperInvariant() switch
            {
                "POSTGRES" or "POSTGRESQL" => "Postgres",
                "SQLITE" => "Sqlite",
                _ => "",
            };
            return provider.Length == 0 || (scripts && workflows) || (only is not null && (scripts || workflows))
                ? null
                : new BenchOptions(provider, quick, keep, scripts, workflows, only, hold);
        }
    }

    internal static class Format
    {
        public static string N0(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

        public static string N1(double v) => v.ToString("N1", CultureInfo.InvariantCulture);

        public static string F2(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

        public static string Ms(double v) => v < 10 ? v.ToString("0.00", CultureInfo.InvariantCulture) + " ms" : v.ToString("N0", CultureInfo.InvariantCulture) + " ms";
    }
}
