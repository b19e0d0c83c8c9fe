using Paas.Core.Errors;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Records;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

/// <summary>Approval requests: who is asked, how answers decide a step, recall and reassignment, the inbox and history.</summary>
public sealed partial class WorkflowRuntime
{
    public const int MaxApproversPerStep = 100;

    /// <summary>
    /// <c>submitForApproval</c>: the caller, who must be able to edit the record, starts the published approval process
    /// <paramref name="process"/> (or the object's only manual one) on it.
    /// </summary>
    public async Task<WorkflowInstance> SubmitAsync(TenantSession session, Caller caller, string objectName, Guid recordId, string? process, CancellationToken ct)
    {
        var definition = Object(session, objectName);
        if (session.Access is { } access && (!access.CanRead(definition)
            || (await RecordSql.ExistingIdsAsync(session, definition, [recordId], ct, AccessLevel.Edit)).Count == 0))
        {
            throw PaasException.NotFound($"There is no {objectName} with that id that you may submit.");
        }

        if ((await RecordSql.ExistingIdsAsync(session, definition, [recordId], ct)).Count == 0)
        {
            throw PaasException.NotFound($"There is no {objectName} with that id.");
        }

        var candidates = session.Metadata.Workflows.Where(w => w.Definition.Object == objectName && w.Definition.Trigger.Type == WorkflowTriggerType.Manual
            && (process is null || w.Definition.ApiName == process)).ToList();
        var workflow = candidates.Count switch
        {
            1 => candidates[0],
            0 => throw PaasException.Validation("process", process is null
                ? $"{objectName} has no published approval process."
                : $"There is no published approval process '{process}' for {objectName}."),
            _ => throw PaasException.Validation("process", $"{objectName} has several approval processes: name one ({string.Join(", ", candidates.Select(c => c.Definition.ApiName))})."),
        };
        return await StartAsync(session, caller, workflow, recordId, ct);
    }

    /// <summary>Asks the approvers of an approval step (level 1, or the next manager of a chain).</summary>
    private async Task AskAsync(TenantSession session, WorkflowInstance instance, WorkflowStep step, int level, Guid? previous, CancellationToken ct)
    {
        var approvers = Resolve(session.Metadata.Security, step.Approval!, instance.SubmittedBy, level, previous).Distinct().Take(MaxApproversPerStep).ToList();
        if (approvers.Count == 0)
        {
            throw new PaasException(ErrorCodes.ValidationFailed, $"Step '{step.Name}' of '{instance.Workflow}' has no active approver.");
        }

        if (step.Approval!.RemindAfterMinutes is { } remind)
        {
            await WorkflowRows.EnqueueAsync(session, instance.Id, await WorkflowRows.NextSeqAsync(session, instance.Id, ct),
                $"{ReminderPrefix}{step.Name}:{level.ToString(System.Globalization.CultureInfo.InvariantCulture)}", time.GetUtcNow().AddMinutes(remind), ct);
        }

        if (step.Approval!.EscalateAfterMinutes is { } minutes && step.Approval.EscalateTo is not null)
        {
            await WorkflowRows.EnqueueAsync(session, instance.Id, await WorkflowRows.NextSeqAsync(session, instance.Id, ct),
                $"{EscalationPrefix}{step.Name}:{level.ToString(System.Globalization.CultureInfo.InvariantCulture)}", time.GetUtcNow().AddMinutes(minutes), ct);
        }

        foreach (var asked in approvers)
        {
            // An approver who is out of office has named a delegate: the request goes to the delegate, and says for whom.
            var approver = await WorkflowStore.DelegateOfAsync(session, asked, time.GetUtcNow(), ct) is { } delegated
                           && session.Metadata.Security.FindUser(delegated) is { IsActive: true } ? delegated : asked;
            await WorkflowRows.InsertRequestAsync(session, new ApprovalRequest
            {
                Id = Guid.CreateVersion7(),
                InstanceId = instance.Id,
                Step = step.Name,
                Level = level,
                Approver = approver,
                Status = RequestStatus.Pending,
                CreatedAt = time.GetUtcNow(),
                ReassignedFrom = approver == asked ? null : asked,
            }, ct);
            await NotificationStore.AddAsync(session, approver, $"Your approval is requested: {instance.Workflow} ({step.Name}) on a {instance.Object}.", instance.Object,
                instance.RecordId, time.GetUtcNow(), ct);
        }
    }

