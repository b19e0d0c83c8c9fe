using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paas.Core.Scripting;
using Paas.Scripting;

namespace Paas.Bench;

/// <summary>
/// The per-execution cost of the sandbox, in this process: <see cref="JintScriptRunner.Run"/> of a trivial trigger, each
/// run timed on its own, against a C# delegate doing the same dictionary work. A fresh <see cref="ScriptGovernor"/> every
/// <see cref="RunsPerGovernor"/> runs keeps the transaction's CPU budget from running out (created outside the timing).
/// </summary>
internal static class SandboxBench
{
    public const int RunsPerGovernor = 1000;
    public const string TrivialCode = "ctx.records[0].x = 1;";

    public sealed record Timing(string Name, int Runs, double P50Us, double P90Us, double P99Us, double MeanUs, double BytesPerRun, int Gen0, int Gen1, int Gen2)
    {
        public string Summary =>
            $"p50 {Us(P50Us)}, p90 {Us(P90Us)}, p99 {Us(P99Us)}, mean {Us(MeanUs)} over {Format.N0(Runs)} runs; "
            + $"{Format.N0(BytesPerRun / 1024.0)} KB allocated per run; GCs gen0/1/2 {Gen0}/{Gen1}/{Gen2}";
    }

    public static string Us(double us) => us < 10 ? us.ToString("0.00", CultureInfo.InvariantCulture) + " µs" : Format.N0(us) + " µs";

    /// <summary>One small record, as a before-create trigger of a Deal sees it.</summary>
    public static Dictionary<string, object?> Record() => new(StringComparer.Ordinal)
    {
        ["id"] = "7d2c9a0e-1b4f-4c36-9a51-0f2e8d6b3c11",
        ["name"] = "Deal 000001",
        ["amount"] = 1250.50m,
        ["stage"] = "Prospecting",
        ["note"] = null,
        ["ownerId"] = "00000000-0000-0000-0000-00000000beef",
    };

    /// <summary>The brief's context: <c>ctx.records</c> holding one small record.</summary>
    public static Dictionary<string, object?> MinimalContext() => new(StringComparer.Ordinal)
    {
        ["records"] = new List<object?> { Record() },
    };

