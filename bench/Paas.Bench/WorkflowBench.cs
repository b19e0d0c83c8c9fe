using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Paas.Bench;

/// <summary>
/// The workflow figures (<c>--workflows</c>): two-step approvals started and completed through the data API with the
/// worker hosted in the server, their throughput with 1,000 and with 100,000 completed instances in the tables, and
/// 10,000 WAIT steps due at the same moment. Everything runs against the server started by <see cref="BenchRun"/>.
/// </summary>
internal sealed partial class BenchRun
{
    private const string WfObject = "Deal";
    private const string WfProcess = "twoStep";
    private const int WfClients = 16;
    private const int WfPollMs = 10;
    private const int WfRecordBatch = 500;
    private const int WfGrowthTarget = 100_000;
    private const int WfTimers = 10_000;

    /// <summary>The fill to 100,000 runs the real flow when it would take at most this long at the measured rate, else SQL.</summary>
    private const double WfRealFillBudgetSeconds = 150;

    private const string WfSubmit = "mutation($id: ID!) { submitForApproval(object: \"Deal\", id: $id, process: \"twoStep\") { id status } }";
    private const string WfHistory = "query($id: ID!) { approvalHistory(object: \"Deal\", id: $id) { instance { id status result } requests { id step status } } }";
    private const string WfApprove = "mutation($id: ID!) { approve(id: $id, comment: \"ok\") { id status } }";
    private const string WfCreateDeals = "mutation($inputs: [DealCreateInput!]!) { createDeals(inputs: $inputs) { id } }";

    private WfPeople? _people;
    private HttpClient? _wfHttp;
    private int _wfVersion;

    private sealed record WfPeople(string RepId, string RepKey, string ManagerId, string ManagerKey, string ApproverId, string ApproverKey);

    /// <summary>Requests sent by the clients of one run, and the time they spent in each kind and asleep between polls.</summary>
    private sealed class WfCounters
    {
        public long Submits, Approves, Polls, SubmitTicks, ApproveTicks, PollTicks, SleepTicks;

        public long Requests => Submits + Approves + Polls;

        public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>One instance as its client saw it: submit → manager's request visible → second request visible → COMPLETED.</summary>
    private sealed record WfInstance(double TotalMs, double ToManagerMs, double ToSecondMs, double ToCompletedMs);

    private sealed record WfRun(string Tag, int Count, int Clients, double Seconds, List<WfInstance> Instances, WfCounters Counters,
        double ServerCpuMs, double DbCpuMs, double HarnessCpuMs, long CompletedBefore, WorkerStats Worker)
    {
        public double PerSecond => Count / Seconds;

        public double CpuPerInstanceMs => (ServerCpuMs + DbCpuMs) / Count;
    }

    /// <summary>What the <c>_paas_wf_work</c> rows of a run say about the worker.</summary>
    private sealed record WorkerStats(int Steps, Dictionary<string, List<double>> LagMs, Dictionary<string, List<double>> ServiceMs, double BacklogMs, double MeanQueue)
    {
        public double ServiceMedian(string step) => ServiceMs.TryGetValue(step, out var list) && list.Count > 0 ? Stats.Median(list) : double.NaN;
    }

    // ------------------------------------------------------------------ the run

    private async Task WorkflowsAsync(CancellationToken ct)
    {
        _wfHttp = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = new Uri(_server!.BaseUrl),
            Timeout = TimeSpan.FromMinutes(5),
        };
        try
        {
            await WorkflowSetupAsync(ct);

            // Warm-up: the JIT (tier-1 code), the prepared statements and the caches of every request and step type (not measured).
            var warm = await WfRunAsync("warm", 1_000, ct);
            Log($"Workflows: warm-up of {Format.N0(warm.Count)} instances done ({Format.N0(warm.PerSecond)}/s)");
            if (Pg)
            {
                // A new tenant's tables have no statistics until autovacuum's first pass (within a minute). Without them the
                // generic plan of approvalHistory's request statement turns into a sequential scan of _paas_wf_approvals
                // once it has about 10,000 rows (seen at 0.5 ms per poll, and a run of 32 clients fell to 30–57/s).
                // Analyzing here, as BenchRun does after its load, makes the plans the same on every run.
                foreach (var table in new[] { "_paas_wf_instances", "_paas_wf_approvals", "_paas_wf_work", "o_deal" })
                {
                    await _pg!.ExecuteAsync(Database, $"ANALYZE {T(table)}", ct);
                }

                Log("Workflows: ANALYZE of the three workflow tables and o_deal done (autovacuum would do it within a minute)");
                _notes.Add("PostgreSQL: the workflow tables are analyzed after the warm-up; before autovacuum's first analyze the generic plan of approvalHistory's "
                    + "request statement scans _paas_wf_approvals sequentially once it has about 10,000 rows (see WorkflowBench.cs).");
            }

            // Figure 2, first half: two runs of 1,000 with 1,000 and 2,000 completed instances in the tables. Figure 1: 2,000 instances.
            List<WfRun> small = [await WfRunAsync("r1ka", 1_000, ct), await WfRunAsync("r1kb", 1_000, ct)];
            small.ForEach(WfReport);
            var main = await WfRunAsync("r2k", 2_000, ct);
            WfReport(main);
            var pollCpu = await PollCostAsync(ct);
            WfWhereTheTimeGoes(main, pollCpu);

            Add(new Figure("workflows: two-step approvals through the API, worker running", Pg ? ">= 200 instances/s" : ">= 200/s on PostgreSQL",
                $"{Format.N0(main.PerSecond)}/s ({Format.N0(main.Count)} in {Format.F2(main.Seconds)} s, {main.Clients} clients, p50 {Format.Ms(Pct(main, 50))})",
                $"{Format.N0(main.Counters.Requests)} requests ({Format.N0(main.Counters.Polls)} polls)", "-", Pg ? main.PerSecond >= 200 : null));

            // Figure 2, second half: the tables filled to 100,000 completed instances, then the same two runs of 1,000.
            await WfFillAsync(main.PerSecond, ct);

            // The fill's bulk writes, VACUUM and checkpoint leave cold caches and connections without prepared statements;
            // a tenant that grew to 100,000 through use would be warm, so warm up again (as before the first half).
            var warmAgain = await WfRunAsync("warm2", 500, ct);
            Log($"Workflows: warm-up after the fill, {Format.N0(warmAgain.Count)} instances ({Format.N0(warmAgain.PerSecond)}/s)");
            List<WfRun> large = [await WfRunAsync("r100ka", 1_000, ct), await WfRunAsync("r100kb", 1_000, ct)];
            large.ForEach(WfReport);
            double Rate(List<WfRun> runs) => runs.Sum(r => r.Count) / runs.Sum(r => r.Seconds);
            double Cpu(List<WfRun> runs) => runs.Sum(r => r.ServerCpuMs + r.DbCpuMs) / runs.Sum(r => r.Count);
            string Each(List<WfRun> runs) => string.Join(" and ", runs.Select(r => $"{Format.N0(r.PerSecond)}/s at {Format.N0(r.CompletedBefore)}"));
            var ratio = Rate(large) / Rate(small);
            Log($"Workflows: growth: {Each(large)} (together {Format.N0(Rate(large))}/s) against {Each(small)} (together {Format.N0(Rate(small))}/s) → ratio {Format.F2(ratio)}; "
                + $"server{(Pg ? " + PostgreSQL" : "")} CPU per instance {Format.Ms(Cpu(large))} against {Format.Ms(Cpu(small))} (ratio {Format.F2(Cpu(small) / Cpu(large))})");
            Add(new Figure("workflows: throughput at 100,000 instances vs 1,000", ">= 0.80 x",
                $"{Format.N0(Rate(large))}/s at {Format.N0(large[0].CompletedBefore / 1000.0)}k-{Format.N0(large[^1].CompletedBefore / 1000.0 + 1)}k",
                $"{Format.N0(Rate(small))}/s at {Format.N0(small[0].CompletedBefore / 1000.0)}k-{Format.N0(small[^1].CompletedBefore / 1000.0 + 1)}k",
                Format.F2(ratio), ratio >= 0.80));

            await TimersAsync(main.Worker.Steps / main.Seconds, ct);

            // For information: twice the clients, to show whether the closed loop of 16 clients or the worker sets the rate.
            var wide = await WfRunAsync("c32", 1_000, ct, clientCount: 2 * WfClients);
            WfReport(wide);
        }
        finally
        {
            _wfHttp.Dispose();
        }
    }

