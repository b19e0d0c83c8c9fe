using System.Globalization;
using System.Text.RegularExpressions;

namespace Paas.Bench;

internal sealed record WrkResult(double RequestsPerSecond, long Requests, double AvgLatencyMs, double P50Ms, double P99Ms, long Non2xx, long SocketErrors, long GraphQLErrors, double Seconds)
{
    public bool Clean => Non2xx == 0 && SocketErrors == 0 && GraphQLErrors == 0;

    public string Problems => Clean ? "" : $"non-2xx {Non2xx}, socket errors {SocketErrors}, GraphQL errors {GraphQLErrors}";
}

internal sealed record PgBenchResult(double Tps, long Transactions, double AvgLatencyMs, long Failed);

/// <summary>wrk (HTTP load) and pgbench (the raw SQL baseline), with the same connections, threads and duration.</summary>
internal static partial class LoadTools
{
    public const int Connections = 32;
    public const int Threads = 2;

    public static string WrkPath() => File.Exists("/usr/bin/wrk") ? "/usr/bin/wrk" : Proc.FindOnPath("wrk")
        ?? throw new BenchException("wrk is missing: install it with `apt-get install -y wrk` (run `apt-get update` first if that fails).");

    public static string PgBenchPath(PostgresInstance pg) =>
        File.Exists("/usr/bin/pgbench") ? "/usr/bin/pgbench" : pg.Tool("pgbench");

    /// <summary>
    /// POSTs <paramref name="body"/> to the GraphQL endpoint for <paramref name="seconds"/> with 32 connections on 2 threads.
    /// The script also counts answers that are not 200 or that carry GraphQL errors.
    /// </summary>
    public static async Task<WrkResult> WrkAsync(string workDirectory, string url, string adminKey, string name, string body, int seconds, CancellationToken ct)
    {
        var bodyFile = Path.Combine(workDirectory, $"wrk-{name}.json");
        await File.WriteAllTextAsync(bodyFile, body, ct);
        var script = Path.Combine(workDirectory, $"wrk-{name}.lua");
        await File.WriteAllTextAsync(script, $$"""
            local f = assert(io.open("{{bodyFile}}", "rb"))
            local payload = f:read("*a")
            f:close()
            wrk.method = "POST"
            wrk.body = payload
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer {{adminKey}}"

            local threads = {}
            function setup(thread)
              table.insert(threads, thread)
            end

            function init(args)
              bad = 0
            end

            function response(status, headers, body)
              if status ~= 200 or string.find(body, '"errors"', 1, true) then
                bad = bad + 1
              end
            end

            function done(summary, latency, requests)
              local total = 0
              for _, t in ipairs(threads) do
                total = total + (t:get("bad") or 0)
              end
              io.write(string.format("BENCH_GRAPHQL_ERRORS %d\n", total))
            end
            """, ct);

        var result = await Proc.RunAsync(WrkPath(),
            ["-t", Threads.ToString(CultureInfo.InvariantCulture), "-c", Connections.ToString(CultureInfo.InvariantCulture),
             "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s", "--timeout", "30s", "--latency", "-s", script, url],
            TimeSpan.FromSeconds(seconds + 120), ct);
        result.EnsureSuccess();
        var text = result.StdOut;
        var rps = Double(RequestsPerSecondRegex(), text) ?? throw new BenchException("Could not read wrk's output:" + Environment.NewLine + result.Output);
        var requests = (long)(Double(RequestsRegex(), text) ?? 0);
        var duration = Latency(DurationRegex().Match(text) is { Success: true } d ? d.Groups[1].Value + d.Groups[2].Value : "0s") / 1000;
        var latency = LatencyRegex().Match(text) is { Success: true } m ? Latency(m.Groups[1].Value + m.Groups[2].Value) : double.NaN;
        var p50 = PercentileRegex("50").Match(text) is { Success: true } p ? Latency(p.Groups[1].Value + p.Groups[2].Value) : double.NaN;
        var p99 = PercentileRegex("99").Match(text) is { Success: true } q ? Latency(q.Groups[1].Value + q.Groups[2].Value) : double.NaN;
        var non2xx = (long)(Double(Non2xxRegex(), text) ?? 0);
        var socket = SocketErrorsRegex().Match(text) is { Success: true } s
            ? Enumerable.Range(1, 4).Sum(i => long.Parse(s.Groups[i].Value, CultureInfo.InvariantCulture))
            : 0;
        var graphqlErrors = (long)(Double(GraphQLErrorsRegex(), text) ?? 0);
        return new WrkResult(rps, requests, latency, p50, p99, non2xx, socket, graphqlErrors, duration);
    }

    /// <summary>Runs the SQL script with pgbench: prepared statements, 32 clients on 2 threads, no vacuum.</summary>
    public static async Task<PgBenchResult> PgBenchAsync(PostgresInstance pg, string database, string workDirectory, string name, string sql, int seconds, CancellationToken ct)
    {
        var script = Path.Combine(workDirectory, $"pgbench-{name}.sql");
        await File.WriteAllTextAsync(script, sql, ct);
        var result = await Proc.RunAsync(PgBenchPath(pg),
            ["-h", "127.0.0.1", "-p", pg.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
             "-c", Connections.ToString(CultureInfo.InvariantCulture), "-j", Threads.ToString(CultureInfo.InvariantCulture),
             "-T", seconds.ToString(CultureInfo.InvariantCulture), "-n", "-f", script, "-M", "prepared", database],
            TimeSpan.FromSeconds(seconds + 120), ct);
        result.EnsureSuccess();
        var text = result.StdOut;
        var tps = Double(TpsRegex(), text) ?? throw new BenchException("Could not read pgbench's output:" + Environment.NewLine + result.Output);
        var transactions = (long)(Double(TransactionsRegex(), text) ?? 0);
        var latency = Double(PgLatencyRegex(), text) ?? double.NaN;
        var failed = (long)(Double(FailedRegex(), text) ?? 0);
        return new PgBenchResult(tps, transactions, latency, failed);
    }

    private static double? Double(Regex regex, string text) =>
        regex.Match(text) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>wrk's latency text (e.g. 812.00us, 12.34ms, 1.02s, 1.5m) in milliseconds.</summary>
    private static double Latency(string value)
    {
        var m = UnitRegex().Match(value);
        if (!m.Success)
        {
            return double.NaN;
        }

        var number = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => number / 1000,
            "ms" => number,
            "s" => number * 1000,
            "m" => number * 60_000,
            "h" => number * 3_600_000,
            _ => double.NaN,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecondRegex();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsRegex();

    [GeneratedRegex(@"requests in ([\d.]+)(us|ms|s|m|h),")]
    private static partial Regex DurationRegex();

    [GeneratedRegex(@"Latency\s+([\d.]+)(us|ms|s|m|h)")]
    private static partial Regex LatencyRegex();

    private static Regex PercentileRegex(string p) => new(@"\s" + p + @"%\s+([\d.]+)(us|ms|s|m|h)");

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxRegex();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsRegex();

    [GeneratedRegex(@"BENCH_GRAPHQL_ERRORS (\d+)")]
    private static partial Regex GraphQLErrorsRegex();

    [GeneratedRegex(@"^([\d.]+)(us|ms|s|m|h)$")]
    private static partial Regex UnitRegex();

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex TpsRegex();

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex TransactionsRegex();

    [GeneratedRegex(@"latency average = ([\d.]+) ms")]
    private static partial Regex PgLatencyRegex();

    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedRegex();
}