    /// <summary>The context as the write pipeline builds it for a batch of one (platform/Paas.Data/Scripting/RecordScripts.cs).</summary>
    public static Dictionary<string, object?> PipelineContext()
    {
        var record = Record();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = "Deal",
            ["event"] = "create",
            ["timing"] = "before",
            ["records"] = new List<object?> { record },
            ["old"] = null,
            ["user"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = "00000000-0000-0000-0000-00000000beef", ["name"] = "Bench Admin", ["email"] = "admin@bench.test", ["role"] = null,
            },
            ["record"] = record,
        };
    }

    /// <summary>A batch of <paramref name="count"/> Deal records as a before-create trigger of createDeals sees them (the validated inputs).</summary>
    public static Dictionary<string, object?> BatchContext(int count)
    {
        var context = PipelineContext();
        context.Remove("record");
        context["records"] = Enumerable.Range(1, count).Select(n => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = "Deal " + n.ToString("D6", CultureInfo.InvariantCulture),
            ["amount"] = 100 + n % 9_973 + 0.25m,
            ["stage"] = "Prospecting",
        }).ToList();
        return context;
    }

    /// <summary>The stamp trigger's read-back: every record has note = 'n-' + name.</summary>
    public static void CheckStamped(IReadOnlyDictionary<string, object?> readBack, int count)
    {
        if (readBack.GetValueOrDefault("records") is not List<object?> records || records.Count != count
            || !records.All(r => r is Dictionary<string, object?> d && d.GetValueOrDefault("name") is string name && d.GetValueOrDefault("note") as string == "n-" + name))
        {
            throw new BenchException("The stamp trigger did not set note = 'n-' + name on every record.");
        }
    }

    /// <summary>
    /// Runs <paramref name="code"/> through the sandbox: warm-up (at least <paramref name="warmups"/> runs and 2 s, so the
    /// JIT's tiers settle), then <paramref name="runs"/> runs each timed with <see cref="Stopwatch.GetTimestamp"/>.
    /// <paramref name="check"/> looks at every outcome, outside the timing.
    /// </summary>
    public static Timing Sandbox(string name, JintScriptRunner runner, string cacheKey, string code, IReadOnlyDictionary<string, object?> context,
        IReadOnlyList<string> readBack, IScriptHost? host, Action<ScriptOutcome> check, int warmups, int runs, int runsPerGovernor = RunsPerGovernor)
    {
        var source = new ScriptSource(cacheKey, name, code);
        var governor = new ScriptGovernor(ScriptLimits.Default);
        var used = 0;
        ScriptOutcome RunOnce()
        {
            return runner.Run(new ScriptExecution
            {
                Script = source,
                Kind = "trigger",
                Context = context,
                ReadBack = readBack,
                Host = host,
                Governor = governor,
            });
        }

        void NextGovernor()
        {
            if (++used >= runsPerGovernor)
            {
                governor = new ScriptGovernor(ScriptLimits.Default);
                used = 0;
            }
        }

        return Time(name, warmups, runs, () =>
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = RunOnce();
            var elapsed = Stopwatch.GetTimestamp() - started;
            check(outcome);
            NextGovernor();
            return elapsed;
        });
    }

    /// <summary>The same loop with a C# delegate doing the dictionary work of the trivial trigger: copy in, set x, copy out.</summary>
    public static Timing Baseline(IReadOnlyDictionary<string, object?> context, int warmups, int runs)
    {
        Func<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> trigger = ctx =>
        {
            var records = (IReadOnlyList<object?>)ctx["records"]!;
            var copy = new List<object?>(records.Count);
            foreach (var item in records)
            {
                var record = new Dictionary<string, object?>((IReadOnlyDictionary<string, object?>)item!, StringComparer.Ordinal);
                copy.Add(record);
            }

            ((Dictionary<string, object?>)copy[0]!)["x"] = 1.0;
            return new Dictionary<string, object?>(1, StringComparer.Ordinal) { ["records"] = copy };
        };

        return Time("C# delegate", warmups, runs, () =>
        {
            var started = Stopwatch.GetTimestamp();
            var result = trigger(context);
            var elapsed = Stopwatch.GetTimestamp() - started;
            CheckX(result);
            return elapsed;
        });
    }

    /// <summary>The outcome's ctx.records[0].x must be 1 (numbers come back from scripts as doubles).</summary>
    public static void CheckX(IReadOnlyDictionary<string, object?> readBack)
    {
        if (readBack.GetValueOrDefault("records") is not List<object?> { Count: 1 } records
            || records[0] is not Dictionary<string, object?> record || record.GetValueOrDefault("x") is not 1.0
            || record.GetValueOrDefault("name") is not "Deal 000001")
        {
            throw new BenchException("The trivial trigger did not set ctx.records[0].x = 1: " + JsonSerializer.Serialize(readBack));
        }
    }

    private static Timing Time(string name, int warmups, int runs, Func<long> once)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < warmups || warm.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            once();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var ticks = new long[runs];
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < runs; i++)
        {
            ticks[i] = once();
        }

        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)runs;
        var us = ticks.Select(t => t * 1_000_000.0 / Stopwatch.Frequency).OrderBy(t => t).ToList();
        return new Timing(name, runs, Stats.Median(us), Stats.Percentile(us, 90), Stats.Percentile(us, 99), us.Average(), bytes,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
    }

    /// <summary>A host whose db.* and log.* are installed but never called: what binding them costs per execution.</summary>
    public sealed class UnusedHost : IScriptHost
    {
        public IReadOnlyDictionary<string, object?>? Get(string objectApiName, string id) => throw Unused();

        public IReadOnlyList<IReadOnlyDictionary<string, object?>> Query(string objectApiName, IReadOnlyDictionary<string, object?> options) => throw Unused();

        public IReadOnlyDictionary<string, object?> Create(string objectApiName, IReadOnlyDictionary<string, object?> record) => throw Unused();

        public IReadOnlyDictionary<string, object?> Update(string objectApiName, string id, IReadOnlyDictionary<string, object?> changes) => throw Unused();

        public void Delete(string objectApiName, string id) => throw Unused();

        public void Log(string level, string message) => throw Unused();

        private static BenchException Unused() => new("The trivial trigger called the host.");
    }
}