    // ------------------------------------------------------------------ setup

    private async Task WorkflowSetupAsync(CancellationToken ct)
    {
        var server = _server!;
        await server.GraphQLAsync("/graphql/metadata", """
            mutation {
              deal: createObject(input: {apiName: "Deal", label: "Deal"}) { apiName }
              reminder: createObject(input: {apiName: "Reminder", label: "Reminder"}) { apiName }
            }
            """, null, ct);
        await server.GraphQLAsync("/graphql/metadata", """
            mutation {
              status: createField(input: {object: "Deal", apiName: "status", label: "Status", type: PICKLIST, values: ["Draft", "Pending", "Approved", "Rejected"], defaultValue: "Draft"}) { apiName }
              dueAt: createField(input: {object: "Reminder", apiName: "dueAt", label: "Due at", type: DATETIME}) { apiName }
              sales: createRole(input: {apiName: "Sales", label: "Sales", parent: null}) { apiName }
              deals: createPermissionSet(input: {apiName: "DealUser", label: "Deal user", isProfile: false,
                objects: [{object: "Deal", read: true, create: true, edit: true, delete: true, viewAll: false, modifyAll: false}],
                fields: [], system: {viewAllData: false, modifyAllData: false, manageMetadata: false, manageUsers: false}}) { apiName }
            }
            """, null, ct);
        var manager = await WfUserAsync("wfmanager", "Bench Manager", null, ct);
        var rep = await WfUserAsync("wfrep", "Bench Rep", manager.Id, ct);
        var approver = await WfUserAsync("wfapprover", "Bench Approver", null, ct);
        _people = new WfPeople(rep.Id, rep.Key, manager.Id, manager.Key, approver.Id, approver.Key);

        var definition = new Dictionary<string, object?>
        {
            ["apiName"] = WfProcess,
            ["object"] = WfObject,
            ["trigger"] = new { type = "MANUAL" },
            ["start"] = "manager",
            ["steps"] = new object[]
            {
                new { name = "manager", type = "APPROVAL", approval = new { approvers = new[] { new { type = "MANAGER" } }, mode = "FIRST_RESPONSE" },
                      outcomes = new { approved = "second", rejected = "rejected" } },
                new { name = "second", type = "APPROVAL", approval = new { approvers = new[] { new { type = "USER", user = approver.Id } }, mode = "FIRST_RESPONSE" },
                      outcomes = new { approved = "approved", rejected = "rejected" } },
                new { name = "approved", type = "UPDATE_FIELDS", fields = new { status = "Approved" }, next = "done" },
                new { name = "done", type = "END", result = "approved" },
                new { name = "rejected", type = "UPDATE_FIELDS", fields = new { status = "Rejected" }, next = "closed" },
                new { name = "closed", type = "END", result = "rejected" },
            },
        };
        _wfVersion = await PublishWorkflowAsync(definition, ct);
        Log($"Workflows: object Deal (status PICKLIST), users rep → manager (MANAGER) and a second approver (USER), each with an API key and the permission set DealUser; "
            + $"workflow '{WfProcess}' v{_wfVersion} published: manager (APPROVAL, MANAGER, FIRST_RESPONSE) → second (APPROVAL, USER, FIRST_RESPONSE) → approved (UPDATE_FIELDS status = Approved) → done (END)");
    }

    private async Task<(string Id, string Key)> WfUserAsync(string handle, string name, string? manager, CancellationToken ct)
    {
        var user = await _server!.GraphQLAsync("/graphql/metadata", $$"""
            mutation($manager: ID) { createUser(input: {name: "{{name}}", email: "{{handle}}@bench.test", role: "Sales", profile: "StandardUser",
              permissionSets: ["DealUser"], groups: [], manager: $manager}) { id } }
            """, new Dictionary<string, object?> { ["manager"] = manager }, ct);
        var id = user["createUser"]!["id"]!.GetValue<string>();
        var key = await _server.GraphQLAsync("/graphql/metadata", $$"""mutation { createApiKey(input: {user: "{{id}}", name: "{{handle}}", expiresAt: null}) { key } }""", null, ct);
        return (id, key["createApiKey"]!["key"]!.GetValue<string>());
    }

    private async Task<int> PublishWorkflowAsync(object definition, CancellationToken ct)
    {
        var saved = await _server!.GraphQLAsync("/graphql/metadata", "mutation($d: JSON!) { saveWorkflow(definition: $d) { apiName version status } }",
            new Dictionary<string, object?> { ["d"] = definition }, ct);
        var apiName = saved["saveWorkflow"]!["apiName"]!.GetValue<string>();
        var published = await _server.GraphQLAsync("/graphql/metadata", "mutation($a: String!) { publishWorkflow(apiName: $a) { version status } }",
            new Dictionary<string, object?> { ["a"] = apiName }, ct);
        Require(published["publishWorkflow"]!["status"]!.GetValue<string>() == "PUBLISHED", $"workflow {apiName} should be published");
        return published["publishWorkflow"]!["version"]!.GetValue<int>();
    }