    internal static IEnumerable<Guid> Resolve(SecurityModel security, ApprovalSettings settings, Guid submitter, int level, Guid? previous)
    {
        foreach (var spec in settings.Approvers)
        {
            switch (spec.Type)
            {
                case ApproverType.User when spec.User is { } id && security.FindUser(id) is { IsActive: true }:
                    yield return id;
                    break;
                case ApproverType.Role when spec.Role is not null:
                    foreach (var user in security.Members(new Principal(PrincipalKind.Role, spec.Role)))
                    {
                        yield return user.Id;
                    }

                    break;
                case ApproverType.Queue when spec.Group is not null:
                    foreach (var user in security.Members(new Principal(PrincipalKind.Group, spec.Group)))
                    {
                        yield return user.Id;
                    }

                    break;
                case ApproverType.Manager when security.FindUser(submitter)?.Manager is { } manager && security.FindUser(manager) is { IsActive: true }:
                    yield return manager;
                    break;
                case ApproverType.ManagerChain when security.FindUser(level == 1 ? submitter : previous ?? submitter)?.Manager is { } next
                                                    && security.FindUser(next) is { IsActive: true }:
                    yield return next;
                    break;
            }
        }
    }

    /// <summary>
    /// An approver's answer. It counts only while the request is pending; when it decides the step (by the step's mode),
    /// the other requests are closed, the record is unlocked and the outcome's step is queued — all in the caller's
    /// transaction.
    /// </summary>
    public async Task<ApprovalRequest> AnswerAsync(TenantSession session, Caller caller, Guid requestId, bool approve, string? comment, CancellationToken ct)
    {
        ValidateComment(comment);
        var request = (await WorkflowRows.RequestsAsync(session, "a.\"id\" = {0}", (s, p) => p.Add(s.Parameter(WorkflowStore.IdColumn, requestId)), ct)).FirstOrDefault();
        if (request is null || (request.Approver != caller.UserId && caller.Access is { System.ModifyAllData: false }))
        {
            throw PaasException.NotFound("There is no approval request with that id for you.");
        }

        var instance = await WorkflowRows.InstanceAsync(session, request.InstanceId, ct, forUpdate: true);
        if (request.Status != RequestStatus.Pending || instance is not { Status: InstanceStatus.Waiting })
        {
            throw PaasException.Conflict($"This request was already answered ({request.Status.ToLowerInvariant()}).");
        }

        if (!await WorkflowRows.AnswerAsync(session, request.Id, approve ? RequestStatus.Approved : RequestStatus.Rejected, comment, caller.UserId, time.GetUtcNow(), ct))
        {
            throw PaasException.Conflict("This request was answered at the same moment by someone else.");
        }

        var definition = await DefinitionAsync(session, instance.Workflow, instance.Version, ct);
        var step = definition.Step(request.Step)!;
        var answers = await WorkflowRows.RequestsAsync(session, "a.\"instance_id\" = {0} AND a.\"step\" = {1} AND a.\"level\" = {2} AND a.\"status\" <> 'REASSIGNED'",
            (s, p) =>
            {
                p.Add(s.Parameter(WorkflowStore.IdColumn, instance.Id));
                p.Add(s.Parameter(null, step.Name));
                p.Add(s.Parameter(null, request.Level));
            }, ct);
        var decision = Decide(step.Approval!.Mode, answers.Count, answers.Count(a => a.Status == RequestStatus.Approved), answers.Count(a => a.Status == RequestStatus.Rejected));
        if (decision is null)
        {
            return request with { Status = approve ? RequestStatus.Approved : RequestStatus.Rejected, Comment = comment };
        }

        await WorkflowRows.ClosePendingAsync(session, instance.Id, RequestStatus.Skipped, time.GetUtcNow(), ct, step.Name);
        var chain = step.Approval.Approvers.FirstOrDefault(a => a.Type == ApproverType.ManagerChain);
        if (decision == "approved" && chain is not null && request.Level < (chain.Levels ?? 1)
            && Resolve(session.Metadata.Security, step.Approval, instance.SubmittedBy, request.Level + 1, request.Approver).Any())
        {
            // The next manager up the chain is asked; the record stays locked.
            await AskAsync(session, instance, step, request.Level + 1, request.Approver, ct);
        }
        else
        {
            var next = step.Outcomes.GetValueOrDefault(decision)
                ?? throw new PaasException(ErrorCodes.Internal, $"Step '{step.Name}' has no '{decision}' outcome.");
            await SetStateAsync(session, instance.Id, definition, next, ct);
            await WorkflowRows.EnqueueAsync(session, instance.Id, await WorkflowRows.NextSeqAsync(session, instance.Id, ct), next, time.GetUtcNow(), ct);
        }

        return request with { Status = approve ? RequestStatus.Approved : RequestStatus.Rejected, Comment = comment };
    }

