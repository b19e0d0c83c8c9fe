using System.Globalization;
using Microsoft.Extensions.Logging;
using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Scheduling;
using Paas.Data.Security;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

public sealed partial class WorkflowRuntime
{
    /// <summary>At most this many records get an instance per occurrence of a schedule; the others wait for the next one.</summary>
    public const int MaxScheduledRecords = 1000;

    /// <summary>
    /// Starts the occurrences of SCHEDULE workflows that are due at <paramref name="now"/>: one instance per record of the
    /// object that matches the trigger's filter and condition and is not in a running instance of the workflow already.
    /// The claim of the occurrence and the instances it starts are one transaction: a process that dies in between starts
    /// nothing and the occurrence stays due. Returns how many instances started.
    /// </summary>
    public Task<int> StartScheduledAsync(TenantInfo tenant, CancellationToken ct) => StartScheduledAsync(tenant, time.GetUtcNow(), ct);

    /// <inheritdoc cref="StartScheduledAsync(TenantInfo, CancellationToken)"/>
    public async Task<int> StartScheduledAsync(TenantInfo tenant, DateTimeOffset now, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(tenant, ct);
        if (!snapshot.Workflows.Any(w => w.Definition.Trigger.Type == WorkflowTriggerType.Schedule))
        {
            return 0;
        }

        List<WorkflowScheduleRows.Due> due;
        await using (var session = await OpenAsync(tenant, ct))
        {
            due = await WorkflowScheduleRows.DueAsync(session, now, ct);
        }

        var started = 0;
        foreach (var occurrence in due)
        {
            var workflow = snapshot.Workflows.FirstOrDefault(w => w.Definition.ApiName == occurrence.Workflow);
            if (workflow is not null && workflow.Version != occurrence.Version)
            {
                // This node's metadata is older or newer than the schedule row; the next pass sees them agree.
                continue;
            }

            var next = workflow?.Definition.Trigger is { Type: WorkflowTriggerType.Schedule, Cron: { } cron } trigger && CronSchedule.Zone(trigger.TimeZone) is { } zone
                ? CronSchedule.Next(cron, now, zone)
                : null;
            started += await StartOccurrenceAsync(tenant, occurrence, workflow, next, ct);
        }

        if (started > 0)
        {
            Nudge();
        }

        return started;
    }

    private async Task<int> StartOccurrenceAsync(TenantInfo tenant, WorkflowScheduleRows.Due occurrence, PublishedWorkflow? workflow, DateTimeOffset? next, CancellationToken ct)
    {
        try
        {
            await using var session = await OpenAsync(tenant, ct);
            await session.BeginAsync(ct);
            if (!await WorkflowScheduleRows.ClaimAsync(session, occurrence, next, ct))
            {
                return 0;
            }

            var started = workflow is { Definition.Trigger.Type: WorkflowTriggerType.Schedule } ? await StartOnMatchingRecordsAsync(session, workflow, ct) : 0;
            await session.CommitAsync(ct);
            return started;
        }
        catch (PaasException error)
        {
            // The definition no longer fits the metadata (a filtered field was deleted): this occurrence is skipped, visibly.
            logger.LogWarning("Scheduled workflow {Workflow} of tenant {Tenant} could not start: {Message}", occurrence.Workflow, tenant.Slug, error.Message);
            await using var session = await OpenAsync(tenant, ct);
            await session.BeginAsync(ct);
            await WorkflowScheduleRows.ClaimAsync(session, occurrence, next, ct);
            await session.CommitAsync(ct);
            return 0;
        }
    }

    private async Task<int> StartOnMatchingRecordsAsync(TenantSession session, PublishedWorkflow workflow, CancellationToken ct)
    {
        var definition = workflow.Definition;
        var submitter = await WorkflowScheduleRows.SavedByAsync(session, definition.ApiName, workflow.Version, ct) ?? Guid.Empty;
        var caller = SystemCaller(session, submitter);
        var ids = await MatchingRecordsAsync(session, definition, ct);
        if (ids.Count > MaxScheduledRecords)
        {
            logger.LogWarning("Scheduled workflow {Workflow} of tenant {Tenant} matched more than {Max} records; the others wait for the next occurrence.",
                definition.ApiName, session.Tenant.Slug, MaxScheduledRecords);
            ids = ids.Take(MaxScheduledRecords).ToList();
        }

        var started = 0;
        foreach (var id in ids)
        {
            if (definition.Trigger.Condition is { } condition
                && !Evaluate(session, caller, definition, workflow.Version, "trigger", condition, await RecordAsync(session, definition.Object, id, ct)))
            {
                continue;
            }

            await InsertInstanceAsync(session, workflow, id, submitter, ct);
            started++;
        }

        return started;
    }

    /// <summary>Whether a record matches a SCHEDULE trigger's filter (true without one), for simulations.</summary>
    internal static async Task<bool> MatchesFilterAsync(TenantSession session, WorkflowDefinition definition, Guid recordId, CancellationToken ct)
    {
        if (definition.Trigger.Filter is not { } filter)
        {
            return true;
        }

        var target = Object(session, definition.Object);
        var s = session.Statement();
        var access = session.Access;
        session.Access = null;
        try
        {
            var where = session.Filters(s).Compile(target, "t", RecordAccess.ParseCriteria(filter.GetRawText()));
            s.Append($"SELECT COUNT(*) FROM {session.Table(target)} t WHERE t.{session.Dialect.Quote(target.IdField.Column)} = {s.Parameter(target.IdField, recordId)} AND ({where})");
            return Convert.ToInt64(await session.ScalarAsync(s, ct), CultureInfo.InvariantCulture) > 0;
        }
        finally
        {
            session.Access = access;
        }
    }

    /// <summary>The records matching the trigger's filter that are not in a running instance of the workflow, one more than the cap at most.</summary>
    private static async Task<List<Guid>> MatchingRecordsAsync(TenantSession session, WorkflowDefinition definition, CancellationToken ct)
    {
        var target = Object(session, definition.Object);
        var d = session.Dialect;
        var s = session.Statement();
        session.Access = null;
        var where = definition.Trigger.Filter is { } filter
            ? session.Filters(s).Compile(target, "t", RecordAccess.ParseCriteria(filter.GetRawText()))
            : "1=1";
        var id = $"t.{d.Quote(target.IdField.Column)}";
        s.Append($"SELECT {id} FROM {session.Table(target)} t WHERE ({where}) AND NOT EXISTS (SELECT 1 FROM {session.Table(WorkflowStore.InstancesTable)} i " +
                 $"WHERE i.\"record_id\" = {id} AND i.\"workflow\" = {s.Parameter(null, definition.ApiName)} AND i.\"status\" IN ('RUNNING', 'WAITING')) " +
                 $"ORDER BY {id} LIMIT {(MaxScheduledRecords + 1).ToString(CultureInfo.InvariantCulture)}");
        var ids = new List<Guid>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add((Guid)d.FromDb(target.IdField, reader.GetValue(0))!);
        }

        return ids;
    }
}