/// <summary>The script figures: sandbox overhead in this process, bulk create with a before-trigger over HTTP, formula lists.</summary>
internal sealed partial class BenchRun
{
    private const int DealBatches = 10;
    private const int DealBatchSize = 1000;
    private const string StampTrigger = "stamp";
    private const string StampCode = "for (const r of ctx.records) { r.note = 'n-' + r.name; }";
    private static readonly string[] DealStages = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won"];

    private const string CreateDeals = "mutation($inputs: [DealCreateInput!]!) { createDeals(inputs: $inputs) { id } }";

    private int _dealNumber;
    private long _dealsStamped;

    /// <summary>Every script figure; in <c>--scripts</c> mode the whole run, else the end of a full run.</summary>
    private async Task ScriptsAsync(CancellationToken ct)
    {
        SandboxOverhead();
        await CreateDealAsync(ct);
        await BulkCreateWithTriggerAsync(ct);
        await FormulaListAsync(ct);
    }

    // ------------------------------------------------------------------ 1. sandbox overhead, in process

    private void SandboxOverhead()
    {
        var runs = options.Quick ? 10_000 : 20_000;
        var variantRuns = options.Quick ? 3_000 : 5_000;
        var runner = new JintScriptRunner();
        var minimal = SandboxBench.MinimalContext();
        var pipeline = SandboxBench.PipelineContext();
        var empty = new Dictionary<string, object?>(StringComparer.Ordinal);
        void CheckX(ScriptOutcome outcome) => SandboxBench.CheckX(outcome.ReadBack);
        void Nothing(ScriptOutcome outcome)
        {
            if (outcome.Result is not null || outcome.ReadBack.Count != 0)
            {
                throw new BenchException("The empty script returned something.");
            }
        }

        Log($"Sandbox (in this process, JintScriptRunner.Run, a fresh ScriptGovernor every {SandboxBench.RunsPerGovernor} runs, each run timed on its own after >= 2,000 warm-up runs and 2 s):");
        var trivial = SandboxBench.Sandbox("trivial", runner, "bench/trivial/1", SandboxBench.TrivialCode, minimal, ["records"], null, CheckX, 2_000, runs);
        Log($"    trivial trigger `{SandboxBench.TrivialCode}`, ctx.records = [1 record of 6 fields], read back records, no host: {trivial.Summary}");
        var baseline = SandboxBench.Baseline(minimal, 2_000, runs);
        Log($"    baseline, a C# delegate copying the record in and out and setting x: {baseline.Summary}");

        // Where the time goes: the fixed cost of an execution, then what the context, the read-back and the host add.
        var bare = SandboxBench.Sandbox("empty", runner, "bench/empty/1", "", empty, [], null, Nothing, 1_000, variantRuns);
        Log($"    empty script, empty ctx, no read-back, no host (engine + globals + governor): {bare.Summary}");
        var withContext = SandboxBench.Sandbox("empty", runner, "bench/empty/1", "", minimal, [], null, Nothing, 1_000, variantRuns);
        Log($"    empty script, the same ctx, no read-back (+ the record into JavaScript): {withContext.Summary}");
        var withHost = SandboxBench.Sandbox("trivial", runner, "bench/trivial/1", SandboxBench.TrivialCode, minimal, ["records"], new SandboxBench.UnusedHost(), CheckX, 1_000, variantRuns);
        Log($"    trivial trigger with a host (db.* and log.* bound, never called): {withHost.Summary}");
        var asPipeline = SandboxBench.Sandbox("trivial", runner, "bench/trivial/1", SandboxBench.TrivialCode, pipeline, ["records"], new SandboxBench.UnusedHost(), CheckX, 1_000, variantRuns);
        Log($"    trivial trigger as the write pipeline runs it (ctx with object, event, timing, records, old, user, record; read back records; host): {asPipeline.Summary}");

        // The bulk figure's trigger over one batch of 1,000 records, here without HTTP or the database: the sandbox's share of it.
        var batch = SandboxBench.BatchContext(DealBatchSize);
        var stamp = SandboxBench.Sandbox(StampTrigger, runner, "bench/stamp/1", StampCode, batch, ["records"], new SandboxBench.UnusedHost(),
            o => SandboxBench.CheckStamped(o.ReadBack, DealBatchSize), 100, options.Quick ? 100 : 300, runsPerGovernor: 50);
        Log($"    the bulk figure's trigger `{StampCode}` over {Format.N0(DealBatchSize)} records (name, amount, stage) with the pipeline's ctx and a host: "
            + $"p50 {Format.Ms(stamp.P50Us / 1000)}, p90 {Format.Ms(stamp.P90Us / 1000)} over {stamp.Runs} runs; {Format.N1(stamp.BytesPerRun / 1048576.0)} MB allocated per run");

        Add(new Figure("scripts: trivial trigger, per execution (sandbox, in process)", "p50 < 200 µs",
            $"p50 {SandboxBench.Us(trivial.P50Us)} (p90 {SandboxBench.Us(trivial.P90Us)}, p99 {SandboxBench.Us(trivial.P99Us)})",
            $"C# delegate p50 {SandboxBench.Us(baseline.P50Us)}", "-", trivial.P50Us < 200));
        Add(new Figure("scripts: the same as the write pipeline runs it (full ctx, host)", "p50 < 200 µs",
            $"p50 {SandboxBench.Us(asPipeline.P50Us)} (p90 {SandboxBench.Us(asPipeline.P90Us)}, p99 {SandboxBench.Us(asPipeline.P99Us)})",
            $"empty script p50 {SandboxBench.Us(bare.P50Us)}", "-", asPipeline.P50Us < 200));
    }