    /// <summary>Queued reminders are steps named <c>~remind:{step}:{level}</c>.</summary>
    internal const string ReminderPrefix = "~remind:";

    /// <summary>Reminds the step's pending approvers, if it is still undecided.</summary>
    private async Task RemindAsync(TenantSession session, WorkflowInstance instance, string work, CancellationToken ct)
    {
        var parts = work[ReminderPrefix.Length..].Split(':');
        if (instance.Status != InstanceStatus.Waiting)
        {
            return;
        }

        var pending = await WorkflowRows.RequestsAsync(session, "a.\"instance_id\" = {0} AND a.\"step\" = {1} AND a.\"status\" = 'PENDING'",
            (s, p) =>
            {
                p.Add(s.Parameter(WorkflowStore.IdColumn, instance.Id));
                p.Add(s.Parameter(null, parts[0]));
            }, ct);
        foreach (var request in pending)
        {
            await NotificationStore.AddAsync(session, request.Approver, $"Reminder: your approval is still requested: {instance.Workflow} ({request.Step}) on a {instance.Object}.",
                instance.Object, instance.RecordId, time.GetUtcNow(), ct);
        }
    }

    /// <summary>Queued escalations are steps named <c>~escalate:{step}:{level}</c>.</summary>
    internal const string EscalationPrefix = "~escalate:";

    /// <summary>
    /// The step is still undecided when its escalation time comes: its pending requests go to the escalation approvers
    /// (reassigned, so the history shows from whom). An answered or recalled step has nothing pending and is left alone.
    /// </summary>
    private async Task EscalateAsync(TenantSession session, WorkflowInstance instance, string work, CancellationToken ct)
    {
        var parts = work[EscalationPrefix.Length..].Split(':');
        if (instance.Status != InstanceStatus.Waiting)
        {
            return;
        }

        var level = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var definition = await DefinitionAsync(session, instance.Workflow, instance.Version, ct);
        var step = definition.Step(parts[0])!;
        var pending = await WorkflowRows.RequestsAsync(session, "a.\"instance_id\" = {0} AND a.\"step\" = {1} AND a.\"level\" = {2} AND a.\"status\" = 'PENDING'",
            (s, p) =>
            {
                p.Add(s.Parameter(WorkflowStore.IdColumn, instance.Id));
                p.Add(s.Parameter(null, step.Name));
                p.Add(s.Parameter(null, level));
            }, ct);
        var targets = Resolve(session.Metadata.Security, new ApprovalSettings { Approvers = [step.Approval!.EscalateTo!] }, instance.SubmittedBy, 1, null).Distinct().ToList();
        if (pending.Count == 0 || targets.Count == 0)
        {
            return;
        }

        foreach (var request in pending)
        {
            await WorkflowRows.AnswerAsync(session, request.Id, RequestStatus.Reassigned, "Escalated: no answer in time.", instance.SubmittedBy, time.GetUtcNow(), ct);
        }

        // One request per escalation approver stands in for all the unanswered ones, so the step's mode counts them as one answer each.
        foreach (var target in targets)
        {
            await WorkflowRows.InsertRequestAsync(session, new ApprovalRequest
            {
                Id = Guid.CreateVersion7(),
                InstanceId = instance.Id,
                Step = step.Name,
                Level = level,
                Approver = target,
                Status = RequestStatus.Pending,
                CreatedAt = time.GetUtcNow(),
                ReassignedFrom = pending[0].Approver,
            }, ct);
            await NotificationStore.AddAsync(session, target, $"An approval was escalated to you: {instance.Workflow} ({step.Name}) on a {instance.Object}.", instance.Object,
                instance.RecordId, time.GetUtcNow(), ct);
        }
    }

