using System.Globalization;
using Paas.Core.Configuration;
using Paas.Core.Tenancy;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

public sealed partial class WorkflowRuntime
{
    /// <summary>Due steps claimed and run in one transaction.</summary>
    internal const int BatchSize = 50;

    private readonly record struct ClaimedStep(Guid Work, Guid Instance, string Step, int Seq);

    /// <summary>
    /// Claims those of <paramref name="workIds"/> that are still due and free with one statement (PostgreSQL:
    /// <c>FOR UPDATE SKIP LOCKED</c>; SQLite: a guarded update under its write lock) and runs them in one transaction, so the claim and the commit are paid once
    /// per batch instead of once per step. The batch's instances are locked up front in id order with one statement (every
    /// batch takes them in the same order, so two lanes cannot deadlock on them), steps run in that order, and their work
    /// rows are marked done together just before the commit. When a step fails, the whole transaction rolls back — none
    /// of the batch happened — the failed step is handled as a lone step's failure would be, and the others run again as a
    /// new batch. Returns how many steps ran.
    /// </summary>
    private async Task<int> RunBatchAsync(TenantInfo tenant, IReadOnlyList<Guid> workIds, CancellationToken ct)
    {
        List<ClaimedStep> claimed;
        ClaimedStep failed;
        Exception error;
        await using (var session = await OpenAsync(tenant, ct))
        {
            await session.BeginAsync(ct);
            claimed = await ClaimBatchAsync(session, workIds, ct);
            if (claimed.Count == 0)
            {
                return 0;
            }

            var batch = new StepBatch(await LockInstancesAsync(session, claimed.Select(c => c.Instance).Distinct().ToList(), ct));
            var failure = await ExecuteBatchAsync(session, claimed, batch, ct);
            if (failure is null)
            {
                await FlushEndsAsync(session, batch, ct);
                await MarkDoneAsync(session, batch.Done, ct);
                await session.CommitAsync(ct);
                return claimed.Count;
            }

            (failed, error) = failure.Value;
        }

        await HandleFailureAsync(tenant, failed.Work, failed.Instance, failed.Step, error, ct);
        var others = claimed.Where(c => c.Work != failed.Work).Select(c => c.Work).ToList();
        return 1 + (others.Count == 0 ? 0 : await RunBatchAsync(tenant, others, ct));
    }

    /// <summary>Runs the claimed steps in the session's transaction; the first step that throws ends the batch (cancellation is not caught).</summary>
    private async Task<(ClaimedStep Step, Exception Error)?> ExecuteBatchAsync(TenantSession session, List<ClaimedStep> claimed, StepBatch batch, CancellationToken ct)
    {
        foreach (var step in claimed.OrderBy(c => c.Instance).ThenBy(c => c.Seq))
        {
            try
            {
                await ExecuteAsync(session, step.Work, step.Instance, step.Step, step.Seq, batch, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (step, ex);
            }
        }

        return null;
    }

    /// <summary>
    /// Locks the batch's instances in id order with one statement and keeps the rows read, so each instance's first step
    /// in the batch need not read and lock it again.
    /// </summary>
    private static async Task<Dictionary<Guid, WorkflowInstance>> LockInstancesAsync(TenantSession session, List<Guid> instanceIds, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT {WorkflowRows.InstanceColumns} FROM {session.Table(WorkflowStore.InstancesTable)} i WHERE {IdIn(s, "i.\"id\"", instanceIds)} ORDER BY i.\"id\"" +
                 (session.Dialect.Provider == DatabaseProvider.Postgres ? " FOR UPDATE" : ""));
        var instances = new Dictionary<Guid, WorkflowInstance>(instanceIds.Count);
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var instance = WorkflowRows.ReadInstance(session, reader);
            instances[instance.Id] = instance;
        }

