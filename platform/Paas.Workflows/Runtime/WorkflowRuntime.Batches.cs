using System.Globalization;
using Paas.Core.Tenancy;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

public sealed partial class WorkflowRuntime
{
    /// <summary>Due steps claimed and run in one PostgreSQL transaction.</summary>
    internal const int BatchSize = 16;

    private readonly record struct ClaimedStep(Guid Work, Guid Instance, string Step, int Seq);

    /// <summary>
    /// PostgreSQL: claims those of <paramref name="workIds"/> that are still due and free with one
    /// <c>FOR UPDATE SKIP LOCKED</c> statement and runs them in one transaction, so the claim and the commit are paid once
    /// per batch instead of once per step. Steps run in the order of their instances' ids (every batch takes instance locks
    /// in the same order, so two lanes cannot deadlock on them). When a step fails, the whole transaction rolls back — none
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

            var failure = await ExecuteBatchAsync(session, claimed, ct);
            if (failure is null)
            {
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
    private async Task<(ClaimedStep Step, Exception Error)?> ExecuteBatchAsync(TenantSession session, List<ClaimedStep> claimed, CancellationToken ct)
    {
        foreach (var step in claimed.OrderBy(c => c.Instance).ThenBy(c => c.Seq))
        {
            try
            {
                await ExecuteAsync(session, step.Work, step.Instance, step.Step, step.Seq, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (step, ex);
            }
        }

        return null;
    }

    /// <summary>
    /// Locks the given work rows that are not done and not held by another worker. The id list is padded to
    /// <see cref="BatchSize"/> with its last id, so every batch sends the same statement (prepared once).
    /// </summary>
    private static async Task<List<ClaimedStep>> ClaimBatchAsync(TenantSession session, IReadOnlyList<Guid> workIds, CancellationToken ct)
    {
        var s = session.Statement();
        var ids = Enumerable.Range(0, Math.Max(BatchSize, workIds.Count))
            .Select(i => s.Parameter(WorkflowStore.IdColumn, workIds[Math.Min(i, workIds.Count - 1)]));
        s.Append($"SELECT \"id\", \"instance_id\", \"step\", \"seq\" FROM {session.Table(WorkflowStore.WorkTable)} " +
                 $"WHERE \"id\" IN ({string.Join(", ", ids)}) AND \"done_at\" IS NULL FOR UPDATE SKIP LOCKED");
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
