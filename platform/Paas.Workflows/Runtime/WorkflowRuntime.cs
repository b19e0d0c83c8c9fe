using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Metadata;
using Paas.Data.Query;
using Paas.Data.Records;
using Paas.Data.Scripting;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

/// <summary>
/// Runs workflow instances. Starting one writes the instance and its first step to the queue in the caller's
/// transaction (so a rolled-back change starts nothing). The worker (<see cref="RunDueAsync"/>) takes due steps in
/// batches: it claims their rows, runs them and records their effects, their completion and the next steps in one
/// transaction, so a step happens exactly once even when the process dies in the middle (the transaction rolls back and
/// the steps are still due) or several nodes compete for them (the claim is a row lock on PostgreSQL — skipped by the
/// others with SKIP LOCKED — and a guarded update on SQLite, which serialises writers). An approval step waits without
/// holding anything: the answers are rows, and the deciding answer queues the next step in its own transaction.
/// </summary>
public sealed partial class WorkflowRuntime(MetadataService metadata, IDatabaseConnector connector, IScriptRunner runner, TimeProvider time,
    ILogger<WorkflowRuntime> logger, RequestLimits? defaultLimits = null, IWorkflowStepObserver? observer = null) : IWorkflowStarter
{
    public const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<(Guid Tenant, string Workflow, int Version), WorkflowDefinition> _versions = new();
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Wakes the worker: work was queued in a transaction that has committed.</summary>
    public void Nudge()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Waits until <see cref="Nudge"/> or <paramref name="max"/> has passed.</summary>
    public Task WaitForWorkAsync(TimeSpan max, CancellationToken ct) => _wake.WaitAsync(max, ct);

    /// <summary>Starts an instance of <paramref name="workflow"/> on a record, in <paramref name="session"/>'s transaction.</summary>
    public async Task<WorkflowInstance> StartAsync(TenantSession session, Caller caller, PublishedWorkflow workflow, Guid recordId, CancellationToken ct)
    {
        var definition = workflow.Definition;
        var running = await RequestsOfRecordAsync(session, definition.Object, recordId, ct);
        if (running.Any(i => i.Workflow == definition.ApiName && i.Status is InstanceStatus.Running or InstanceStatus.Waiting))
        {
            throw PaasException.Conflict($"This {definition.Object} is already in the approval process '{definition.ApiName}'.");
        }

        if (definition.Trigger.Condition is { } condition)
        {
            var record = await RecordAsync(session, definition.Object, recordId, ct);
            if (!Evaluate(session, caller, definition, workflow.Version, "trigger", condition, record))
            {
                throw PaasException.Validation("id", $"This {definition.Object} does not meet the entry criteria of '{definition.ApiName}'.");
            }
        }

        return await InsertInstanceAsync(session, workflow, recordId, caller.UserId, ct);
    }

    /// <summary>Writes a new instance and queues its first step.</summary>
    private async Task<WorkflowInstance> InsertInstanceAsync(TenantSession session, PublishedWorkflow workflow, Guid recordId, Guid submittedBy, CancellationToken ct)
    {
        var definition = workflow.Definition;
        var instance = new WorkflowInstance
        {
            Id = Guid.CreateVersion7(),
            Workflow = definition.ApiName,
            Version = workflow.Version,
            Object = definition.Object,
            RecordId = recordId,
            Status = InstanceStatus.Running,
            CurrentStep = definition.Start,
            SubmittedBy = submittedBy,
            StartedAt = time.GetUtcNow(),
        };
        await WorkflowRows.InsertInstanceAsync(session, instance, ct);
        await WorkflowRows.EnqueueAsync(session, instance.Id, 1, definition.Start, instance.StartedAt, ct);
        return instance;
    }

    public Task OnCreatedAsync(TenantSession session, Caller caller, ObjectDefinition definition, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        StartTriggeredAsync(session, caller, definition, WorkflowTriggerType.RecordCreated, ids, ct);

    public Task OnUpdatedAsync(TenantSession session, Caller caller, ObjectDefinition definition, Guid id, CancellationToken ct) =>
        StartTriggeredAsync(session, caller, definition, WorkflowTriggerType.RecordUpdated, [id], ct);

    /// <summary>
    /// Starts each published workflow of the object with this trigger whose condition holds, unless the record is in it
    /// already (an update of a record with a running instance does not start a second one).
    /// </summary>
    private async Task StartTriggeredAsync(TenantSession session, Caller caller, ObjectDefinition definition, WorkflowTriggerType trigger, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var workflows = session.Metadata.Workflows.Where(w => w.Definition.Object == definition.ApiName && w.Definition.Trigger.Type == trigger).ToList();
        if (workflows.Count == 0)
        {
            return;
        }

        foreach (var id in ids)
        {
            var running = await RequestsOfRecordAsync(session, definition.ApiName, id, ct);
            foreach (var workflow in workflows)
            {
                if (running.Any(i => i.Workflow == workflow.Definition.ApiName && i.Status is InstanceStatus.Running or InstanceStatus.Waiting))
                {
                    continue;
                }

                if (workflow.Definition.Trigger.Condition is { } condition
                    && !Evaluate(session, caller, workflow.Definition, workflow.Version, "trigger", condition, await RecordAsync(session, definition.ApiName, id, ct)))
                {
                    continue;
                }

                await StartAsync(session, caller, workflow, id, ct);
            }
        }

        // The queued work belongs to the caller's transaction: the worker is woken once it has committed (a wake-up before
        // the commit would find nothing and sleep until the next poll).
        session.AfterCommit(Nudge);
    }

    /// <summary>
    /// Runs the steps that are due in one tenant, until none is left or <paramref name="max"/> have run; returns how many ran.
    /// The due steps are read in pages (earliest first) and cut into batches, each claimed with one statement and run in
    /// one transaction (<see cref="RunBatchAsync"/>). On PostgreSQL up to <paramref name="concurrency"/> batches run side
    /// by side (the claim skips rows other workers hold); SQLite, with one writer per tenant, runs them one after the other.
    /// </summary>
    public async Task<int> RunDueAsync(TenantInfo tenant, CancellationToken ct, int max = 200, DateTimeOffset? now = null, int concurrency = 1)
    {
        var lanes = connector.Dialect.Provider == DatabaseProvider.Postgres ? Math.Clamp(concurrency, 1, 64) : 1;
        var ran = 0;
        while (ran < max)
        {
            var due = await DueAsync(tenant, Math.Min(50 * lanes, max - ran), now ?? time.GetUtcNow(), ct);
            if (due.Count == 0)
            {
                break;
            }

            // A short queue is spread over the lanes (each step waits only for its own small batch); a long one fills batches.
            var progressed = 0;
            var size = Math.Clamp((due.Count + lanes - 1) / lanes, 1, BatchSize);
            await Parallel.ForEachAsync(due.Chunk(size), new ParallelOptions { MaxDegreeOfParallelism = lanes, CancellationToken = ct }, async (batch, token) =>
                Interlocked.Add(ref progressed, await RunBatchAsync(tenant, batch, token)));

            if (progressed == 0)
            {
                break;
            }

            ran += progressed;
        }

        return ran;
    }

    /// <summary>When the tenant's next queued step is due (null when none is queued): the worker sleeps until then at most.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(TenantInfo tenant, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        var s = session.Statement();
        s.Append($"SELECT \"due_at\" FROM {session.Table(WorkflowStore.WorkTable)} WHERE \"done_at\" IS NULL ORDER BY \"due_at\" LIMIT 1");
        var value = await session.ScalarAsync(s, ct);
        return value is null or DBNull ? null : (DateTimeOffset?)session.Dialect.FromDb(WorkflowStore.TimeColumn, value);
    }

    private async Task<List<Guid>> DueAsync(TenantInfo tenant, int limit, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        var s = session.Statement();
        s.Append($"SELECT \"id\" FROM {session.Table(WorkflowStore.WorkTable)} WHERE \"done_at\" IS NULL AND \"due_at\" <= {s.Parameter(WorkflowStore.TimeColumn, now)} " +
                 $"ORDER BY \"due_at\" LIMIT {limit.ToString(CultureInfo.InvariantCulture)}");
        var ids = new List<Guid>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add((Guid)session.Dialect.FromDb(WorkflowStore.IdColumn, reader.GetValue(0))!);
        }

        return ids;
    }

    /// <summary>
    /// After a failed step's transaction rolled back: a step that cannot succeed as defined (a field refused, a script
    /// failed) fails its instance, visibly; one that failed for a reason outside it (the database) runs again later.
    /// </summary>
    private async Task HandleFailureAsync(TenantInfo tenant, Guid workId, Guid instanceId, string stepName, Exception error, CancellationToken ct)
    {
        if (error is PaasException failure)
        {
            await FailAsync(tenant, workId, instanceId, stepName, failure.Message, ct);
            return;
        }

        logger.LogWarning(error, "Workflow step {Step} of instance {Instance} failed; it will be retried.", stepName, instanceId);
        await RetryLaterAsync(tenant, workId, instanceId, stepName, ct);
    }

    private async Task ExecuteAsync(TenantSession session, Guid workId, Guid instanceId, string stepName, int seq, StepBatch batch, CancellationToken ct)
    {
        await ExecuteStepAsync(session, workId, instanceId, stepName, seq, batch, ct);
        if (observer is not null)
        {
            await observer.BeforeCommitAsync(session, instanceId, stepName, ct);
        }
    }

    private async Task ExecuteStepAsync(TenantSession session, Guid workId, Guid instanceId, string stepName, int seq, StepBatch batch, CancellationToken ct)
    {
        var instance = batch.TakeInstance(instanceId);
        if (instance is null || !await IsEndAsync(session, instance, stepName, ct))
        {
            // What follows may read instances (this one included): they must show the ends this batch has held back.
            await FlushEndsAsync(session, batch, ct);
            instance ??= await WorkflowRows.InstanceAsync(session, instanceId, ct, forUpdate: true);
        }

        if (stepName.StartsWith(ReminderPrefix, StringComparison.Ordinal) && instance is not null)
        {
            await RemindAsync(session, instance, stepName, ct);
            batch.Done.Add(workId);
            return;
        }

        if (stepName.StartsWith(EscalationPrefix, StringComparison.Ordinal) && instance is not null)
        {
            await EscalateAsync(session, instance, stepName, ct);
            batch.Done.Add(workId);
            return;
        }

        // WAITING with work queued: another parallel branch runs while one waits for its approval.
        if (instance is null || instance.Status is not (InstanceStatus.Running or InstanceStatus.Waiting))
        {
            batch.Done.Add(workId);
            return;
        }

        var definition = await DefinitionAsync(session, instance.Workflow, instance.Version, ct);
        var step = definition.Step(stepName) ?? throw new PaasException(ErrorCodes.ScriptError, $"Workflow '{definition.ApiName}' v{instance.Version} has no step '{stepName}'.");
        var caller = SystemCaller(session, instance.SubmittedBy);
        session.Access = null;
        session.Scripts = new ScriptEnvironment(runner, new ScriptGovernor(Limits(session.Tenant).Scripts), caller, time);
        string? next = null;
        var dueAt = time.GetUtcNow();
        switch (step.Type)
        {
            case WorkflowStepType.Notify:
                await NotifyAsync(session, workId, instance, step, ct);
                next = step.Next;
                break;
            case WorkflowStepType.RunAction:
                await RunActionAsync(session, caller, instance, step, ct);
                next = step.Next;
                break;
            case WorkflowStepType.Wait:
                var waiting = await RecordAsync(session, instance.Object, instance.RecordId, ct);
                if (step.Wait?.UntilField is { } until)
                {
                    dueAt = waiting.GetValueOrDefault(until) switch
                    {
                        DateOnly date => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                        DateTimeOffset at => at,
                        _ => dueAt,
                    };
                }

                dueAt = dueAt.AddMinutes(step.Wait?.Minutes ?? 0);
                next = step.Next;
                break;
            case WorkflowStepType.Condition:
                var record = await RecordAsync(session, instance.Object, instance.RecordId, ct);
                var holds = Evaluate(session, caller, definition, instance.Version, step.Name, step.Expression!, record, instance.SubmittedBy);
                next = step.Outcomes.GetValueOrDefault(holds ? "true" : "false");
                break;
            case WorkflowStepType.UpdateFields:
                await new RecordWritePipeline(session, caller, time).UpdateAsync(Object(session, instance.Object), instance.RecordId, null,
                    step.Fields.ToDictionary(kv => kv.Key, kv => (object?)kv.Value), ct);
                next = step.Next;
                break;
            case WorkflowStepType.CreateRecord:
                var values = step.Values.ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == System.Text.Json.JsonValueKind.String && kv.Value.GetString() == "$record.id"
                    ? instance.RecordId.ToString()
                    : (object?)kv.Value);
                await new RecordWritePipeline(session, caller, time).CreateAsync(Object(session, step.Object!), [values], ct);
                next = step.Next;
                break;
            case WorkflowStepType.Approval:
                await AskAsync(session, instance, step, 1, null, ct);
                await SetStateAsync(session, instance.Id, definition, step.Name, ct);
                batch.Done.Add(workId);
                return;
            case WorkflowStepType.Parallel:
                foreach (var branch in step.Branches)
                {
                    await WorkflowRows.EnqueueAsync(session, instance.Id, await WorkflowRows.NextSeqAsync(session, instance.Id, ct), branch, dueAt, ct);
                }

                await SetStateAsync(session, instance.Id, definition, step.Name, ct);
                batch.Done.Add(workId);
                return;
            case WorkflowStepType.Join:
                if (!await AllArrivedAsync(session, instance.Id, definition, step, seq, ct))
                {
                    batch.Done.Add(workId);
                    return;
                }

                next = step.Next;
                break;
            case WorkflowStepType.End:
                // Written with the batch's other ends in one statement, before anything else reads instances.
                batch.End(instance.Id, step.Result ?? "completed");
                batch.Done.Add(workId);
                return;
        }

        if (next is null)
        {
            throw new PaasException(ErrorCodes.ScriptError, $"Step '{step.Name}' of workflow '{definition.ApiName}' has no next step.");
        }

        await SetStateAsync(session, instance.Id, definition, next, ct);
        await WorkflowRows.EnqueueAsync(session, instance.Id, await WorkflowRows.NextSeqAsync(session, instance.Id, ct), next, dueAt, ct);
        batch.Done.Add(workId);
    }

    /// <summary>
    /// An instance is WAITING while any of its approval steps has pending requests (with parallel branches, one may wait
    /// while another runs), and locked while one of those steps locks the record; otherwise RUNNING.
    /// </summary>
    internal static async Task SetStateAsync(TenantSession session, Guid instanceId, WorkflowDefinition definition, string? step, CancellationToken ct)
    {
        var pending = await WorkflowRows.PendingStepsAsync(session, instanceId, ct);
        var locked = pending.Any(p => definition.Step(p)?.Approval?.LockRecord != false);
        await WorkflowRows.UpdateInstanceAsync(session, instanceId, pending.Count > 0 ? InstanceStatus.Waiting : InstanceStatus.Running, step, locked, ct);
    }

    /// <summary>
    /// Whether every branch of the JOIN's PARALLEL step has now arrived: the arrivals are the JOIN's queued runs since the
    /// PARALLEL step last ran (the instance row is locked, so two branches arriving at once are counted one after the other).
    /// </summary>
    private static async Task<bool> AllArrivedAsync(TenantSession session, Guid instanceId, WorkflowDefinition definition, WorkflowStep join, int seq, CancellationToken ct)
    {
        var parallel = definition.Steps.First(s => s.Type == WorkflowStepType.Parallel && s.Join == join.Name);
        var s = session.Statement();
        var instance = s.Parameter(WorkflowStore.IdColumn, instanceId);
        s.Append($"SELECT COUNT(*) FROM {session.Table(WorkflowStore.WorkTable)} w WHERE w.\"instance_id\" = {instance} AND w.\"step\" = {s.Parameter(null, join.Name)} " +
                 $"AND w.\"seq\" <= {s.Parameter(null, seq)} AND w.\"seq\" > (SELECT COALESCE(MAX(p.\"seq\"), 0) FROM {session.Table(WorkflowStore.WorkTable)} p " +
                 $"WHERE p.\"instance_id\" = {instance} AND p.\"step\" = {s.Parameter(null, parallel.Name)} AND p.\"seq\" < {s.Parameter(null, seq)})");
        var arrived = Convert.ToInt32(await session.ScalarAsync(s, ct), CultureInfo.InvariantCulture);
        return arrived >= parallel.Branches.Count;
    }

    private async Task DoneAsync(TenantSession session, Guid workId, string? error, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.WorkTable)} SET \"done_at\" = {s.Parameter(WorkflowStore.TimeColumn, time.GetUtcNow())}, " +
                 $"\"error\" = {s.Parameter(null, error)} WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, workId)}");
        await session.ExecuteAsync(s, ct);
    }

    private async Task FailAsync(TenantInfo tenant, Guid workId, Guid instanceId, string step, string message, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        await session.BeginAsync(ct);
        await DoneAsync(session, workId, message, ct);
        await WorkflowRows.UpdateInstanceAsync(session, instanceId, InstanceStatus.Failed, step, false, ct, endedAt: time.GetUtcNow(), error: message);
        await WorkflowRows.ClosePendingAsync(session, instanceId, RequestStatus.Skipped, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
    }

    /// <summary>A step that failed for a reason outside it (the database) runs again later, at most <see cref="MaxAttempts"/> times.</summary>
    private async Task RetryLaterAsync(TenantInfo tenant, Guid workId, Guid instanceId, string step, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        await session.BeginAsync(ct);
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.WorkTable)} SET \"attempts\" = \"attempts\" + 1, \"due_at\" = {s.Parameter(WorkflowStore.TimeColumn, time.GetUtcNow().AddSeconds(5))} " +
                 $"WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, workId)} AND \"done_at\" IS NULL RETURNING \"attempts\"");
        var attempts = Convert.ToInt32(await session.ScalarAsync(s, ct) ?? 0, CultureInfo.InvariantCulture);
        await session.CommitAsync(ct);
        if (attempts >= MaxAttempts)
        {
            await FailAsync(tenant, workId, instanceId, step, $"Step '{step}' failed {attempts} times.", ct);
        }
    }

    /// <summary>Runs a custom action of the object on the instance's record, in the step's transaction, as the submitter would through the data API.</summary>
    private async Task RunActionAsync(TenantSession session, Caller caller, WorkflowInstance instance, WorkflowStep step, CancellationToken ct)
    {
        var action = session.Metadata.FindScript(step.Action!);
        if (action is not { Kind: ScriptKind.Action, Active: true } || action.Object != instance.Object)
        {
            throw new PaasException(ErrorCodes.ScriptError, $"Step '{step.Name}' runs the action '{step.Action}', which is not an active action of {instance.Object}.");
        }

        var environment = new ScriptEnvironment(runner, new ScriptGovernor(Limits(session.Tenant).Scripts, asynchronous: true), caller, time);
        session.Scripts = environment;
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = instance.Object,
            ["record"] = ScriptValues.ToPlain(await RecordAsync(session, instance.Object, instance.RecordId, ct)),
            ["input"] = step.Input.ToDictionary(kv => kv.Key, kv => ScriptValues.ToPlainValue(kv.Value), StringComparer.Ordinal),
            ["user"] = environment.User(session.Metadata),
        };
        var outcome = environment.Run(session, action, "action", context, ct, alwaysLog: true);
        if (outcome.Errors.Count > 0)
        {
            throw PaasException.Validation(outcome.Errors.Select(e => new FieldError(e.Field ?? "input", e.Message)).ToList());
        }
    }

    /// <summary>The definition an instance runs on: its own version, whatever is published now.</summary>
    internal async Task<WorkflowDefinition> DefinitionAsync(TenantSession session, string apiName, int version, CancellationToken ct)
    {
        if (_versions.TryGetValue((session.Tenant.Id, apiName, version), out var cached))
        {
            return cached;
        }

        var s = session.Statement();
        s.Append($"SELECT \"definition\" FROM {session.Table(WorkflowStore.DefinitionsTable)} WHERE \"api_name\" = {s.Parameter(null, apiName)} AND \"version\" = {s.Parameter(null, version)}");
        var json = await session.ScalarAsync(s, ct) as string ?? throw new PaasException(ErrorCodes.Internal, $"Workflow '{apiName}' v{version} is missing.");
        var definition = WorkflowDefinitionJson.Deserialize(json);
        _versions[(session.Tenant.Id, apiName, version)] = definition;
        return definition;
    }

    internal static async Task<Dictionary<string, object?>> RecordAsync(TenantSession session, string objectName, Guid id, CancellationToken ct)
    {
        var definition = Object(session, objectName);
        var access = session.Access;
        session.Access = null;
        try
        {
            var record = RecordSelection.Flatten(await RecordQueryExecutor.GetAsync(session, RecordSelection.Flat(definition, definition.LiveFields.Where(f => !f.IsComputed)), id, ct));
            return record ?? throw PaasException.NotFound($"There is no {objectName} with id {id}.");
        }
        finally
        {
            session.Access = access;
        }
    }

    private bool Evaluate(TenantSession session, Caller caller, WorkflowDefinition definition, int version, string step, string expression, Dictionary<string, object?> record,
        Guid? submitter = null)
    {
        var environment = session.Scripts ?? new ScriptEnvironment(runner, new ScriptGovernor(Limits(session.Tenant).Scripts), caller, time);
        var source = new ScriptSource($"{session.Tenant.Slug}/workflow/{definition.ApiName}/{version}/{step}", $"{definition.ApiName}.{step}",
            "const record = ctx.record; const submitter = ctx.submitter;\nreturn (\n" + expression + "\n);");
        var outcome = runner.Run(new ScriptExecution
        {
            Script = source,
            Kind = "workflowCondition",
            Context = new Dictionary<string, object?>
            {
                ["record"] = ScriptValues.ToPlain(record),
                ["submitter"] = (submitter ?? caller.UserId).ToString(),
            },
            Governor = environment.Governor,
        });
        return outcome.Result is true;
    }

    internal static ObjectDefinition Object(TenantSession session, string apiName) =>
        session.Metadata.FindObject(apiName) ?? throw PaasException.Validation("object", $"There is no object '{apiName}'.");

    private static Caller SystemCaller(TenantSession session, Guid user) => new(session.Tenant, user, "workflow");

    private RequestLimits Limits(TenantInfo tenant) => tenant.Limits ?? defaultLimits ?? new RequestLimits();

    internal async Task<TenantSession> OpenAsync(TenantInfo tenant, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(tenant, ct);
        return new TenantSession(tenant, await connector.OpenAsync(tenant, ct), connector.Dialect, snapshot);
    }

    internal static AccessContext? AccessOf(TenantMetadata metadata, Guid user) => AccessContext.Cached(metadata, user);
}