    /// <summary>"approved", "rejected" or null while undecided.</summary>
    public static string? Decide(ApprovalMode mode, int asked, int approved, int rejected) => mode switch
    {
        ApprovalMode.FirstResponse => approved > 0 ? "approved" : rejected > 0 ? "rejected" : null,
        ApprovalMode.Unanimous => rejected > 0 ? "rejected" : approved == asked ? "approved" : null,
        _ => approved * 2 > asked ? "approved" : (asked - rejected) * 2 <= asked ? "rejected" : null,
    };

    /// <summary>The submitter (or an admin) takes a pending instance back: its requests close, the record unlocks, <c>onRecall</c> runs.</summary>
    public async Task<WorkflowInstance> RecallAsync(TenantSession session, Caller caller, Guid instanceId, string? comment, CancellationToken ct)
    {
        ValidateComment(comment);
        var instance = await WorkflowRows.InstanceAsync(session, instanceId, ct, forUpdate: true);
        if (instance is null || (instance.SubmittedBy != caller.UserId && caller.Access is { System.ModifyAllData: false }))
        {
            throw PaasException.NotFound("There is no approval of yours with that id.");
        }

        if (instance.Status != InstanceStatus.Waiting)
        {
            throw PaasException.Conflict($"Only a pending approval can be recalled; this one is {instance.Status.ToLowerInvariant()}.");
        }

        await WorkflowRows.ClosePendingAsync(session, instance.Id, RequestStatus.Recalled, time.GetUtcNow(), ct);
        var definition = await DefinitionAsync(session, instance.Workflow, instance.Version, ct);
        if (definition.OnRecall is { } onRecall)
        {
            await WorkflowRows.UpdateInstanceAsync(session, instance.Id, InstanceStatus.Running, onRecall, false, ct);
            await WorkflowRows.EnqueueAsync(session, instance.Id, await WorkflowRows.NextSeqAsync(session, instance.Id, ct), onRecall, time.GetUtcNow(), ct);
        }
        else
        {
            await WorkflowRows.UpdateInstanceAsync(session, instance.Id, InstanceStatus.Recalled, null, false, ct, result: "recalled", endedAt: time.GetUtcNow());
        }

        return (await WorkflowRows.InstanceAsync(session, instance.Id, ct))!;
    }

    /// <summary>Hands a pending request to another active user (its approver or an admin may).</summary>
    public async Task<ApprovalRequest> ReassignAsync(TenantSession session, Caller caller, Guid requestId, Guid to, string? comment, CancellationToken ct)
    {
        ValidateComment(comment);
        var request = (await WorkflowRows.RequestsAsync(session, "a.\"id\" = {0}", (s, p) => p.Add(s.Parameter(WorkflowStore.IdColumn, requestId)), ct)).FirstOrDefault();
        if (request is null || (request.Approver != caller.UserId && caller.Access is { System.ModifyAllData: false }))
        {
            throw PaasException.NotFound("There is no approval request with that id for you.");
        }

        if (session.Metadata.Security.FindUser(to) is not { IsActive: true })
        {
            throw PaasException.Validation("to", $"There is no active user with id {to}.");
        }

        if (!await WorkflowRows.AnswerAsync(session, request.Id, RequestStatus.Reassigned, comment, caller.UserId, time.GetUtcNow(), ct))
        {
            throw PaasException.Conflict($"This request was already answered ({request.Status.ToLowerInvariant()}).");
        }

        var reassigned = request with
        {
            Id = Guid.CreateVersion7(),
            Approver = to,
            Status = RequestStatus.Pending,
            Comment = null,
            CreatedAt = time.GetUtcNow(),
            ActedAt = null,
            ActedBy = null,
            ReassignedFrom = request.Approver,
        };
        await WorkflowRows.InsertRequestAsync(session, reassigned, ct);
        await NotificationStore.AddAsync(session, to, $"An approval was passed to you: {request.Step}.", null, null, time.GetUtcNow(), ct);
        return reassigned;
    }