        return instances;
    }

    /// <summary>Marks the batch's steps done with one statement, just before the commit.</summary>
    private async Task MarkDoneAsync(TenantSession session, List<Guid> workIds, CancellationToken ct)
    {
        if (workIds.Count == 0)
        {
            return;
        }

        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.WorkTable)} SET \"done_at\" = {s.Parameter(WorkflowStore.TimeColumn, time.GetUtcNow())}, \"error\" = NULL " +
                 $"WHERE {IdIn(s, "\"id\"", workIds)}");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary><paramref name="column"/> is one of <paramref name="ids"/> (see <see cref="Data.Sql.SqlStatement.IdIn"/>).</summary>
    private static string IdIn(Data.Sql.SqlStatement s, string column, IReadOnlyList<Guid> ids) => s.IdIn(column, WorkflowStore.IdColumn, ids);

    /// <summary>Whether the step is the END of a running instance: one whose only effect is to complete the instance.</summary>
    private async Task<bool> IsEndAsync(TenantSession session, WorkflowInstance instance, string stepName, CancellationToken ct) =>
        instance.Status is InstanceStatus.Running or InstanceStatus.Waiting
        && !stepName.StartsWith(ReminderPrefix, StringComparison.Ordinal) && !stepName.StartsWith(EscalationPrefix, StringComparison.Ordinal)
        && (await DefinitionAsync(session, instance.Workflow, instance.Version, ct)).Step(stepName)?.Type == Core.Workflows.WorkflowStepType.End;

    /// <summary>Completes the instances that reached an END in this batch, one statement per result.</summary>
    private async Task FlushEndsAsync(TenantSession session, StepBatch batch, CancellationToken ct)
    {
        foreach (var group in batch.TakeEnds().GroupBy(e => e.Result, StringComparer.Ordinal))
        {
            var s = session.Statement();
            s.Append($"UPDATE {session.Table(WorkflowStore.InstancesTable)} SET \"status\" = {s.Parameter(null, InstanceStatus.Completed)}, \"current_step\" = NULL, " +
                     $"\"locked\" = 0, \"result\" = {s.Parameter(null, group.Key)}, \"ended_at\" = {s.Parameter(WorkflowStore.TimeColumn, time.GetUtcNow())}, \"error\" = NULL " +
                     $"WHERE {IdIn(s, "\"id\"", group.Select(e => e.Instance).ToList())}");
            await session.ExecuteAsync(s, ct);
        }
    }

    /// <summary>What the steps of one batch share: the instances locked up front, the steps done so far, the ends not yet written.</summary>
    private sealed class StepBatch(Dictionary<Guid, WorkflowInstance> locked)
    {
        private List<(Guid Instance, string Result)> _ends = [];

        public List<Guid> Done { get; } = [];

        public void End(Guid instance, string result) => _ends.Add((instance, result));

        public List<(Guid Instance, string Result)> TakeEnds()
        {
            var ends = _ends;
            _ends = [];
            return ends;
        }

        /// <summary>The instance as locked at the start of the batch, for its first step only (a step may change it).</summary>
        public WorkflowInstance? TakeInstance(Guid id) => locked.Remove(id, out var instance) ? instance : null;
    }

    /// <summary>Locks the given work rows that are not done and not held by another worker.</summary>
    private static async Task<List<ClaimedStep>> ClaimBatchAsync(TenantSession session, IReadOnlyList<Guid> workIds, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append(session.Dialect.Provider == DatabaseProvider.Postgres
            ? $"SELECT \"id\", \"instance_id\", \"step\", \"seq\" FROM {session.Table(WorkflowStore.WorkTable)} " +
              $"WHERE {IdIn(s, "\"id\"", workIds)} AND \"done_at\" IS NULL FOR UPDATE SKIP LOCKED"
            // SQLite: the update takes the database's write lock (a competing writer commits first) and claims only steps still not done.
            : $"UPDATE {session.Table(WorkflowStore.WorkTable)} SET \"attempts\" = \"attempts\" + 1 " +
              $"WHERE {IdIn(s, "\"id\"", workIds)} AND \"done_at\" IS NULL RETURNING \"id\", \"instance_id\", \"step\", \"seq\"");
        var claimed = new List<ClaimedStep>(workIds.Count);
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedStep((Guid)session.Dialect.FromDb(WorkflowStore.IdColumn, reader.GetValue(0))!,
                (Guid)session.Dialect.FromDb(WorkflowStore.IdColumn, reader.GetValue(1))!, reader.GetString(2),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture)));
        }

        return claimed;
    }
}
