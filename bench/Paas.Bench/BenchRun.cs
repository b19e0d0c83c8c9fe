using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Paas.Bench;

/// <summary>One figure of the final table.</summary>
internal sealed record Figure(string Name, string Target, string Measured, string Baseline, string Ratio, bool? Pass)
{
    public string Verdict => Pass switch { true => "PASS", false => "FAIL", null => "n/a" };
}

/// <summary>A statement as pg_stat_statements saw it (constants and parameters normalised to $n).</summary>
internal sealed record SeenStatement(string Query, long Calls);

/// <summary>The whole benchmark: setup, load, queries, schema, memory, the final table, and cleanup.</summary>
internal sealed partial class BenchRun(BenchOptions options)
{
    public const int AccountCount = 10_000;
    public const int OpportunityCount = 200_000;
    public const int ImportBatchSize = 1000;
    private const string Database = "bench";
    private const string Schema = "\"tenant_bench\"";
    private const string Stage = "Negotiation";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly List<Figure> _figures = [];
    private readonly List<string> _notes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _cleaned;
    private string _workDirectory = "";
    private PostgresInstance? _pg;
    private PlatformServer? _server;

    private bool Pg => options.IsPostgres;

    // ------------------------------------------------------------------ the run

    public async Task<bool> ExecuteAsync(CancellationToken ct)
    {
        PrintHeader();
        ReapLeftovers();
        _workDirectory = Path.Combine(Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath(), "paas-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_workDirectory);
        await File.WriteAllTextAsync(Path.Combine(_workDirectory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        Log($"Work folder {_workDirectory}{(options.Keep ? " (kept)" : " (deleted at the end)")}");

        string connectionString;
        if (Pg)
        {
            _pg = await PostgresInstance.StartAsync(Path.Combine(_workDirectory, "pg"), Log, ct);
            if (!options.Scripts && !options.Workflows)
            {
                LoadTools.PgBenchPath(_pg);
            }

            await _pg.CreateDatabaseAsync(Database, ct);
            connectionString = $"Host=127.0.0.1;Port={_pg.Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={Database}";
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(_workDirectory, "sqlite"));
            connectionString = $"Data Source={Path.Combine(_workDirectory, "sqlite", "paas.db")}";
        }

        if (!options.Scripts && !options.Workflows)
        {
            LoadTools.WrkPath();
        }

        var repoRoot = FindRepoRoot();
        _server = await PlatformServer.StartAsync(repoRoot, Configuration, options.Provider, connectionString, _workDirectory, Log, ct);
        if (options.Scripts)
        {
            // --scripts: only the tenant-script figures (ScriptBench.cs), on an empty tenant.
            await ScriptsAsync(ct);
            return await FinishAsync(ct);
        }

        if (options.Workflows)
        {
            // --workflows: only the workflow figures (WorkflowBench.cs), on an empty tenant.
            await WorkflowsAsync(ct);
            return await FinishAsync(ct);
        }

        await CreateMetadataAsync(ct);
        await LoadAsync(ct);
        if (Pg)
        {
            // Autovacuum would do this within a minute of the load; doing it here makes the plans the same on every run.
            foreach (var table in new[] { "o_account", "o_opportunity" })
            {
                await _pg!.ExecuteAsync(Database, $"VACUUM ANALYZE {Schema}.\"{table}\"", ct);
            }

            Log("VACUUM ANALYZE of both tables done");
        }

        await RunQueriesAsync(ct);
        if (options.Only is not null)
        {
            return await FinishAsync(ct);
        }

        var (rss, peak) = _server.Memory();
        Add(new Figure("memory: server RSS after load + queries", "< 400 MB", $"{Format.N0(rss / 1024.0)} MB (peak {Format.N0(peak / 1024.0)} MB)", "-", "-", rss / 1024.0 < 400));
        Log($"Server memory: VmRSS {Format.N0(rss / 1024.0)} MB, VmHWM (peak) {Format.N0(peak / 1024.0)} MB");

        await SchemaAsync(ct);
        await ScriptsAsync(ct);
        return await FinishAsync(ct);
    }

    /// <summary>Prints the table; with <c>--hold</c> keeps the server and database up until Ctrl+C.</summary>
    private async Task<bool> FinishAsync(CancellationToken ct)
    {
        PrintTable();
        if (options.Hold)
        {
            Console.WriteLine();
            Console.WriteLine($"Holding (Ctrl+C ends): server {_server!.BaseUrl} (pid {_server.ProcessId.ToString(CultureInfo.InvariantCulture)}), admin key {_server.AdminKey}"
                + (_pg is null ? "" : $", PostgreSQL port {_pg.Port.ToString(CultureInfo.InvariantCulture)} database {Database}") + $", work folder {_workDirectory}");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return _figures.All(f => f.Pass != false);
    }

    // ------------------------------------------------------------------ setup

    private async Task CreateMetadataAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        string Values(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(v => "\"" + v + "\"")) + "]";
        await _server!.GraphQLAsync("/graphql/metadata", $$"""
            mutation {
              account: createObject(input: {apiName: "Account", label: "Account"}) { apiName }
              industry: createField(input: {object: "Account", apiName: "industry", label: "Industry", type: PICKLIST, values: {{Values(DataGenerator.Industries)}}}) { apiName }
              city: createField(input: {object: "Account", apiName: "city", label: "City", type: TEXT, maxLength: 80}) { apiName }
              code: createField(input: {object: "Account", apiName: "code", label: "Code", type: TEXT, unique: true, maxLength: 20}) { apiName }
              opportunity: createObject(input: {apiName: "Opportunity", label: "Opportunity", pluralLabel: "Opportunities"}) { apiName }
              lookup: createField(input: {object: "Opportunity", apiName: "account", label: "Account", type: LOOKUP, target: "Account"}) { apiName }
              stage: createField(input: {object: "Opportunity", apiName: "stage", label: "Stage", type: PICKLIST, values: {{Values(DataGenerator.Stages)}}}) { apiName }
              amount: createField(input: {object: "Opportunity", apiName: "amount", label: "Amount", type: CURRENCY, precision: 18, scale: 2}) { apiName }
              probability: createField(input: {object: "Opportunity", apiName: "probability", label: "Probability", type: INTEGER}) { apiName }
              closeDate: createField(input: {object: "Opportunity", apiName: "closeDate", label: "Close date", type: DATE}) { apiName }
            }
            """, null, ct);
        var indexes = await _server.GraphQLAsync("/graphql/metadata", """
            mutation {
              stageAmount: createIndex(input: {object: "Opportunity", fields: [{field: "stage"}, {field: "amount", direction: DESC}, {field: "id"}]}) { name }
              amount: createIndex(input: {object: "Opportunity", fields: [{field: "amount", direction: DESC}, {field: "id"}]}) { name }
              accountAmount: createIndex(input: {object: "Opportunity", fields: [{field: "account"}, {field: "amount", direction: DESC}, {field: "id"}]}) { name }
              accountName: createIndex(input: {object: "Account", fields: [{field: "name"}, {field: "id"}]}) { name }
            }
            """, null, ct);
        var objects = await _server.GraphQLAsync("/graphql/metadata", "query { objects { apiName fields { apiName } } }", null, ct);
        var summary = string.Join("; ", objects["objects"]!.AsArray().Select(o =>
            o!["apiName"]!.GetValue<string>() + "(" + string.Join(", ", o["fields"]!.AsArray().Select(f => f!["apiName"]!.GetValue<string>())) + ")"));
        Log($"Metadata created in {watch.ElapsedMilliseconds} ms through /graphql/metadata: {summary}");
        Log("Indexes (createIndex): " + string.Join(", ", indexes.AsObject().Select(kv => kv.Value!["name"]!.GetValue<string>())));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var accountsCsv = Path.Combine(_workDirectory, "accounts.csv");
        DataGenerator.WriteAccounts(accountsCsv, AccountCount);
        var accounts = await _server!.ImportAsync("Account", accountsCsv, ImportBatchSize, ct);
        if (accounts.Created != AccountCount || accounts.Failed != 0)
        {
            throw new BenchException($"Account import created {accounts.Created} and failed {accounts.Failed} rows: {accounts.FirstErrors}");
        }

        Log($"Imported {Format.N0(AccountCount)} accounts in {Format.Ms(accounts.Wall.TotalMilliseconds)} (POST /import/Account, batchSize {ImportBatchSize})");

        // Read the ids back through the data API and order them by code, so opportunity i always points at the same account.
        var watch = Stopwatch.StartNew();
        var byCode = new Dictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        var pages = 0;
        while (true)
        {
            var data = await _server.GraphQLAsync("/graphql",
                "query($after: String) { accounts(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { id code } } }",
                new Dictionary<string, object?> { ["after"] = after }, ct);
            pages++;
            var connection = data["accounts"]!;
            foreach (var node in connection["nodes"]!.AsArray())
            {
                byCode[node!["code"]!.GetValue<string>()] = node["id"]!.GetValue<string>();
            }

            if (!connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
            {
                break;
            }

            after = connection["pageInfo"]!["endCursor"]!.GetValue<string>();
        }

        var ids = Enumerable.Range(1, AccountCount).Select(i => byCode.TryGetValue(DataGenerator.AccountCode(i), out var id)
            ? id
            : throw new BenchException($"Account {DataGenerator.AccountCode(i)} was not read back.")).ToList();
        Log($"Read back {Format.N0(ids.Count)} account ids in {pages} pages of 500 in {watch.ElapsedMilliseconds} ms");

        var opportunitiesCsv = Path.Combine(_workDirectory, "opportunities.csv");
        var perStage = DataGenerator.WriteOpportunities(opportunitiesCsv, OpportunityCount, ids);
        Log($"Generated {Format.N0(OpportunityCount)} opportunities ({Format.N1(new FileInfo(opportunitiesCsv).Length / 1048576.0)} MB CSV), per stage: "
            + string.Join(", ", perStage.Select(kv => $"{kv.Key} {Format.N0(kv.Value)}")));

        var import = await _server.ImportAsync("Opportunity", opportunitiesCsv, ImportBatchSize, ct);
        if (import.Created != OpportunityCount || import.Failed != 0)
        {
            throw new BenchException($"Opportunity import created {import.Created} and failed {import.Failed} rows: {import.FirstErrors}");
        }

        var importSeconds = import.Wall.TotalSeconds;
        Log($"Imported {Format.N0(OpportunityCount)} opportunities in {Format.F2(importSeconds)} s ({Format.N0(OpportunityCount / importSeconds)} rows/s; server-side {Format.F2(import.ServerElapsedMs / 1000.0)} s)");

        if (!Pg)
        {
            Add(new Figure("load: 200,000 opportunities via POST /import", ">= 0.50 x COPY", $"{Format.F2(importSeconds)} s ({Format.N0(OpportunityCount / importSeconds)} rows/s)", "no baseline", "-", null));
            return;
        }

        // The baseline: psql \copy of the same CSV into a copy of the table with the same columns, indexes and defaults for the
        // system columns the platform fills in itself.
        await _pg!.ExecuteAsync(Database, $"""
            DROP TABLE IF EXISTS {Schema}."copy_target";
            CREATE TABLE {Schema}."copy_target" (LIKE {Schema}."o_opportunity" INCLUDING ALL);
            ALTER TABLE {Schema}."copy_target"
              ALTER COLUMN "id" SET DEFAULT gen_random_uuid(),
              ALTER COLUMN "createdAt" SET DEFAULT now(),
              ALTER COLUMN "updatedAt" SET DEFAULT now(),
              ALTER COLUMN "version" SET DEFAULT 1,
              ALTER COLUMN "createdBy" SET DEFAULT '00000000-0000-0000-0000-00000000beef',
              ALTER COLUMN "updatedBy" SET DEFAULT '00000000-0000-0000-0000-00000000beef',
              ALTER COLUMN "ownerId" SET DEFAULT '00000000-0000-0000-0000-00000000beef';
            """, ct);
        var indexCount = (await _pg.QueryAsync(Database, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'tenant_bench' AND tablename = 'copy_target'", ct))[0][0];
        var copy = (await Proc.RunAsync(_pg.Tool("psql"),
            [.. _pg.ClientArguments(Database), "-v", "ON_ERROR_STOP=1", "-X", "-q",
             "-c", $"\\copy tenant_bench.copy_target (name, account, stage, amount, probability, \"closeDate\") FROM '{opportunitiesCsv}' WITH (FORMAT csv, HEADER true)"],
            TimeSpan.FromMinutes(10), ct)).EnsureSuccess();
        var copied = (await _pg.QueryAsync(Database, $"SELECT count(*) FROM {Schema}.\"copy_target\"", ct))[0][0];
        await _pg.ExecuteAsync(Database, $"DROP TABLE {Schema}.\"copy_target\"", ct);
        if (Convert.ToInt64(copied, CultureInfo.InvariantCulture) != OpportunityCount)
        {
            throw new BenchException($"COPY baseline wrote {copied} rows.");
        }

        var copySeconds = copy.Elapsed.TotalSeconds;
        Log($"Baseline: psql \\copy of the same CSV into copy_target ({indexCount} indexes, like o_opportunity) in {Format.F2(copySeconds)} s ({Format.N0(OpportunityCount / copySeconds)} rows/s)");
        var ratio = copySeconds / importSeconds;
        Add(new Figure("load: 200,000 opportunities via POST /import", ">= 0.50 x COPY", $"{Format.F2(importSeconds)} s ({Format.N0(OpportunityCount / importSeconds)} rows/s)",
            $"COPY {Format.F2(copySeconds)} s", Format.F2(ratio), ratio >= 0.50));
    }

    // ------------------------------------------------------------------ queries

    private const string Q1Query = """
        query Q1 { opportunities(filter: {stage: {eq: "Negotiation"}}, orderBy: [{amount: DESC}], first: 50) {
          totalCount nodes { id name amount account { name industry city } } } }
        """;

    private const string Q2Query = """
        query Q2 { opportunities(filter: {stage: {eq: "Negotiation"}}, orderBy: [{amount: DESC}], first: 50) {
          nodes { id name amount account { name industry city } } } }
        """;

    private const string Q3Query = """
        query Q3($after: String) { opportunities(orderBy: [{amount: DESC}], first: 50, after: $after) {
          pageInfo { hasNextPage endCursor } nodes { id name amount } } }
        """;

    private const string Q4Query = """
        query Q4 { opportunitiesAggregate(groupBy: [stage]) { key { stage } count sum { amount } } }
        """;

    private const string Q5Query = """
        query Q5 { accounts(first: 50, orderBy: [{name: ASC}]) {
          nodes { name opportunities(first: 10, orderBy: [{amount: DESC}]) { nodes { name amount } } } } }
        """;

    private const string Q1PageSql = """
        SELECT t0."id", t0."name", t0."amount", t0."account", j1."id", j1."name", j1."industry", j1."city" FROM "tenant_bench"."o_opportunity" t0 LEFT JOIN "tenant_bench"."o_account" j1 ON j1."id" = t0."account" WHERE t0."stage" = 'Negotiation' ORDER BY t0."amount" DESC NULLS FIRST, t0."id" ASC LIMIT 51;
        """;

    private const string Q1CountSql = """
        SELECT COUNT(*) FROM "tenant_bench"."o_opportunity" t0 WHERE t0."stage" = 'Negotiation';
        """;

    private const string Q4Sql = """
        SELECT t0."stage", SUM(t0."amount"), COUNT(*) FROM "tenant_bench"."o_opportunity" t0 GROUP BY t0."stage" ORDER BY t0."stage" ASC NULLS LAST LIMIT 1000;
        """;

    private async Task RunQueriesAsync(CancellationToken ct)
    {
        var server = _server!;
        var expectedNegotiation = await CountStageAsync(ct);

        if (options.Runs("Q1"))
        {
            var q1 = await MeasureAsync("Q1", PlatformServer.Body(Q1Query), data =>
            {
                var c = data["opportunities"]!;
                var nodes = c["nodes"]!.AsArray();
                Require(nodes.Count == 50 && nodes[0]!["account"]?["name"] is not null, "Q1 should return 50 opportunities with their account");
                Require(expectedNegotiation is null || c["totalCount"]!.GetValue<long>() == expectedNegotiation, $"Q1 totalCount should be {expectedNegotiation}");
                return $"totalCount {c["totalCount"]}, first amount {nodes[0]!["amount"]}";
            }, ct);
            await CompareAsync("Q1", "50 opportunities of one stage by amount desc, with account and totalCount", ">= 0.80 x raw SQL", 0.80, q1,
                Q1CountSql + "\n" + Q1PageSql, "count + page, the two statements the platform runs", ct);
        }

        if (options.Runs("Q2"))
        {
            var q2 = await MeasureAsync("Q2", PlatformServer.Body(Q2Query), data =>
            {
                var nodes = data["opportunities"]!["nodes"]!.AsArray();
                Require(nodes.Count == 50, "Q2 should return 50 opportunities");
                return $"first {nodes[0]!["name"]} {nodes[0]!["amount"]}";
            }, ct);
            await CompareAsync("Q2", "the same page without totalCount", ">= 0.50 x raw SQL", 0.50, q2, Q1PageSql, "the page statement", ct);
        }

        if (options.Runs("Q3"))
        {
            await Q3Async(ct);
        }


        if (options.Runs("Q4"))
        {
            var q4 = await MeasureAsync("Q4", PlatformServer.Body(Q4Query), data =>
            {
                var groups = data["opportunitiesAggregate"]!.AsArray();
                Require(groups.Count == DataGenerator.Stages.Length, "Q4 should return one group per stage");
                Require(groups.Sum(g => g!["count"]!.GetValue<long>()) == OpportunityCount, "Q4 counts should add up to 200,000");
                return string.Join(", ", groups.Select(g => $"{g!["key"]!["stage"]} {g["count"]}"));
            }, ct);
            await CompareAsync("Q4", "sum and count of amount by stage over 200,000", ">= 0.80 x raw SQL", 0.80, q4, Q4Sql, "the GROUP BY statement", ct);
        }

        if (!options.Runs("Q5"))
        {
            return;
        }

        // Q5: the accounts page is the same on every request, so the baseline can run the platform's two statements with the
        // page's 50 ids written in: exactly what the platform sends, without needing pgbench to chain results.
        var accountIds = (await server.GraphQLAsync("/graphql", "query { accounts(first: 50, orderBy: [{name: ASC}]) { nodes { id } } }", null, ct))["accounts"]!["nodes"]!
            .AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();
        var q5 = await MeasureAsync("Q5", PlatformServer.Body(Q5Query), data =>
        {
            var accounts = data["accounts"]!["nodes"]!.AsArray();
            Require(accounts.Count == 50, "Q5 should return 50 accounts");
            var children = accounts.Sum(a => a!["opportunities"]!["nodes"]!.AsArray().Count);
            Require(accounts.All(a => a!["opportunities"]!["nodes"]!.AsArray().Count <= 10) && children > 400, "Q5 should return up to 10 opportunities per account");
            return $"50 accounts, {children} opportunities";
        }, ct);
        var q5Sql = """
            SELECT t0."id", t0."name" FROM "tenant_bench"."o_account" t0 ORDER BY t0."name" ASC NULLS LAST, t0."id" ASC LIMIT 51;
            SELECT * FROM (SELECT t0."id" AS c0, t0."name" AS c1, t0."amount" AS c2, t0."account" AS c3, ROW_NUMBER() OVER (PARTITION BY t0."account" ORDER BY t0."amount" DESC NULLS FIRST, t0."id" ASC) AS rn FROM "tenant_bench"."o_opportunity" t0 WHERE t0."account" IN (
            """ + string.Join(", ", accountIds.Select(id => "'" + id + "'")) + ")) ranked WHERE rn <= 11 ORDER BY c3, rn;\n";

        if (Pg)
        {
            var statements = q5.Statements.Sum(x => x.Calls);
            Add(new Figure("Q5 SQL statements per request", "<= 3", statements.ToString(CultureInfo.InvariantCulture), "pg_stat_statements", "-", statements <= 3));
        }
        else
        {
            Add(new Figure("Q5 SQL statements per request", "<= 3", "not counted", "no statement log on SQLite", "-", null));
        }

        await CompareAsync("Q5", "50 accounts with their 10 largest opportunities", ">= 0.50 x raw SQL", 0.50, q5, q5Sql,
            "the platform's two statements (accounts page, then ROW_NUMBER() window over those 50 ids written in)", ct);
    }

    private sealed record Measured(string Name, string Body, WrkResult Wrk, List<SeenStatement> Statements, int Seconds);

    /// <summary>Checks the answer once, warms up, then runs wrk; on PostgreSQL records which statements ran and how often.</summary>
    private async Task<Measured> MeasureAsync(string name, string body, Func<JsonNode, string> check, CancellationToken ct)
    {
        var server = _server!;
        var (ok, data, text) = await server.TryGraphQLAsync("/graphql", body, ct);
        if (!ok)
        {
            throw new BenchException($"{name} failed before the load run: {Proc.Tail(text, 2000)}");
        }

        Log($"{name}: answer checked ({check(data!)})");
        List<SeenStatement> statements = [];
        if (Pg)
        {
            // The statements of one request: reset pg_stat_statements, send the request, read what ran (fewest of 3 tries,
            // so that a refresh of the API-key cache cannot add to it). Utility statements (BEGIN, DISCARD) are not tracked.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                await ResetStatementsAsync(ct);
                await server.TimeRequestMsAsync(body, ct);
                var seen = await ReadStatementsAsync(ct);
                if (attempt == 0 || seen.Sum(x => x.Calls) < statements.Sum(x => x.Calls))
                {
                    statements = seen;
                }
            }

            Log($"{name}: {statements.Sum(x => x.Calls)} SQL statement(s) per request (pg_stat_statements, one request):");
            foreach (var statement in statements)
            {
                Log($"    {statement.Calls} x {Proc.Tail(WhitespaceRegex().Replace(statement.Query, " "), 260)}");
            }
        }

        var warmup = await LoadTools.WrkAsync(_workDirectory, server.BaseUrl + "/graphql", server.AdminKey, name + "-warmup", body, options.WarmupSeconds, ct);
        var seconds = RunSeconds(warmup.AvgLatencyMs);
        var wrk = await LoadTools.WrkAsync(_workDirectory, server.BaseUrl + "/graphql", server.AdminKey, name, body, seconds, ct);
        Log($"{name}: platform {Format.N0(wrk.RequestsPerSecond)} req/s over {Format.N1(wrk.Seconds)} s ({Format.N0(wrk.Requests)} requests, latency avg {Format.Ms(wrk.AvgLatencyMs)}, p50 {Format.Ms(wrk.P50Ms)}, p99 {Format.Ms(wrk.P99Ms)})"
            + (wrk.Clean ? "" : " — " + wrk.Problems));
        return new Measured(name, body, wrk, statements, seconds);
    }

    /// <summary>
    /// The length of a measured run: the configured seconds, or 20 mean latencies when that is longer (at most 60 s).
    /// A run starts all its connections at once, so the first answers come about one latency later, and wrk drops the
    /// requests still in flight at the end: a run of slow requests loses up to a latency of its time (Q4 takes 1.5 s
    /// per request under load, 15 % of a 10 s run). Twenty latencies keep that under 5 %; pgbench runs for the same time.
    /// </summary>
    private int RunSeconds(double latencyMs) =>
        Math.Max(options.Seconds, (int)Math.Min(60, Math.Ceiling(20 * latencyMs / 1000)));

    /// <summary>Runs the raw SQL with pgbench (PostgreSQL) and adds the figure with its ratio; on SQLite adds the absolute figure.</summary>
    private async Task CompareAsync(string name, string what, string target, double threshold, Measured platform, string sql, string sqlDescription, CancellationToken ct)
    {
        var measured = $"{Format.N0(platform.Wrk.RequestsPerSecond)} req/s" + (platform.Wrk.Clean ? "" : " (" + platform.Wrk.Problems + ")");
        if (!Pg)
        {
            Add(new Figure($"{name}: {what}", target, measured, "no baseline", "-", platform.Wrk.Clean ? null : false));
            return;
        }

        await LoadTools.PgBenchAsync(_pg!, Database, _workDirectory, name + "-warmup", sql, options.WarmupSeconds, ct);
        await ResetStatementsAsync(ct);
        var bench = await LoadTools.PgBenchAsync(_pg!, Database, _workDirectory, name, sql, platform.Seconds, ct);
        var baselineStatements = await ReadStatementsAsync(ct);
        var ratio = platform.Wrk.RequestsPerSecond / bench.Tps;
        Log($"{name}: raw SQL (pgbench -M prepared, {sqlDescription}) {Format.N0(bench.Tps)} tps, latency avg {Format.Ms(bench.AvgLatencyMs)}"
            + (bench.Failed > 0 ? $", {bench.Failed} failed" : "") + $" → ratio {Format.F2(ratio)}");

        // Same SQL? Compare the statements each side ran per request, as pg_stat_statements normalised them.
        var platformSet = platform.Statements.Select(x => Normalize(x.Query)).ToHashSet(StringComparer.Ordinal);
        var baselineSet = Significant(baselineStatements, bench.Transactions);
        var same = platformSet.SetEquals(baselineSet);
        Log($"{name}: baseline SQL {(same ? "matches" : "DIFFERS FROM")} the platform's statements (pg_stat_statements, normalised)");
        if (!same)
        {
            foreach (var s in platformSet.Except(baselineSet))
            {
                Log("    platform only: " + Proc.Tail(s, 400));
            }

            foreach (var s in baselineSet.Except(platformSet))
            {
                Log("    baseline only: " + Proc.Tail(s, 400));
            }

            _notes.Add($"{name}: the hand-written baseline SQL differs from what the platform ran (see the log above).");
        }

        // More pairs, platform and baseline alternating: other work on the machine changes both rates from one run to the
        // next, and the median of the pairs' ratios is steadier than one pair.
        List<(double Platform, double Sql, double Ratio)> pairs = [(platform.Wrk.RequestsPerSecond, bench.Tps, ratio)];
        var clean = platform.Wrk.Clean && bench.Failed == 0;
        for (var round = 1; round < options.Pairs; round++)
        {
            var wrk = await LoadTools.WrkAsync(_workDirectory, _server!.BaseUrl + "/graphql", _server.AdminKey, $"{name}-{round + 1}", platform.Body, platform.Seconds, ct);
            var sqlRun = await LoadTools.PgBenchAsync(_pg!, Database, _workDirectory, $"{name}-{round + 1}", sql, platform.Seconds, ct);
            clean &= wrk.Clean && sqlRun.Failed == 0;
            pairs.Add((wrk.RequestsPerSecond, sqlRun.Tps, wrk.RequestsPerSecond / sqlRun.Tps));
            Log($"{name}: pair {round + 1}: platform {Format.N0(wrk.RequestsPerSecond)} req/s, raw SQL {Format.N0(sqlRun.Tps)} tps → ratio {Format.F2(pairs[^1].Ratio)}"
                + (wrk.Clean ? "" : " — " + wrk.Problems));
        }

        var median = pairs.OrderBy(p => p.Ratio).ElementAt(pairs.Count / 2);
        if (pairs.Count > 1)
        {
            Log($"{name}: median of {pairs.Count} pairs: ratio {Format.F2(median.Ratio)} (pairs {string.Join(", ", pairs.Select(p => Format.F2(p.Ratio)))})");
            measured = $"{Format.N0(median.Platform)} req/s" + (clean ? "" : " (errors or non-200 answers, see the log)");
        }

        Add(new Figure($"{name}: {what}", target, measured, $"SQL {Format.N0(median.Sql)} tps", Format.F2(median.Ratio)
            + (pairs.Count > 1 ? $" (median of {pairs.Count})" : ""), clean && median.Ratio >= threshold));
    }

    /// <summary>Statements run at least once per request (or transaction), normalised; rarer ones are caches refreshing.</summary>
    private static HashSet<string> Significant(List<SeenStatement> statements, long requests) =>
        statements.Where(s => s.Calls >= requests * 0.9).Select(s => Normalize(s.Query)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Collapses white space, drops a trailing semicolon and turns every placeholder and literal into <c>?</c>:
    /// pg_stat_statements normalises constants only for some entries, so both sides are normalised again here.
    /// </summary>
    private static string Normalize(string sql)
    {
        var text = WhitespaceRegex().Replace(sql, " ").Trim().TrimEnd(';').Trim();
        text = text.Replace("( ", "(", StringComparison.Ordinal).Replace(" )", ")", StringComparison.Ordinal);
        text = PlaceholderRegex().Replace(text, "?");
        text = StringLiteralRegex().Replace(text, "?");
        return NumberLiteralRegex().Replace(text, "?");
    }

    private async Task Q3Async(CancellationToken ct)
    {
        var server = _server!;
        // The cursor of row 99,950 in the order (amount DESC, id): the row is found with SQL, its cursor through the API
        // (the edge cursor of that record under the same order), and page 2,000 is then `after:` it, starting at row 99,951.
        var (lastOfPage1999, firstOfPage2000) = await RowsAtAsync(99_950, ct);
        var edge = await server.GraphQLAsync("/graphql",
            "query($id: ID!) { opportunities(filter: {id: {eq: $id}}, orderBy: [{amount: DESC}], first: 1) { edges { cursor node { id } } } }",
            new Dictionary<string, object?> { ["id"] = lastOfPage1999 }, ct);
        var cursor = edge["opportunities"]!["edges"]!.AsArray().Single()!["cursor"]!.GetValue<string>();

        var page1Body = PlatformServer.Body(Q3Query, new Dictionary<string, object?> { ["after"] = null });
        var page2000Body = PlatformServer.Body(Q3Query, new Dictionary<string, object?> { ["after"] = cursor });
        var (ok, data, text) = await server.TryGraphQLAsync("/graphql", page2000Body, ct);
        if (!ok)
        {
            throw new BenchException("Q3 page 2,000 failed: " + Proc.Tail(text, 2000));
        }

        var nodes = data!["opportunities"]!["nodes"]!.AsArray();
        Require(nodes.Count == 50 && nodes[0]!["id"]!.GetValue<string>() == firstOfPage2000, "Q3 page 2,000 should start at row 99,951");
        Log($"Q3: page 2,000 checked (first row {firstOfPage2000}, amount {nodes[0]!["amount"]})");

        // Latency of one request at a time (the figure), then the same pages under wrk's load (for information).
        var (page1, page2000) = await InterleavedLatencyAsync(page1Body, page2000Body, ct);
        Log($"Q3: one client, median latency page 1 {Format.Ms(page1.Median)} (p90 {Format.Ms(page1.P90)}), page 2,000 {Format.Ms(page2000.Median)} (p90 {Format.Ms(page2000.P90)}), {page1.Count}/{page2000.Count} requests");
        var load1 = await LoadTools.WrkAsync(_workDirectory, server.BaseUrl + "/graphql", server.AdminKey, "Q3-page1", page1Body, options.Seconds, ct);
        var load2000 = await LoadTools.WrkAsync(_workDirectory, server.BaseUrl + "/graphql", server.AdminKey, "Q3-page2000", page2000Body, options.Seconds, ct);
        Log($"Q3: under load (32 connections) page 1 {Format.N0(load1.RequestsPerSecond)} req/s, avg {Format.Ms(load1.AvgLatencyMs)}; page 2,000 {Format.N0(load2000.RequestsPerSecond)} req/s, avg {Format.Ms(load2000.AvgLatencyMs)}"
            + (load1.Clean && load2000.Clean ? "" : $" — {load1.Problems} {load2000.Problems}"));

        if (Pg)
        {
            var (amount, id) = await CursorValuesAsync(lastOfPage1999, ct);
            // The predicate as platform/Paas.Data/Query/Keyset.cs builds it: a leading bound on the first key (so the index
            // seeks to the cursor), then the keyset alternatives; the id term has no null branch (ids are never null).
            var plan = await _pg!.QueryAsync(Database, $"""
                EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT t0."id", t0."name", t0."amount" FROM "tenant_bench"."o_opportunity" t0
                WHERE t0."amount" <= {amount} AND ((t0."amount" < {amount}) OR (t0."amount" = {amount} AND t0."id" > '{id}'))
                ORDER BY t0."amount" DESC NULLS FIRST, t0."id" ASC LIMIT 51
                """, ct);
            Log("Q3: PostgreSQL plan of the page-2,000 statement (as the platform builds it, values written in):");
            foreach (var line in plan)
            {
                Log("    " + line[0]);
            }
        }

        else
        {
            await using var connection = new SqliteConnection($"Data Source={TenantFile()};Mode=ReadOnly");
            await connection.OpenAsync(ct);
            await using var values = connection.CreateCommand();
            values.CommandText = $"SELECT \"amount\", \"id\" FROM \"o_opportunity\" WHERE \"id\" = '{lastOfPage1999}'";
            string amount = "", id = "";
            await using (var reader = await values.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    amount = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
                    id = reader.GetString(1);
                }
            }

            await using var explain = connection.CreateCommand();
            explain.CommandText = $"""
                EXPLAIN QUERY PLAN SELECT t0."id", t0."name", t0."amount" FROM "o_opportunity" t0
                WHERE ((t0."amount" < {amount}) OR (t0."amount" = {amount} AND (t0."id" > '{id}' OR t0."id" IS NULL)))
                ORDER BY t0."amount" DESC NULLS FIRST, t0."id" ASC LIMIT 51
                """;
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    plan.Add(reader.GetString(3));
                }
            }

            Log("Q3: SQLite plan of the page-2,000 statement (as the platform builds it, values written in): " + string.Join(" / ", plan));
        }

        var ratio = page2000.Median / page1.Median;
        Add(new Figure("Q3: page 2,000 via cursor (amount DESC, 50/page)", "<= 1.2 x page 1 latency",
            $"{Format.Ms(page2000.Median)} (under load {Format.Ms(load2000.AvgLatencyMs)})", $"page 1 {Format.Ms(page1.Median)} (under load {Format.Ms(load1.AvgLatencyMs)})",
            Format.F2(ratio), ratio <= 1.2));
    }

    private sealed record Latency(double Median, double P90, int Count);

    private async Task<Latency> SequentialLatencyAsync(string body, CancellationToken ct)
    {
        for (var i = 0; i < 10; i++)
        {
            await _server!.TimeRequestMsAsync(body, ct);
        }

        var times = new List<double>();
        var watch = Stopwatch.StartNew();
        while ((watch.Elapsed.TotalSeconds < (options.Quick ? 1.5 : 3) || times.Count < 30) && times.Count < 5000)
        {
            times.Add(await _server!.TimeRequestMsAsync(body, ct));
        }

        times.Sort();
        return new Latency(Stats.Median(times), Stats.Percentile(times, 90), times.Count);
    }

    /// <summary>
    /// One client alternating two requests (a, b, a, b, …) for at least 3 s and 60 requests of each: a change of load on
    /// the machine during the measurement falls on both alike, which two runs one after the other do not ensure.
    /// </summary>
    private async Task<(Latency A, Latency B)> InterleavedLatencyAsync(string a, string b, CancellationToken ct)
    {
        for (var i = 0; i < 10; i++)
        {
            await _server!.TimeRequestMsAsync(a, ct);
            await _server!.TimeRequestMsAsync(b, ct);
        }

        List<double> first = [], second = [];
        var watch = Stopwatch.StartNew();
        while ((watch.Elapsed.TotalSeconds < (options.Quick ? 1.5 : 3) || first.Count < 60) && first.Count < 5000)
        {
            first.Add(await _server!.TimeRequestMsAsync(a, ct));
            second.Add(await _server!.TimeRequestMsAsync(b, ct));
        }

        first.Sort();
        second.Sort();
        return (new Latency(Stats.Median(first), Stats.Percentile(first, 90), first.Count), new Latency(Stats.Median(second), Stats.Percentile(second, 90), second.Count));
    }

    /// <summary>The ids of row <paramref name="row"/> and the next one (1-based) in the order amount DESC, id ASC.</summary>
    private async Task<(string Row, string Next)> RowsAtAsync(int row, CancellationToken ct)
    {
        var offset = (row - 1).ToString(CultureInfo.InvariantCulture);
        if (Pg)
        {
            var rows = await _pg!.QueryAsync(Database,
                $"SELECT \"id\"::text FROM {Schema}.\"o_opportunity\" ORDER BY \"amount\" DESC NULLS FIRST, \"id\" ASC NULLS LAST LIMIT 2 OFFSET {offset}", ct);
            return ((string)rows[0][0]!, (string)rows[1][0]!);
        }

        await using var connection = new SqliteConnection($"Data Source={TenantFile()};Mode=ReadOnly");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"id\" FROM \"o_opportunity\" ORDER BY \"amount\" DESC NULLS FIRST, \"id\" ASC NULLS LAST LIMIT 2 OFFSET {offset}";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return (ids[0], ids[1]);
    }

    private async Task<(string Amount, string Id)> CursorValuesAsync(string id, CancellationToken ct)
    {
        var rows = await _pg!.QueryAsync(Database, $"SELECT \"amount\"::text, \"id\"::text FROM {Schema}.\"o_opportunity\" WHERE \"id\" = '{id}'", ct);
        return ((string)rows[0][0]!, (string)rows[0][1]!);
    }

    private async Task<long?> CountStageAsync(CancellationToken ct)
    {
        if (!Pg)
        {
            return null;
        }

        var rows = await _pg!.QueryAsync(Database, $"SELECT count(*) FROM {Schema}.\"o_opportunity\" WHERE \"stage\" = '{Stage}'", ct);
        return Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
    }

    private string TenantFile() => Path.Combine(_workDirectory, "sqlite", "tenants", "tenant_bench.db");

    private Task ResetStatementsAsync(CancellationToken ct) =>
        _pg!.ExecuteAsync(Database, "SELECT pg_stat_statements_reset()", ct);

    private async Task<List<SeenStatement>> ReadStatementsAsync(CancellationToken ct)
    {
        var rows = await _pg!.QueryAsync(Database, $"""
            SELECT s.query, s.calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = '{Database}' AND s.query NOT ILIKE '%pg_stat_statements%' ORDER BY s.calls DESC
            """, ct);
        return rows.Select(r => new SeenStatement((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToList();
    }

    // ------------------------------------------------------------------ schema

    private async Task SchemaAsync(CancellationToken ct)
    {
        // A change visible: from sending createField to the first data query that selects the new field and succeeds.
        var server = _server!;
        var times = new List<(double Total, double Mutation, int Polls)>();
        for (var i = 0; i < (options.Quick ? 2 : 3); i++)
        {
            var field = "benchNote" + i.ToString(CultureInfo.InvariantCulture);
            var probe = PlatformServer.Body($"query {{ opportunities(first: 1) {{ nodes {{ id {field} }} }} }}");
            var started = Stopwatch.GetTimestamp();
            await server.GraphQLAsync("/graphql/metadata",
                $"mutation {{ createField(input: {{object: \"Opportunity\", apiName: \"{field}\", label: \"Bench note {i}\", type: TEXT}}) {{ apiName }} }}", null, ct);
            var mutation = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var polls = 0;
            while (true)
            {
                polls++;
                var (ok, _, _) = await server.TryGraphQLAsync("/graphql", probe, ct);
                if (ok)
                {
                    break;
                }

                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                {
                    throw new BenchException($"The new field {field} was not visible in the data API after 30 s.");
                }
            }

            times.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, mutation, polls));
        }

        var worst = times.Max(t => t.Total);
        Log("Schema change visible: " + string.Join("; ", times.Select(t => $"{Format.Ms(t.Total)} (createField answered after {Format.Ms(t.Mutation)}, {t.Polls} data request(s))")));

        // The in-memory build of a large tenant's schema, in this process.
        var build = SchemaBench.Run(options.Quick ? 2 : 3, options.Quick ? 5 : 9);
        Log($"DataSchemaBuilder.Build(200 objects x 30 fields, {build.Types} types): median {Format.Ms(build.MedianMs)}, min {Format.Ms(build.MinMs)}, max {Format.Ms(build.MaxMs)} over {build.Runs} runs after warm-up");
        Add(new Figure("schema: build 200 objects x 30 fields", "< 150 ms", $"{Format.Ms(build.MedianMs)} (median of {build.Runs})", "-", "-", build.MedianMs < 150));
        Add(new Figure("schema: a change visible in the data API", "< 1 s", $"{Format.Ms(worst)} (worst of {times.Count})", "-", "-", worst < 1000));
    }

    // ------------------------------------------------------------------ output

    private void PrintHeader()
    {
        Console.WriteLine($"Paas benchmark — provider {options.Provider}, {RunKind()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGb()} GB RAM, {OsName()}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine(options.Scripts
            ? "Scripts: the sandbox in this process (one run at a time), then createDeals mutations sent one at a time to the server; all on this machine"
            : options.Workflows
            ? $"Workflows: {WfClients} HTTP clients in this process (keep-alive) driving the data API, the worker hosted in the server; all on this machine"
            : $"Load: wrk -t{LoadTools.Threads} -c{LoadTools.Connections}; baseline pgbench -c {LoadTools.Connections} -j {LoadTools.Threads} -M prepared, same duration, same database; all on this machine");
        Console.WriteLine($"Load average at start: {LoadAverage()}{(LoadAverageOne() > Environment.ProcessorCount ? "  (WARNING: other work is running on this machine; the figures will be disturbed)" : "")}");
        Console.WriteLine($"Build configuration: {Configuration}{(Configuration == "Release" ? "" : "  (WARNING: run with -c Release for meaningful figures)")}");
        Console.WriteLine();
    }

    private void PrintTable()
    {
        Console.WriteLine();
        Console.WriteLine($"Results — {options.Provider}, {(options.Scripts ? "scripts" : options.Workflows ? "workflows" : options.Quick ? "quick" : "full")} run, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, total {Format.N0(_clock.Elapsed.TotalSeconds)} s");
        Console.WriteLine();
        string[] header = ["figure", "target", "measured", "baseline", "ratio", "result"];
        var rows = _figures.Select(f => new[] { f.Name, f.Target, f.Measured, f.Baseline, f.Ratio, f.Verdict }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |";
        Console.WriteLine(Line(header));
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in rows)
        {
            Console.WriteLine(Line(row));
        }

        Console.WriteLine();
        Console.WriteLine($"Load average at the end: {LoadAverage()} (1, 5, 15 min; {Environment.ProcessorCount} cores)");
        if (!options.Scripts && !options.Workflows)
        {
            Console.WriteLine("ratio: platform rate / raw SQL rate for Q1, Q2, Q4, Q5; page 2,000 latency / page 1 latency for Q3; COPY time / import time for the load.");
        }

        if (options.Workflows)
        {
            Console.WriteLine("ratio of the workflow growth figure: throughput with 100,000 completed instances in the tables / with about 1,000.");
        }
        else
        {
            Console.WriteLine("ratio of the scripts' bulk create: time with the before-trigger / time without it (median of the rounds).");
        }

        if (!Pg && !options.Scripts && !options.Workflows)
        {
            Console.WriteLine("SQLite: no baseline (pgbench and COPY are PostgreSQL tools); figures are absolute, relative targets are n/a.");
        }

        foreach (var note in _notes)
        {
            Console.WriteLine("Note: " + note);
        }

        var failed = _figures.Count(f => f.Pass == false);
        Console.WriteLine(failed == 0 ? "All figures with a verdict PASS." : $"{failed} figure(s) FAIL.");
    }

    public void PrintPartial()
    {
        if (_figures.Count > 0)
        {
            Console.WriteLine("Figures measured before the failure:");
            PrintTable();
        }

        if (_server is not null && File.Exists(_server.LogFile))
        {
            Console.Error.WriteLine($"Server log: {_server.LogFile}{(options.Keep ? "" : " (deleted with the work folder; rerun with --keep to keep it)")}");
        }
    }

    private string RunKind() => options.Scripts ? "scripts only" + (options.Quick ? " (quick)" : "") : options.Workflows ? "workflows only" : options.Quick ? "quick (3 s runs)" : "full (10 s runs)";

    private void Add(Figure figure) => _figures.Add(figure);

    private void Log(string message) =>
        Console.WriteLine($"[{_clock.Elapsed.TotalSeconds.ToString("000.0", CultureInfo.InvariantCulture)}s] {message}");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new BenchException("Unexpected answer: " + message);
        }
    }

    // ------------------------------------------------------------------ environment and cleanup

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Paas.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new BenchException("Could not find the repository root (the folder with Paas.sln).");
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double LoadAverageOne() =>
        double.TryParse(LoadAverage().Split(',')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static string MemoryGb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return Format.N0(kb / 1048576.0);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return "?";
        }
    }