    /// <summary>
    /// Out of office: from <paramref name="startsAt"/> to <paramref name="endsAt"/>, requests for the caller go to
    /// <paramref name="delegateId"/> (null clears it). Requests already made stay; <c>reassign</c> moves those.
    /// </summary>
    public async Task SetDelegateAsync(TenantSession session, Caller caller, Guid? delegateId, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken ct)
    {
        if (delegateId is { } id && (id == caller.UserId || session.Metadata.Security.FindUser(id) is not { IsActive: true }))
        {
            throw PaasException.Validation("delegate", "The delegate is another active user.");
        }

        if (delegateId is not null && (endsAt <= startsAt || endsAt - startsAt > TimeSpan.FromDays(366)))
        {
            throw PaasException.Validation("until", "A delegation ends after it starts, within a year.");
        }

        await WorkflowStore.SetDelegateAsync(session, caller.UserId, delegateId, startsAt, endsAt, ct);
    }

    /// <summary>The caller's pending requests, oldest first.</summary>
    public Task<List<ApprovalRequest>> InboxAsync(TenantSession session, Caller caller, int first, CancellationToken ct) =>
        WorkflowRows.RequestsAsync(session, "a.\"approver\" = {0} AND a.\"status\" = 'PENDING'", (s, p) => p.Add(s.Parameter(WorkflowStore.IdColumn, caller.UserId)), ct,
            withInstance: true, limit: Math.Clamp(first, 1, 500));

    /// <summary>A record's instances, newest first, with every request; the caller must be able to read the record.</summary>
    public async Task<List<(WorkflowInstance Instance, List<ApprovalRequest> Requests)>> HistoryAsync(TenantSession session, string objectName, Guid recordId, CancellationToken ct)
    {
        var definition = Object(session, objectName);
        if ((await RecordSql.ExistingIdsAsync(session, definition, [recordId], ct)).Count == 0)
        {
            throw PaasException.NotFound($"There is no {objectName} with that id.");
        }

        var instances = await RequestsOfRecordAsync(session, objectName, recordId, ct);
        var requests = instances.Count == 0 ? [] : await WorkflowRows.RequestsAsync(session, "i.\"record_id\" = {0}",
            (s, p) => p.Add(s.Parameter(WorkflowStore.IdColumn, recordId)), ct, withInstance: true);
        return instances.Select(i => (i, requests.Where(r => r.InstanceId == i.Id).Select(r => r with { Instance = null }).ToList())).ToList();
    }

    private static async Task<List<WorkflowInstance>> RequestsOfRecordAsync(TenantSession session, string objectName, Guid recordId, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT {WorkflowRows.InstanceColumns} FROM {session.Table(WorkflowStore.InstancesTable)} i WHERE i.\"record_id\" = {s.Parameter(WorkflowStore.IdColumn, recordId)} " +
                 $"AND i.\"object_name\" = {s.Parameter(null, objectName)} ORDER BY i.\"started_at\" DESC, i.\"id\" DESC LIMIT 200");
        var instances = new List<WorkflowInstance>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            instances.Add(WorkflowRows.ReadInstance(session, reader));
        }

        return instances;
    }

    private static void ValidateComment(string? comment)
    {
        if (comment is { Length: > 4000 } || comment?.Contains('\0', StringComparison.Ordinal) == true)
        {
            throw PaasException.Validation("comment", "A comment may be at most 4000 characters, without NUL characters.");
        }
    }
}