    // ------------------------------------------------------------------ 2. bulk create with a before-trigger, over HTTP

    private async Task CreateDealAsync(CancellationToken ct)
    {
        var values = "[" + string.Join(", ", DealStages.Select(v => "\"" + v + "\"")) + "]";
        await _server!.GraphQLAsync("/graphql/metadata", $$"""
            mutation {
              deal: createObject(input: {apiName: "Deal", label: "Deal"}) { apiName }
              amount: createField(input: {object: "Deal", apiName: "amount", label: "Amount", type: CURRENCY, precision: 18, scale: 2}) { apiName }
              stage: createField(input: {object: "Deal", apiName: "stage", label: "Stage", type: PICKLIST, values: {{values}}}) { apiName }
              note: createField(input: {object: "Deal", apiName: "note", label: "Note", type: TEXT, maxLength: 255}) { apiName }
            }
            """, null, ct);
        Log("Scripts: object Deal (name TEXT, amount CURRENCY(18,2), stage PICKLIST of 5, note TEXT) created through /graphql/metadata");
    }

    /// <summary>One phase: wall time (the figure), per batch, the trigger's cost, and the CPU the server and PostgreSQL used.</summary>
    private sealed record DealPhase(bool Trigger, double Ms, List<double> BatchMs, double ScriptMs, long Statements, double ServerCpuMs, double DbCpuMs)
    {
        public double CpuMs => ServerCpuMs + DbCpuMs;
    }