    private static string OsName()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return line?.Split('=', 2)[1].Trim('"') ?? RuntimeInformation.OSDescription;
        }
        catch (IOException)
        {
            return RuntimeInformation.OSDescription;
        }
    }

    /// <summary>Removes work folders of earlier runs whose harness died: their server and PostgreSQL are stopped first.</summary>
    private static void ReapLeftovers()
    {
        var root = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        foreach (var dir in Directory.GetDirectories(root, "paas-bench-*"))
        {
            try
            {
                var owner = Path.Combine(dir, "owner.pid");
                if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
                {
                    continue;
                }

                var serverPid = Path.Combine(dir, "server.pid");
                if (File.Exists(serverPid) && int.TryParse(File.ReadAllText(serverPid).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var spid)
                    && File.Exists($"/proc/{spid}/cmdline") && File.ReadAllText($"/proc/{spid}/cmdline").Contains(dir, StringComparison.Ordinal))
                {
                    using var process = Process.GetProcessById(spid);
                    Proc.Kill(process);
                }

                PostgresInstance.StopLeftover(dir);
                Directory.Delete(dir, recursive: true);
                Console.WriteLine($"Removed the leftovers of an earlier run: {dir}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Stops the server, wrk/pgbench if running, PostgreSQL, and deletes the work folder. Idempotent; never throws.</summary>
    public void Cleanup()
    {
        if (Interlocked.Exchange(ref _cleaned, 1) != 0)
        {
            return;
        }

        _server?.Stop();
        Proc.KillAll();
        _pg?.Stop();
        SqliteConnection.ClearAllPools();
        if (_workDirectory.Length > 0 && Directory.Exists(_workDirectory))
        {
            if (options.Keep)
            {
                Console.WriteLine($"Kept {_workDirectory} (server.log, CSV files, wrk and pgbench scripts).");
                return;
            }

            for (var attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    Directory.Delete(_workDirectory, recursive: true);
                    break;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Thread.Sleep(300);
                }
            }
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();

    [GeneratedRegex(@"\$\d+")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex StringLiteralRegex();

    [GeneratedRegex(@"\b\d+(?:\.\d+)?\b")]
    private static partial Regex NumberLiteralRegex();
}