    /// <summary>Creates <paramref name="count"/> deals as the rep (createDeals, batches of <see cref="WfRecordBatch"/>); returns their ids in order.</summary>
    private async Task<List<string>> WfDealsAsync(string tag, int count, string status, CancellationToken ct, int batch = WfRecordBatch)
    {
        var ids = new List<string>(count);
        for (var start = 0; start < count; start += batch)
        {
            var inputs = Enumerable.Range(start, Math.Min(batch, count - start))
                .Select(n => new Dictionary<string, object?> { ["name"] = WfName(tag, n), ["status"] = status }).ToList();
            var data = await WfPostAsync(_people!.RepKey, PlatformServer.Body(WfCreateDeals, new Dictionary<string, object?> { ["inputs"] = inputs }), ct);
            ids.AddRange(data["createDeals"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()));
        }

        Require(ids.Count == count, $"createDeals should have created {count} deals for {tag}, created {ids.Count}");
        return ids;
    }

    private static string WfName(string tag, int n) => $"WF {tag} {n.ToString("D6", CultureInfo.InvariantCulture)}";

    // ------------------------------------------------------------------ one measured run

    /// <summary>
    /// <paramref name="count"/> new deals, then <see cref="WfClients"/> clients, each taking the next deal: submit it (as the
    /// rep), poll approvalHistory (as the rep, every <see cref="WfPollMs"/> ms) until the manager's request is pending,
    /// approve it (as the manager), wait for the second request, approve it (as the second approver), wait until the
    /// instance is COMPLETED. Throughput = instances / wall time of the whole run. Checked afterwards: every deal is
    /// Approved and has exactly one instance, COMPLETED with result approved, and two approved requests.
    /// </summary>
    private async Task<WfRun> WfRunAsync(string tag, int count, CancellationToken ct, int clientCount = WfClients)
    {
        var ids = await WfDealsAsync(tag, count, "Draft", ct);
        var completedBefore = await CompletedInstancesAsync(ct);
        if (Pg)
        {
            await ResetStatementsAsync(ct);
        }

        var counters = new WfCounters();
        var instances = new ConcurrentBag<WfInstance>();
        var next = -1;
        var cpuBefore = CpuNow();
        using var self = Process.GetCurrentProcess();
        var harnessBefore = self.TotalProcessorTime.TotalMilliseconds;
        var watch = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, clientCount).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                instances.Add(await WfInstanceAsync(ids[i], counters, ct));
            }
        }, ct)).ToList();
        await Task.WhenAll(clients);
        watch.Stop();
        var cpuAfter = CpuNow();
        self.Refresh();
        var harnessCpu = self.TotalProcessorTime.TotalMilliseconds - harnessBefore;

        await WfVerifyAsync(tag, count, ct);
        var worker = await WorkerStatsAsync($"WF {tag} %", ct);
        var run = new WfRun(tag, count, clientCount, watch.Elapsed.TotalSeconds, instances.ToList(), counters, cpuAfter.Server - cpuBefore.Server,
            cpuAfter.Db - cpuBefore.Db, harnessCpu, completedBefore, worker);
        if (Pg && tag != "warm")
        {
            await WfStatementsAsync(run, ct);
            await WfPlanAsync(ids[0], ct);
        }

        return run;
    }

    private async Task<WfInstance> WfInstanceAsync(string recordId, WfCounters counters, CancellationToken ct)
    {
        var people = _people!;
        var started = Stopwatch.GetTimestamp();
        var submitted = await WfTimedAsync(people.RepKey, PlatformServer.Body(WfSubmit, new Dictionary<string, object?> { ["id"] = recordId }),
            counters, k => { Interlocked.Increment(ref counters.Submits); Interlocked.Add(ref counters.SubmitTicks, k); }, ct);
        var instanceId = submitted["submitForApproval"]!["id"]!.GetValue<string>();

        var first = await WfWaitAsync(recordId, instanceId, e => PendingRequest(e, "manager"), counters, ct);
        var toManager = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await WfAnswerAsync(people.ManagerKey, first!, counters, ct);

        var mark = Stopwatch.GetTimestamp();
        var second = await WfWaitAsync(recordId, instanceId, e => PendingRequest(e, "second"), counters, ct);
        var toSecond = Stopwatch.GetElapsedTime(mark).TotalMilliseconds;
        await WfAnswerAsync(people.ApproverKey, second!, counters, ct);

        mark = Stopwatch.GetTimestamp();
        await WfWaitAsync(recordId, instanceId, e => e["instance"]!["status"]!.GetValue<string>() == "COMPLETED" ? "" : null, counters, ct);
        var toCompleted = Stopwatch.GetElapsedTime(mark).TotalMilliseconds;
        return new WfInstance(Stopwatch.GetElapsedTime(started).TotalMilliseconds, toManager, toSecond, toCompleted);
    }

    private async Task WfAnswerAsync(string key, string requestId, WfCounters counters, CancellationToken ct)
    {
        var answer = await WfTimedAsync(key, PlatformServer.Body(WfApprove, new Dictionary<string, object?> { ["id"] = requestId }),
            counters, k => { Interlocked.Increment(ref counters.Approves); Interlocked.Add(ref counters.ApproveTicks, k); }, ct);
        Require(answer["approve"]!["status"]!.GetValue<string>() == "APPROVED", $"approve of request {requestId} should answer APPROVED");
    }

    private static string? PendingRequest(JsonNode entry, string step) =>
        entry["requests"]!.AsArray().FirstOrDefault(r => r!["step"]!.GetValue<string>() == step && r["status"]!.GetValue<string>() == "PENDING")?["id"]!.GetValue<string>();

    /// <summary>Sleeps <see cref="WfPollMs"/>, reads approvalHistory, until <paramref name="until"/> returns non-null; returns that.</summary>
    private async Task<string?> WfWaitAsync(string recordId, string instanceId, Func<JsonNode, string?> until, WfCounters counters, CancellationToken ct)
    {
        var body = PlatformServer.Body(WfHistory, new Dictionary<string, object?> { ["id"] = recordId });
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var sleep = Stopwatch.GetTimestamp();
            await Task.Delay(WfPollMs, ct);
            Interlocked.Add(ref counters.SleepTicks, Stopwatch.GetTimestamp() - sleep);
            var data = await WfTimedAsync(_people!.RepKey, body, counters, k => { Interlocked.Increment(ref counters.Polls); Interlocked.Add(ref counters.PollTicks, k); }, ct);
            var history = data["approvalHistory"]!.AsArray();
            Require(history.Count == 1, $"deal {recordId} should have one instance, has {history.Count}");
            var entry = history[0]!;
            Require(entry["instance"]!["id"]!.GetValue<string>() == instanceId, $"deal {recordId}'s instance should be {instanceId}");
            var status = entry["instance"]!["status"]!.GetValue<string>();
            if (status is "FAILED" or "RECALLED")
            {
                throw new BenchException($"Instance {instanceId} of deal {recordId} is {status}: {entry.ToJsonString()}");
            }

            if (until(entry) is { } found)
            {
                return found;
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2))
            {
                throw new BenchException($"Instance {instanceId} of deal {recordId} did not move on within 2 minutes: {entry.ToJsonString()}");
            }
        }
    }

    private async Task<JsonNode> WfTimedAsync(string key, string body, WfCounters counters, Action<long> count, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var data = await WfPostAsync(key, body, ct);
        count(Stopwatch.GetTimestamp() - started);
        return data;
    }

    /// <summary>POSTs to /graphql with <paramref name="key"/> (keep-alive connections of one shared client); returns <c>data</c> or throws.</summary>
    private async Task<JsonNode> WfPostAsync(string key, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _wfHttp!.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var json = response.IsSuccessStatusCode ? JsonNode.Parse(text) : null;
        if (json?["errors"] is JsonArray { Count: > 0 } || json?["data"] is null)
        {
            throw new BenchException($"Request failed (HTTP {(int)response.StatusCode}): {Proc.Tail(text, 1500)}{Environment.NewLine}Body: {Proc.Tail(body, 400)}");
        }

        return json["data"]!;
    }

    /// <summary>Every deal of the run is Approved (data API) and has exactly one instance, COMPLETED/approved, with two approved requests (SQL).</summary>
    private async Task WfVerifyAsync(string tag, int count, CancellationToken ct)
    {
        var counts = await _server!.GraphQLAsync("/graphql", """
            query($p: String!) { all: deals(first: 1, filter: {name: {startsWith: $p}}) { totalCount }
                                 approved: deals(first: 1, filter: {name: {startsWith: $p}, status: {eq: "Approved"}}) { totalCount } }
            """, new Dictionary<string, object?> { ["p"] = $"WF {tag} " }, ct);
        var all = counts["all"]!["totalCount"]!.GetValue<long>();
        var approved = counts["approved"]!["totalCount"]!.GetValue<long>();
        Require(all == count && approved == count, $"all {count} deals of {tag} should be Approved: {approved} of {all} are");

        var rows = await TenantQueryAsync($"""
            SELECT COUNT(*), COUNT(DISTINCT i."record_id"), SUM(CASE WHEN i."status" = 'COMPLETED' AND i."result" = 'approved' THEN 1 ELSE 0 END),
                   (SELECT COUNT(*) FROM {T("_paas_wf_approvals")} a JOIN {T("_paas_wf_instances")} j ON j."id" = a."instance_id" JOIN {T("o_deal")} e ON e."id" = j."record_id"
                    WHERE e."name" LIKE 'WF {tag} %' AND a."status" = 'APPROVED')
            FROM {T("_paas_wf_instances")} i JOIN {T("o_deal")} d ON d."id" = i."record_id" WHERE d."name" LIKE 'WF {tag} %'
            """, ct);
        var (instances, records, completed, requests) = (Long(rows[0][0]), Long(rows[0][1]), Long(rows[0][2]), Long(rows[0][3]));
        Require(instances == count && records == count && completed == count && requests == 2L * count,
            $"{tag}: expected {count} instances on {count} deals, all COMPLETED/approved, with {2 * count} approved requests; found {instances} instances on {records} deals, {completed} completed, {requests} approved requests");
        if (tag != "warm")
        {
            Log($"Workflows: {tag} checked: {Format.N0(approved)} of {Format.N0(all)} deals Approved (data API); {Format.N0(instances)} instances on {Format.N0(records)} deals, "
                + $"{Format.N0(completed)} COMPLETED with result approved, {Format.N0(requests)} approved requests (SQL)");
        }
    }

    private async Task<long> CompletedInstancesAsync(CancellationToken ct) =>
        Long((await TenantQueryAsync($"SELECT COUNT(*) FROM {T("_paas_wf_instances")} WHERE \"status\" = 'COMPLETED'", ct))[0][0]);

    // ------------------------------------------------------------------ what the figures say

    private static double Pct(WfRun run, double p) => Stats.Percentile(run.Instances.Select(i => i.TotalMs).OrderBy(x => x).ToList(), p);

    private void WfReport(WfRun run)
    {
        string Dist(Func<WfInstance, double> of)
        {
            var sorted = run.Instances.Select(of).OrderBy(x => x).ToList();
            return $"p50 {Format.Ms(Stats.Median(sorted))}, p90 {Format.Ms(Stats.Percentile(sorted, 90))}, p99 {Format.Ms(Stats.Percentile(sorted, 99))}, max {Format.Ms(sorted[^1])}";
        }

        var c = run.Counters;
        var clientMs = run.Instances.Sum(i => i.TotalMs);
        var pollMs = WfCounters.Ms(c.PollTicks);
        var sleepMs = WfCounters.Ms(c.SleepTicks);
        var cores = Environment.ProcessorCount * run.Seconds * 1000;
        Log($"Workflows: {run.Tag}: {Format.N0(run.Count)} instances in {Format.F2(run.Seconds)} s = {Format.N0(run.PerSecond)} completed/s with {run.Clients} clients "
            + $"({Format.N0(run.CompletedBefore)} completed instances in the tables before)");
        Log($"    per instance, submit → COMPLETED seen: {Dist(i => i.TotalMs)}");
        Log($"    submit → manager's request seen {Dist(i => i.ToManagerMs)}; approve → second request seen {Dist(i => i.ToSecondMs)}; approve → COMPLETED seen {Dist(i => i.ToCompletedMs)}");
        Log($"    requests: {Format.N0(c.Requests)} ({Format.N1(c.Requests / (double)run.Count)} per instance, {Format.N0(c.Requests / run.Seconds)}/s): "
            + $"{Format.N0(c.Submits)} submits (mean {Format.Ms(WfCounters.Ms(c.SubmitTicks) / c.Submits)}), {Format.N0(c.Approves)} approves (mean {Format.Ms(WfCounters.Ms(c.ApproveTicks) / c.Approves)}), "
            + $"{Format.N0(c.Polls)} approvalHistory polls (mean {Format.Ms(pollMs / c.Polls)}, {Format.N1(c.Polls / (double)run.Count)} per instance)");
        Log($"    the clients' time: {Format.N0(100 * pollMs / clientMs)} % in poll requests, {Format.N0(100 * sleepMs / clientMs)} % asleep between polls ({WfPollMs} ms asked), "
            + $"{Format.N0(100 * (WfCounters.Ms(c.SubmitTicks) + WfCounters.Ms(c.ApproveTicks)) / clientMs)} % in submit/approve");
        Log($"    CPU: server {Format.N0(run.ServerCpuMs)} ms{(Pg ? $", PostgreSQL {Format.N0(run.DbCpuMs)} ms" : "")}, this harness (clients) {Format.N0(run.HarnessCpuMs)} ms "
            + $"= {Format.N0(100 * (run.ServerCpuMs + run.DbCpuMs + run.HarnessCpuMs) / cores)} % of {Environment.ProcessorCount} cores over the run; "
            + $"server{(Pg ? " + PostgreSQL" : "")} {Format.Ms(run.CpuPerInstanceMs)} per instance");
        var w = run.Worker;
        Log($"    worker ({Format.N0(w.Steps)} steps = {Format.N0(w.Steps / run.Seconds)}/s; from _paas_wf_work): queued → done " + string.Join("; ", w.LagMs.OrderBy(kv => StepOrder(kv.Key)).Select(kv =>
        {
            var sorted = kv.Value.OrderBy(x => x).ToList();
            return $"{kv.Key} p50 {Format.Ms(Stats.Median(sorted))} p90 {Format.Ms(Stats.Percentile(sorted, 90))}";
        })));
        Log($"    worker: a step was queued or running {Format.N0(100 * w.BacklogMs / (run.Seconds * 1000))} % of the run ({Format.N1(w.MeanQueue)} on average); "
            + "gap between back-to-back completions (median): " + string.Join(", ", w.ServiceMs.OrderBy(kv => StepOrder(kv.Key))
            .Select(kv => $"{kv.Key} {Format.Ms(w.ServiceMedian(kv.Key))} ({kv.Value.Count} gaps)"))
            + $", together {Format.Ms(w.LagMs.Keys.Sum(k => double.IsNaN(w.ServiceMedian(k)) ? 0 : w.ServiceMedian(k)))} per instance");
        Log($"    closed loop: {run.Clients} clients / mean {Format.Ms(run.Instances.Average(i => i.TotalMs))} per instance = {Format.N0(run.Clients * 1000 / run.Instances.Average(i => i.TotalMs))}/s; "
            + $"a poll's sleep lasted {Format.Ms(sleepMs / c.Polls)} on average");
    }

    private static int StepOrder(string step) => step switch { "manager" => 0, "second" => 1, "approved" => 2, "done" => 3, _ => 4 };

    /// <summary>
    /// The worker's steps from <c>_paas_wf_work</c>: queued (due_at) → done (done_at) per step; for each step that was
    /// already due when the previous step finished, the gap between the two completions: the worker's time for that step
    /// (claim, run, commit, and its share of the scans), as there is one worker; and how much of the time a step was queued
    /// or running (near 100 %: the worker is the bottleneck).
    /// </summary>
    private async Task<WorkerStats> WorkerStatsAsync(string namePattern, CancellationToken ct)
    {
        var rows = await TenantQueryAsync($"""
            SELECT w."step", w."due_at", w."done_at" FROM {T("_paas_wf_work")} w JOIN {T("_paas_wf_instances")} i ON i."id" = w."instance_id"
            JOIN {T("o_deal")} d ON d."id" = i."record_id" WHERE d."name" LIKE '{namePattern}' AND w."done_at" IS NOT NULL
            """, ct);
        var steps = rows.Select(r => (Step: (string)r[0]!, Due: Time(r[1]), Done: Time(r[2]))).OrderBy(s => s.Done).ToList();
        var lag = steps.GroupBy(s => s.Step).ToDictionary(g => g.Key, g => g.Select(s => (s.Done - s.Due).TotalMilliseconds).ToList());
        var service = new Dictionary<string, List<double>>();
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Due <= steps[i - 1].Done)
            {
                (service.TryGetValue(steps[i].Step, out var list) ? list : service[steps[i].Step] = []).Add((steps[i].Done - steps[i - 1].Done).TotalMilliseconds);
            }
        }

        foreach (var list in service.Values)
        {
            list.Sort();
        }

        // How long at least one step was queued or running, and the mean number queued (Little: rate x mean lag).
        var events = steps.SelectMany(s => new[] { (At: s.Due, Delta: 1), (At: s.Done, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta).ToList();
        double backlog = 0, area = 0;
        var pending = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
            {
                var span = (events[i].At - events[i - 1].At).TotalMilliseconds;
                area += pending * span;
                backlog += pending > 0 ? span : 0;
            }

            pending += events[i].Delta;
        }

        var window = steps.Count == 0 ? 1 : (events[^1].At - events[0].At).TotalMilliseconds;
        return new WorkerStats(steps.Count, lag, service, backlog, area / Math.Max(1, window));
    }

    /// <summary>PostgreSQL: the statements of the run (pg_stat_statements): per instance, the worker's scans, the most expensive.</summary>
    private async Task WfStatementsAsync(WfRun run, CancellationToken ct)
    {
        var rows = await _pg!.QueryAsync(Database, $"""
            SELECT s.query, s.calls, s.total_exec_time FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = '{Database}' AND s.query NOT ILIKE '%pg_stat_statements%' ORDER BY s.total_exec_time DESC
            """, ct);
        var statements = rows.Select(r => (Query: WhitespaceRegex().Replace((string)r[0]!, " "), Calls: Convert.ToInt64(r[1], CultureInfo.InvariantCulture),
            Ms: Convert.ToDouble(r[2], CultureInfo.InvariantCulture))).ToList();
        var calls = statements.Sum(s => s.Calls);
        var execMs = statements.Sum(s => s.Ms);
        var scans = statements.Where(s => s.Query.Contains("\"done_at\" IS NULL AND \"due_at\" <=", StringComparison.Ordinal)).Sum(s => s.Calls);
        Log($"    PostgreSQL (pg_stat_statements, the whole run): {Format.N0(calls)} statements = {Format.N1(calls / (double)run.Count)} per instance, executing {Format.N0(execMs)} ms "
            + $"({Format.N0(100 * execMs / (run.Seconds * 1000))} % of the wall time); the worker scanned for due steps {Format.N0(scans)} times "
            + $"({Format.N1(run.Worker.Steps / (double)Math.Max(1, scans))} steps per scan: the wake-ups)");
        foreach (var s in statements.Take(6))
        {
            Log($"      {Format.N0(s.Calls)} x, {Format.N0(s.Ms)} ms: {Proc.Tail(s.Query, 200)}");
        }
    }

    /// <summary>
    /// PostgreSQL: the tables' statistics (autovacuum's work) and the generic plan of approvalHistory's request statement
    /// (as WorkflowRows.RequestsAsync builds it), which Npgsql prepares and PostgreSQL then runs with a generic plan.
    /// </summary>
    private async Task WfPlanAsync(string recordId, CancellationToken ct)
    {
        var tables = await _pg!.QueryAsync(Database, """
            SELECT relname, n_live_tup, n_dead_tup, autoanalyze_count, autovacuum_count, COALESCE(to_char(last_autoanalyze, 'HH24:MI:SS'), '-')
            FROM pg_stat_user_tables WHERE schemaname = 'tenant_bench' AND (relname LIKE '\_paas\_wf\_%' OR relname = 'o_deal') AND relname <> '_paas_wf_definitions' ORDER BY relname
            """, ct);
        Log("    tables: " + string.Join("; ", tables.Select(r => $"{r[0]} {Format.N0(Long(r[1]))} live/{Format.N0(Long(r[2]))} dead, autoanalyzed {Long(r[3])}x (last {r[5]}), autovacuumed {Long(r[4])}x")));
        await using var connection = new NpgsqlConnection(_pg.ConnectionString(Database));
        await connection.OpenAsync(ct);
        var columns = "a.\"id\", a.\"instance_id\", a.\"step\", a.\"level\", a.\"approver\", a.\"status\", a.\"comment\", a.\"created_at\", a.\"acted_at\", a.\"acted_by\", a.\"reassigned_from\", "
            + "i.\"id\", i.\"workflow\", i.\"version\", i.\"object_name\", i.\"record_id\", i.\"status\", i.\"current_step\", i.\"result\", i.\"locked\", i.\"submitted_by\", i.\"started_at\", i.\"ended_at\", i.\"error\"";
        var plan = new List<string>();
        foreach (var sql in new[]
        {
            "SET plan_cache_mode = force_generic_plan",
            $"PREPARE wf_history(uuid) AS SELECT {columns} FROM {T("_paas_wf_approvals")} a JOIN {T("_paas_wf_instances")} i ON i.\"id\" = a.\"instance_id\" WHERE i.\"record_id\" = $1 ORDER BY a.\"created_at\", a.\"id\" LIMIT 500",
            $"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE wf_history('{recordId}')",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                plan.Add(reader.GetString(0).Trim());
            }
        }

        Log("    generic plan of approvalHistory's request statement: " + string.Join(" / ", plan));
    }

    /// <summary>What one approvalHistory poll costs the server and the database: 16 clients polling without pause for 3 s.</summary>
    private async Task<double> PollCostAsync(CancellationToken ct)
    {
        var ids = (await TenantQueryAsync($"SELECT \"id\" FROM {T("o_deal")} WHERE \"name\" LIKE 'WF r2k %'", ct)).Select(r => Convert.ToString(r[0], CultureInfo.InvariantCulture)!).ToList();
        long polls = 0;
        var cpuBefore = CpuNow();
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, WfClients).Select(c => Task.Run(async () =>
        {
            for (var i = c; watch.Elapsed < TimeSpan.FromSeconds(3); i += WfClients)
            {
                await WfPostAsync(_people!.RepKey, PlatformServer.Body(WfHistory, new Dictionary<string, object?> { ["id"] = ids[i % ids.Count] }), ct);
                Interlocked.Increment(ref polls);
            }
        }, ct)).ToList();
        await Task.WhenAll(tasks);
        var cpuAfter = CpuNow();
        var perPoll = (cpuAfter.Server - cpuBefore.Server + cpuAfter.Db - cpuBefore.Db) / polls;
        Log($"Workflows: one approvalHistory poll costs {Format.Ms(perPoll)} of server{(Pg ? " + PostgreSQL" : "")} CPU ({Format.N0(polls)} polls by {WfClients} clients without pause in "
            + $"{Format.F2(watch.Elapsed.TotalSeconds)} s = {Format.N0(polls / watch.Elapsed.TotalSeconds)}/s)");
        return perPoll;
    }

    private void WfWhereTheTimeGoes(WfRun run, double pollCpuMs)
    {
        var total = run.ServerCpuMs + run.DbCpuMs;
        var polling = run.Counters.Polls * pollCpuMs;
        var w = run.Worker;
        Log($"Workflows: where the time of {run.Tag} goes: polling ≈ {Format.N0(polling)} ms = {Format.N0(100 * polling / total)} % of the server{(Pg ? " + PostgreSQL" : "")} CPU "
            + $"({Format.N0(run.Counters.Polls)} polls × {Format.Ms(pollCpuMs)}); the rest, {Format.Ms((total - polling) / run.Count)} per instance, is submit, 2 approves and 4 worker steps; "
            + $"the worker had a step queued or running {Format.N0(100 * w.BacklogMs / (run.Seconds * 1000))} % of the wall time and ran {Format.N0(w.Steps / run.Seconds)} steps/s "
            + $"= {Format.N0(w.Steps / 4.0 / run.Seconds)} instances/s, one step after the other");
    }

    // ------------------------------------------------------------------ figure 2: the tables at 100,000

    /// <summary>
    /// Brings the tables to <see cref="WfGrowthTarget"/> completed instances: with the real flow when that takes at most
    /// <see cref="WfRealFillBudgetSeconds"/> at the measured rate, else as rows written with SQL that look like the real
    /// flow's (deals created through createDeals with status Approved; per deal one COMPLETED instance, two APPROVED requests,
    /// four done work rows; time-ordered ids, times in the past).
    /// </summary>
    private async Task WfFillAsync(double perSecond, CancellationToken ct)
    {
        var missing = (int)(WfGrowthTarget - await CompletedInstancesAsync(ct));
        if (missing <= 0)
        {
            return;
        }

        var estimate = missing / perSecond;
        var watch = Stopwatch.StartNew();
        if (estimate <= WfRealFillBudgetSeconds)
        {
            Log($"Workflows: filling the tables with {Format.N0(missing)} instances through the real flow (about {Format.N0(estimate)} s at {Format.N0(perSecond)}/s)");
            await WfRunAsync("fill", missing, ct);
            Log($"Workflows: filled with the real flow in {Format.N0(watch.Elapsed.TotalSeconds)} s");
            return;
        }

        Log($"Workflows: {Format.N0(missing)} more instances through the real flow would take about {Format.N0(estimate)} s at {Format.N0(perSecond)}/s: writing them with SQL instead");
        if (Pg)
        {
            // The createDeals read-back plan trap described in ScriptBench.cs: analyze before adding 100,000 rows.
            await _pg!.ExecuteAsync(Database, $"ANALYZE {T("o_deal")}", ct);
        }

        var ids = await WfDealsAsync("fill", missing, "Approved", ct, batch: 1000);
        var dealsSeconds = watch.Elapsed.TotalSeconds;
        var people = _people!;
        var origin = DateTimeOffset.UtcNow.AddDays(-30);
        string Q(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        string At(DateTimeOffset t) => Q(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        string Id(DateTimeOffset t) => Q(Guid.CreateVersion7(t).ToString("D"));
        var attempts = Pg ? "0" : "1"; // the SQLite claim counts an attempt, the PostgreSQL one does not
        var instances = new List<string>(missing);
        var approvals = new List<string>(missing * 2);
        var work = new List<string>(missing * 4);
        for (var k = 0; k < ids.Count; k++)
        {
            var start = origin.AddSeconds(k * 20);
            var instance = Id(start);
            var (firstAsked, firstActed, secondAsked, secondActed) = (start.AddMilliseconds(5), start.AddSeconds(1), start.AddSeconds(1.005), start.AddSeconds(2));
            var ended = start.AddSeconds(2.008);
            instances.Add($"({instance}, {Q(WfProcess)}, {_wfVersion}, {Q(WfObject)}, {Q(ids[k])}, 'COMPLETED', NULL, 'approved', 0, {Q(people.RepId)}, {At(start)}, {At(ended)}, NULL)");
            approvals.Add($"({Id(firstAsked)}, {instance}, 'manager', 1, {Q(people.ManagerId)}, 'APPROVED', 'ok', {At(firstAsked)}, {At(firstActed)}, {Q(people.ManagerId)}, NULL)");
            approvals.Add($"({Id(secondAsked)}, {instance}, 'second', 1, {Q(people.ApproverId)}, 'APPROVED', 'ok', {At(secondAsked)}, {At(secondActed)}, {Q(people.ApproverId)}, NULL)");
            work.Add($"({Id(start)}, {instance}, 1, 'manager', {At(start)}, {attempts}, {At(firstAsked)}, NULL)");
            work.Add($"({Id(firstActed)}, {instance}, 2, 'second', {At(firstActed)}, {attempts}, {At(secondAsked)}, NULL)");
            work.Add($"({Id(secondActed)}, {instance}, 3, 'approved', {At(secondActed)}, {attempts}, {At(secondActed.AddMilliseconds(4))}, NULL)");
            work.Add($"({Id(secondActed.AddMilliseconds(4))}, {instance}, 4, 'done', {At(secondActed.AddMilliseconds(4))}, {attempts}, {At(ended)}, NULL)");
        }

        await using (var connection = await TenantConnectionAsync(readOnly: false, ct))
        {
            await InsertRowsAsync(connection, "_paas_wf_instances",
                "\"id\", \"workflow\", \"version\", \"object_name\", \"record_id\", \"status\", \"current_step\", \"result\", \"locked\", \"submitted_by\", \"started_at\", \"ended_at\", \"error\"", instances, ct);
            await InsertRowsAsync(connection, "_paas_wf_approvals",
                "\"id\", \"instance_id\", \"step\", \"level\", \"approver\", \"status\", \"comment\", \"created_at\", \"acted_at\", \"acted_by\", \"reassigned_from\"", approvals, ct);
            await InsertRowsAsync(connection, "_paas_wf_work", "\"id\", \"instance_id\", \"seq\", \"step\", \"due_at\", \"attempts\", \"done_at\", \"error\"", work, ct);
        }

        instances.Clear();
        approvals.Clear();
        work.Clear();
        if (Pg)
        {
            // Autovacuum vacuums and analyzes tables this much larger within a minute (the real flow would have given it
            // that time, and BenchRun does the same after its load); the checkpoint writes the new pages out now rather
            // than during the next run.
            foreach (var table in new[] { "_paas_wf_instances", "_paas_wf_approvals", "_paas_wf_work", "o_deal" })
            {
                await _pg!.ExecuteAsync(Database, $"VACUUM ANALYZE {T(table)}", ct);
            }

            await _pg!.ExecuteAsync(Database, "CHECKPOINT", ct);
        }
        else
        {
            // The WAL holds the new rows; copy them into the database file now rather than during the next run.
            await using var connection = await TenantConnectionAsync(readOnly: false, ct);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync(ct);
        }

        GC.Collect();

        var completed = await CompletedInstancesAsync(ct);
        var sizes = await TenantQueryAsync($"""
            SELECT (SELECT COUNT(*) FROM {T("_paas_wf_instances")}), (SELECT COUNT(*) FROM {T("_paas_wf_approvals")}), (SELECT COUNT(*) FROM {T("_paas_wf_work")}), (SELECT COUNT(*) FROM {T("o_deal")})
            """, ct);
        Log($"Workflows: filled in {Format.N1(watch.Elapsed.TotalSeconds)} s: {Format.N0(missing)} deals (status Approved) through createDeals in {Format.N1(dealsSeconds)} s, then with SQL "
            + $"{Format.N0(missing)} COMPLETED instances, {Format.N0(2L * missing)} APPROVED requests and {Format.N0(4L * missing)} done work rows"
            + (Pg ? "; VACUUM ANALYZE of the three tables and o_deal, CHECKPOINT" : "; WAL checkpoint")
            + $". Now {Format.N0(completed)} completed instances; rows: instances {Format.N0(Long(sizes[0][0]))}, requests {Format.N0(Long(sizes[0][1]))}, work {Format.N0(Long(sizes[0][2]))}, deals {Format.N0(Long(sizes[0][3]))}");
        _notes.Add($"workflows: the tables were brought to {Format.N0(WfGrowthTarget)} completed instances with SQL ({Format.N0(missing)} instances with their requests and work rows, "
            + $"deals through createDeals): the real flow at {Format.N0(perSecond)}/s would have taken about {Format.N0(estimate)} s.");
    }

    private async Task InsertRowsAsync(DbConnection connection, string table, string columns, List<string> rows, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        for (var i = 0; i < rows.Count; i += 500)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandTimeout = 600;
            command.CommandText = $"INSERT INTO {T(table)} ({columns}) VALUES {string.Join(", ", rows.Skip(i).Take(500))}";
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    // ------------------------------------------------------------------ figure 3: timers

    /// <summary>
    /// 10,000 WAIT steps due at the same moment: a record-triggered workflow on Reminder (WAIT until the record's dueAt,
    /// then END), 10,000 reminders created through createReminders with the same dueAt, far enough ahead for the worker to
    /// run all the WAIT steps first. Lateness of each timer = done_at − due_at of the step queued for that moment.
    /// </summary>
    private async Task TimersAsync(double stepsPerSecond, CancellationToken ct)
    {
        const string name = "workflows: 10,000 pending timers, lateness";
        const string target = "each <= 1 s late";
        var schema = (await _server!.GraphQLAsync("/graphql/metadata", "query { workflowSchema }", null, ct))["workflowSchema"]!.GetValue<string>();
        if (!schema.Contains("\"WAIT\"", StringComparison.Ordinal))
        {
            Log("Workflows: the workflow schema has no WAIT step, so the timers are not measured");
            Add(new Figure(name, target, "not measured: no timer step in this build", "-", "-", null));
            return;
        }

        var version = await PublishWorkflowAsync(new Dictionary<string, object?>
        {
            ["apiName"] = "timer",
            ["object"] = "Reminder",
            ["trigger"] = new { type = "RECORD_CREATED" },
            ["start"] = "wait",
            ["steps"] = new object[]
            {
                new { name = "wait", type = "WAIT", wait = new { untilField = "dueAt" }, next = "fire" },
                new { name = "fire", type = "END", result = "fired" },
            },
        }, ct);

        // The moment: after creating the reminders and running their WAIT steps at the worker's measured rate, with room to spare.
        var setupSeconds = Math.Clamp(2.5 * WfTimers / Math.Max(50, stepsPerSecond) + 20, 30, 240);
        var due = DateTimeOffset.UtcNow.AddSeconds(setupSeconds);
        due = new DateTimeOffset(due.Ticks - due.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var dueText = due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Log($"Workflows: workflow 'timer' v{version} published on Reminder (RECORD_CREATED; wait: WAIT until dueAt → fire: END); creating {Format.N0(WfTimers)} reminders due at {dueText} "
            + $"({Format.N0(setupSeconds)} s ahead; the worker polls every 1,000 ms when idle: Paas:Workflows:PollMilliseconds, default)");
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < WfTimers; start += 1000)
        {
            var inputs = Enumerable.Range(start, 1000).Select(n => new Dictionary<string, object?> { ["name"] = WfName("timer", n), ["dueAt"] = dueText }).ToList();
            var created = await _server.GraphQLAsync("/graphql", "mutation($inputs: [ReminderCreateInput!]!) { createReminders(inputs: $inputs) { id } }",
                new Dictionary<string, object?> { ["inputs"] = inputs }, ct);
            Require(created["createReminders"]!.AsArray().Count == 1000, "createReminders should create 1,000 reminders");
        }

        var created10k = watch.Elapsed.TotalSeconds;
        var pending = $"""
            SELECT COUNT(*), SUM(CASE WHEN w."step" = 'fire' THEN 1 ELSE 0 END), SUM(CASE WHEN w."step" = 'wait' AND w."done_at" IS NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN w."done_at" IS NULL THEN 1 ELSE 0 END)
            FROM {T("_paas_wf_work")} w JOIN {T("_paas_wf_instances")} i ON i."id" = w."instance_id" WHERE i."workflow" = 'timer'
            """;
        while (true)
        {
            var row = (await TenantQueryAsync(pending, ct))[0];
            if (Long(row[1]) == WfTimers && Long(row[2]) == 0)
            {
                break;
            }

            if (DateTimeOffset.UtcNow > due.AddSeconds(120))
            {
                throw new BenchException($"The WAIT steps of the reminders did not all run: {Long(row[1])} of {WfTimers} fire steps queued, {Long(row[2])} WAIT steps pending.");
            }

            await Task.Delay(200, ct);
        }

        var armed = watch.Elapsed.TotalSeconds;
        var spare = (due - DateTimeOffset.UtcNow).TotalSeconds;
        Log($"Workflows: {Format.N0(WfTimers)} reminders created in {Format.F2(created10k)} s (instances started in the same transactions), all WAIT steps run after {Format.F2(armed)} s: "
            + $"{Format.N0(WfTimers)} fire steps queued for {dueText}, {Format.F2(spare)} s before that moment");
        if (spare <= 0)
        {
            _notes.Add("workflows: the WAIT steps of the timers had not all run by the timers' moment, so their lateness includes that backlog (the machine was slower than the estimate).");
        }

        while (true)
        {
            var row = (await TenantQueryAsync(pending, ct))[0];
            if (Long(row[3]) == 0)
            {
                break;
            }

            if (DateTimeOffset.UtcNow > due.AddSeconds(300))
            {
                throw new BenchException($"{Long(row[3])} timers had not fired 300 s after their moment.");
            }

            await Task.Delay(200, ct);
        }

        var rows = await TenantQueryAsync($"""
            SELECT w."due_at", w."done_at", i."status", i."result" FROM {T("_paas_wf_work")} w JOIN {T("_paas_wf_instances")} i ON i."id" = w."instance_id"
            WHERE i."workflow" = 'timer' AND w."step" = 'fire'
            """, ct);
        Require(rows.Count == WfTimers && rows.All(r => (string)r[2]! == "COMPLETED" && (string)r[3]! == "fired"),
            $"{WfTimers} timer instances should be COMPLETED with result fired: {rows.Count(r => (string)r[2]! == "COMPLETED")} of {rows.Count} are");
        var timers = rows.Select(r => (Due: Time(r[0]), Done: Time(r[1]))).ToList();
        Require(timers.All(t => t.Due == due.UtcDateTime), $"every fire step should be due at {dueText}");
        var lateness = timers.Select(t => (t.Done - t.Due).TotalMilliseconds).OrderBy(x => x).ToList();
        var late = lateness.Count(l => l > 1000);
        var first = lateness[0];
        var span = lateness[^1] - first;
        Log($"Workflows: {Format.N0(WfTimers)} timers fired (checked: every instance COMPLETED with result fired). Lateness (done_at − due_at): first {Format.Ms(first)}, "
            + $"p50 {Format.Ms(Stats.Median(lateness))}, p90 {Format.Ms(Stats.Percentile(lateness, 90))}, p99 {Format.Ms(Stats.Percentile(lateness, 99))}, max {Format.Ms(lateness[^1])}; "
            + $"{Format.N0(late)} more than 1 s late; the worker fired them at {Format.N0((WfTimers - 1) / (span / 1000))}/s after the first ({Format.Ms(span / WfTimers)} per step, one after the other)");
        Add(new Figure(name, target, $"max {Format.Ms(lateness[^1])} (p50 {Format.Ms(Stats.Median(lateness))}, first {Format.Ms(first)})",
            $"{Format.N0(late)} of {Format.N0(WfTimers)} > 1 s late", "-", lateness[^1] <= 1000));
    }

    // ------------------------------------------------------------------ the tenant's tables

    private string T(string table) => Pg ? $"{Schema}.\"{table}\"" : $"\"{table}\"";

    private async Task<DbConnection> TenantConnectionAsync(bool readOnly, CancellationToken ct)
    {
        DbConnection connection = Pg
            ? new NpgsqlConnection(_pg!.ConnectionString(Database))
            : new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = TenantFile(),
                Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = 60,
            }.ToString());
        await connection.OpenAsync(ct);
        if (!Pg)
        {
            await using var busy = connection.CreateCommand();
            busy.CommandText = "PRAGMA busy_timeout=60000;";
            await busy.ExecuteNonQueryAsync(ct);
        }

        return connection;
    }

    /// <summary>Runs a query on the tenant's tables (PostgreSQL schema tenant_bench, or the tenant's SQLite file, read-only).</summary>
    private async Task<List<object?[]>> TenantQueryAsync(string sql, CancellationToken ct)
    {
        if (Pg)
        {
            return await _pg!.QueryAsync(Database, sql, ct);
        }

        await using var connection = await TenantConnectionAsync(readOnly: true, ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
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

    private static long Long(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>A time column: DateTime (UTC) from PostgreSQL, ISO text from SQLite.</summary>
    private static DateTime Time(object? value) => value switch
    {
        DateTime dt => dt.ToUniversalTime(),
        DateTimeOffset dto => dto.UtcDateTime,
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal).UtcDateTime,
        _ => throw new BenchException($"Unexpected time value {value}"),
    };
}