    private async Task BulkCreateWithTriggerAsync(CancellationToken ct)
    {
        var rounds = options.Quick ? 3 : 7;
        var server = _server!;

        // Warm-up: the create path without and with the trigger (JIT, the prepared script, the schema after each change).
        await DealPhaseAsync("warm", trigger: false, batches: DealBatches, ct);
        var deployed = await server.GraphQLAsync("/graphql/metadata", """
            mutation($input: DeployScriptInput!) { deployScript(input: $input) { apiName version active } }
            """, new Dictionary<string, object?>
        {
            ["input"] = new Dictionary<string, object?>
            {
                ["apiName"] = StampTrigger, ["kind"] = "TRIGGER", ["object"] = "Deal", ["timing"] = "BEFORE", ["events"] = new[] { "CREATE" }, ["code"] = StampCode,
            },
        }, ct);
        Require(deployed["deployScript"]!["active"]!.GetValue<bool>(), "the deployed trigger should be active");
        Log($"Scripts: before-create trigger '{StampTrigger}' deployed (version {deployed["deployScript"]!["version"]}): {StampCode}");
        var warm = await DealPhaseAsync("warm", trigger: true, batches: DealBatches, ct);
        Log($"Scripts: warm-up of {Format.N0(2 * DealBatches * DealBatchSize)} deals done (the phase with the trigger: batches {Batches(warm)})");
        // No ANALYZE of the new table: the read-back of createDeals takes its ids as one uuid array on PostgreSQL
        // (= ANY($1)), whose generic plan reads the primary key even before the table has statistics. (With an IN list of
        // 500 parameters the generic plan made while the table was tiny was a sequential scan, and batches grew from
        // ~20 ms to ~1 s by 60,000 rows until autovacuum analyzed the table.)

        // The figure: rounds of (no trigger, trigger), each phase 10 batches of 1,000 sent one after the other.
        var off = new List<DealPhase>();
        var on = new List<DealPhase>();
        for (var round = 1; round <= rounds; round++)
        {
            await SetStampAsync(false, ct);
            off.Add(await DealPhaseAsync($"r{round}", trigger: false, DealBatches, ct));
            await SetStampAsync(true, ct);
            on.Add(await DealPhaseAsync($"r{round}", trigger: true, DealBatches, ct));
            Log($"Scripts: round {round}: {Format.N0(DealBatches * DealBatchSize)} records without the trigger {Format.Ms(off[^1].Ms)} (batches {Batches(off[^1])}; {Cpu(off[^1])}), "
                + $"with it {Format.Ms(on[^1].Ms)} (batches {Batches(on[^1])}; {Cpu(on[^1])}; the trigger's own time in extensions.scriptCost {Format.Ms(on[^1].ScriptMs)}, {Format.N0(on[^1].Statements)} statements)");
        }

        // Every deal created while the trigger was active has a note, every other one none.
        var counts = await server.GraphQLAsync("/graphql", """
            query { all: deals(first: 1) { totalCount } noted: deals(first: 1, filter: {note: {isNull: false}}) { totalCount } }
            """, null, ct);
        var stored = counts["all"]!["totalCount"]!.GetValue<long>();
        var noted = counts["noted"]!["totalCount"]!.GetValue<long>();
        Require(stored == _dealNumber, $"{_dealNumber} deals should be stored, found {stored}");
        Require(noted == _dealsStamped, $"{_dealsStamped} deals were created with the trigger active and should have a note; {noted} have one");

        var offMs = Stats.Median(off.Select(p => p.Ms).OrderBy(x => x).ToList());
        var onMs = Stats.Median(on.Select(p => p.Ms).OrderBy(x => x).ToList());
        var scriptMs = Stats.Median(on.Select(p => p.ScriptMs).OrderBy(x => x).ToList());
        var ratio = onMs / offMs;
        var records = DealBatches * DealBatchSize;
        var offBatch = Stats.Median(off.SelectMany(p => p.BatchMs).OrderBy(x => x).ToList());
        var onBatch = Stats.Median(on.SelectMany(p => p.BatchMs).OrderBy(x => x).ToList());
        Log($"Scripts: median batch of {DealBatchSize} over all rounds: without the trigger {Format.Ms(offBatch)}, with it {Format.Ms(onBatch)} (ratio {Format.F2(onBatch / offBatch)})");
        var offCpu = Stats.Median(off.Select(p => p.CpuMs).OrderBy(x => x).ToList());
        var onCpu = Stats.Median(on.Select(p => p.CpuMs).OrderBy(x => x).ToList());
        Log($"Scripts: CPU of the server{(Pg ? " + PostgreSQL" : "")} per 10,000 records, median of the rounds: without the trigger {Format.Ms(offCpu)}, with it {Format.Ms(onCpu)} "
            + $"(ratio {Format.F2(onCpu / offCpu)}; less disturbed by other work on the machine than the wall time)");
        Log($"Scripts: bulk create of {Format.N0(records)} in batches of {DealBatchSize}, median of {rounds} rounds: without trigger {Format.Ms(offMs)} ({Format.N0(records / (offMs / 1000))} records/s), "
            + $"with it {Format.Ms(onMs)} ({Format.N0(records / (onMs / 1000))} records/s); difference {Format.Ms(onMs - offMs)}, of which the trigger's executions "
            + $"{Format.Ms(scriptMs)} ({Format.Ms(scriptMs / DealBatches)} per batch of {DealBatchSize}: sandbox, records in and out of JavaScript, the loop); "
            + $"{Format.N0(stored)} deals stored in all, the {Format.N0(noted)} created with the trigger active have a note");
        Add(new Figure($"scripts: {Format.N0(records)} records via createDeals with a before-trigger", "<= 1.5 x without",
            $"{Format.Ms(onMs)} (trigger {Format.Ms(scriptMs)})", $"no trigger {Format.Ms(offMs)}", Format.F2(ratio), ratio <= 1.5));
    }

    private string Cpu(DealPhase phase) =>
        Pg ? $"CPU server {Format.Ms(phase.ServerCpuMs)} + PostgreSQL {Format.Ms(phase.DbCpuMs)}" : $"server CPU {Format.Ms(phase.ServerCpuMs)}";

    /// <summary>CPU time used so far by the server process and by PostgreSQL (the postmaster and its live children).</summary>
    private (double Server, double Db) CpuNow()
    {
        var server = ProcessCpuMs(_server!.ProcessId);
        if (!Pg)
        {
            return (server, 0);
        }

        var postmaster = int.Parse(File.ReadLines(Path.Combine(_pg!.DataDirectory, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);
        var db = ProcessCpuMs(postmaster);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) == postmaster)
            {
                db += ProcessCpuMs(pid);
            }
        }

        return (server, db);
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }

    private static double ProcessCpuMs(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime.TotalMilliseconds;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return 0;
        }
    }

    private static string Batches(DealPhase phase) =>
        $"min {Format.Ms(phase.BatchMs.Min())}, median {Format.Ms(Stats.Median(phase.BatchMs.OrderBy(x => x).ToList()))}, max {Format.Ms(phase.BatchMs.Max())}";

    private async Task SetStampAsync(bool active, CancellationToken ct)
    {
        var mutation = active ? "enableScript" : "disableScript";
        var changed = await _server!.GraphQLAsync("/graphql/metadata", $"mutation {{ {mutation}(apiName: \"{StampTrigger}\") {{ active }} }}", null, ct);
        Require(changed[mutation]!["active"]!.GetValue<bool>() == active, $"{mutation} should leave the trigger {(active ? "active" : "inactive")}");

        // One small untimed batch: it builds the data schema of the new metadata version and caches the mutation's document,
        // and shows the change took effect (the trigger's cost is reported, or not).
        await DealPhaseAsync("switch", active, batches: 1, ct, size: 100);
    }

    /// <summary>
    /// Sends <paramref name="batches"/> createDeals mutations of <paramref name="size"/> new records one after the other
    /// (bodies built before the clock starts), checks every answer and the trigger's cost in <c>extensions.scriptCost</c>,
    /// then reads the last record back: its note is <c>n-</c> + name with the trigger, null without.
    /// </summary>
    private async Task<DealPhase> DealPhaseAsync(string tag, bool trigger, int batches, CancellationToken ct, int size = DealBatchSize)
    {
        var server = _server!;
        var bodies = new List<(string Body, string LastName)>(batches);
        for (var b = 0; b < batches; b++)
        {
            var inputs = new List<Dictionary<string, object?>>(size);
            for (var i = 0; i < size; i++)
            {
                var n = ++_dealNumber;
                inputs.Add(new Dictionary<string, object?>
                {
                    ["name"] = $"Deal {tag}{(trigger ? "t" : "n")} {n.ToString("D6", CultureInfo.InvariantCulture)}",
                    ["amount"] = 100 + n % 9_973 + 0.25m,
                    ["stage"] = DealStages[n % DealStages.Length],
                });
            }

            bodies.Add((PlatformServer.Body(CreateDeals, new Dictionary<string, object?> { ["inputs"] = inputs }), (string)inputs[^1]["name"]!));
        }

        var times = new List<double>(batches);
        var cpuBefore = CpuNow();
        double scriptMs = 0;
        long statements = 0;
        string lastId = "";
        foreach (var (body, _) in bodies)
        {
            var started = Stopwatch.GetTimestamp();
            var (ok, data, text) = await server.TryGraphQLAsync("/graphql", body, ct);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!ok)
            {
                throw new BenchException($"createDeals ({tag}, trigger {(trigger ? "on" : "off")}) failed: {Proc.Tail(text, 2000)}");
            }

            var created = data!["createDeals"]!.AsArray();
            Require(created.Count == size, $"createDeals should return {size} records, got {created.Count}");
            lastId = created[^1]!["id"]!.GetValue<string>();
            var costs = (JsonNode.Parse(text)?["extensions"]?["scriptCost"] as JsonArray ?? []).Where(c => c?["script"]?.GetValue<string>() == StampTrigger).ToList();
            Require(costs.Count == (trigger ? 1 : 0), $"extensions.scriptCost should list the trigger {(trigger ? "once" : "not at all")} per batch, listed it {costs.Count} time(s): {Proc.Tail(text, 300)}");
            scriptMs += costs.Sum(c => c!["timeMs"]!.GetValue<double>());
            statements += costs.Sum(c => c!["statements"]!.GetValue<long>());
        }

        var cpuAfter = CpuNow();
        if (trigger)
        {
            _dealsStamped += (long)batches * size;
        }

        var read = (await server.GraphQLAsync("/graphql", "query($id: ID!) { deal(id: $id) { name note } }", new Dictionary<string, object?> { ["id"] = lastId }, ct))["deal"]!;
        var name = read["name"]!.GetValue<string>();
        var note = read["note"]?.GetValue<string>();
        Require(name == bodies[^1].LastName, $"the last deal read back should be {bodies[^1].LastName}, is {name}");
        Require(trigger ? note == "n-" + name : note is null, $"deal {name} should have note {(trigger ? "n-" + name : "null")}, has {note ?? "null"}");
        return new DealPhase(trigger, times.Sum(), times, scriptMs, statements, cpuAfter.Server - cpuBefore.Server, cpuAfter.Db - cpuBefore.Db);
    }

    private static string Head(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    // ------------------------------------------------------------------ 3. a list with a formula field

    private const string FormulaField = "amountWithTax";
    private const string FormulaExpression = "ROUND(amount * 1.2, 2)";
    private const int FormulaListSize = 500;

    /// <summary>
    /// "A list of 500 records with one SQL-compiled formula field <= 1.2 x the same list without it": measured only when
    /// createField accepts a FORMULA field (FORMULA with formula/returnType; the platform accepts only formulas it compiles
    /// to SQL). While the metadata API refuses it, the figure is printed as not measured, with the API's answer.
    /// </summary>
    private async Task FormulaListAsync(CancellationToken ct)
    {
        const string name = "scripts: list of 500 with one SQL-compiled FORMULA field";
        const string target = "<= 1.2 x without";
        var server = _server!;
        var (ok, _, text) = await server.TryGraphQLAsync("/graphql/metadata", PlatformServer.Body($$"""
            mutation { createField(input: {object: "Deal", apiName: "{{FormulaField}}", label: "Amount with tax", type: FORMULA,
              formula: "{{FormulaExpression}}", returnType: CURRENCY, scale: 2}) { apiName } }
            """), ct);
        if (!ok)
        {
            var message = ErrorMessage(text);
            Log($"Scripts: createField with type FORMULA was refused, so the formula list is not measured: {Head(message, 300)}");
            Add(new Figure(name, target, "not measured: FORMULA fields not available", "createField: " + Head(message, 70), "-", null));
            return;
        }

        Log($"Scripts: FORMULA field Deal.{FormulaField} = {FormulaExpression} (CURRENCY, scale 2) created");
        var selection = "id name amount stage";
        var plainBody = PlatformServer.Body($"query {{ deals(first: {FormulaListSize}, orderBy: [{{name: ASC}}]) {{ nodes {{ {selection} }} }} }}");
        var formulaBody = PlatformServer.Body($"query {{ deals(first: {FormulaListSize}, orderBy: [{{name: ASC}}]) {{ nodes {{ {selection} {FormulaField} }} }} }}");

        // The answer: 500 records, every formula value right, and no sandbox execution (a SQL-compiled formula runs none).
        var (formulaOk, data, answer) = await server.TryGraphQLAsync("/graphql", formulaBody, ct);
        if (!formulaOk)
        {
            throw new BenchException("The list with the formula field failed: " + Proc.Tail(answer, 2000));
        }

        var nodes = data!["deals"]!["nodes"]!.AsArray();
        Require(nodes.Count == FormulaListSize, $"the list should have {FormulaListSize} deals, has {nodes.Count}");
        foreach (var node in nodes)
        {
            var amount = node!["amount"]!.GetValue<decimal>();
            var value = node[FormulaField]?.GetValue<decimal>();
            Require(value == Math.Round(amount * 1.2m, 2, MidpointRounding.AwayFromZero), $"{FormulaField} of {node["name"]} should be {amount} * 1.2, is {value?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
        }

        Require(JsonNode.Parse(answer)?["extensions"]?["scriptCost"] is not JsonArray { Count: > 0 }, "a SQL-compiled formula should run no script: " + Proc.Tail(answer, 300));
        Log($"Scripts: list of {FormulaListSize} with {FormulaField} checked (every value = amount * 1.2, no script executions)");

        // One client, one request at a time, alternating. The baseline is the same list with a stored CURRENCY field in the
        // formula's place (amount again, under an alias: five values per record either way), so the ratio is what computing the
        // formula costs; the list without a fifth field is measured too (that ratio also counts the extra field's output).
        var storedBody = PlatformServer.Body($"query {{ deals(first: {FormulaListSize}, orderBy: [{{name: ASC}}]) {{ nodes {{ {selection} amountAgain: amount }} }} }}");
        var plain = new List<double>();
        var stored = new List<double>();
        var formula = new List<double>();
        if (Pg)
        {
            await ResetStatementsAsync(ct);
        }

        // Alternating rounds, each figure the median of its rounds' medians: one client's latency on a shared 2-core
        // machine moves by a third between runs of a few seconds.
        var listRounds = options.Quick ? 2 : 6;
        for (var round = 0; round < listRounds; round++)
        {
            plain.Add((await SequentialLatencyAsync(plainBody, ct)).Median);
            stored.Add((await SequentialLatencyAsync(storedBody, ct)).Median);
            formula.Add((await SequentialLatencyAsync(formulaBody, ct)).Median);
        }

        double MedianOf(List<double> values) => Stats.Median(values.OrderBy(v => v).ToList());
        var ratio = MedianOf(formula) / MedianOf(stored);
        var ratioPlain = MedianOf(formula) / MedianOf(plain);
        Log($"Scripts: list of {FormulaListSize} ({selection} + …), median latency of one client in {listRounds} alternating rounds: with {FormulaField} {string.Join(" / ", formula.Select(Format.Ms))}, "
            + $"with a stored CURRENCY field instead {string.Join(" / ", stored.Select(Format.Ms))}, without a fifth field {string.Join(" / ", plain.Select(Format.Ms))} "
            + $"→ formula / stored field {Format.F2(ratio)}, formula / no fifth field {Format.F2(ratioPlain)}");
        if (Pg)
        {
            // The database's share: the list statement with and without the formula's expression (pg_stat_statements).
            var rows = await _pg!.QueryAsync(Database, $"""
                SELECT s.calls, s.mean_exec_time, s.query LIKE '%ROUND(%' FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = '{Database}' AND s.query LIKE '%"o_deal"%LIMIT%' ORDER BY s.calls DESC
                """, ct);
            Log("Scripts: list statements in PostgreSQL: " + string.Join("; ", rows.Select(r =>
                $"{((bool)r[2]! ? "with the formula" : "without")} {Convert.ToInt64(r[0], CultureInfo.InvariantCulture)} calls, mean {Format.Ms(Convert.ToDouble(r[1], CultureInfo.InvariantCulture))}"))
                + (rows.Any(r => (bool)r[2]!) ? "" : " (no list statement computes the formula: plain arithmetic over the record's own numbers is computed after the read from the fields it uses; filters and sorts on it use its SQL)"));
        }

        Add(new Figure(name + " (vs a stored field)", target.Replace("without", "stored field", StringComparison.Ordinal), Format.Ms(MedianOf(formula)),
            $"stored CURRENCY field {Format.Ms(MedianOf(stored))}", Format.F2(ratio), ratio <= 1.2));
        Add(new Figure(name + " (vs no such field)", target, Format.Ms(MedianOf(formula)), $"4 fields only {Format.Ms(MedianOf(plain))}", Format.F2(ratioPlain), ratioPlain <= 1.2));
    }

    private static string ErrorMessage(string text)
    {
        try
        {
            var json = text.StartsWith("HTTP ", StringComparison.Ordinal) ? text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..] : text;
            return JsonNode.Parse(json)?["errors"]?[0]?["message"]?.GetValue<string>() ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
