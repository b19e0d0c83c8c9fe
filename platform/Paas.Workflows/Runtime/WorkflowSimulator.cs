using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Records;
using Paas.Core.Scripting;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Metadata;
using Paas.Data.Scripting;
using Paas.Data.Storage;
using Paas.Workflows.Definitions;

namespace Paas.Workflows.Runtime;

/// <summary>One step of a simulated run.</summary>
public sealed record SimulatedStep(string Step, WorkflowStepType Type, string? Outcome, IReadOnlyList<Guid> Approvers, string? Detail);

/// <summary>
/// <c>simulateWorkflow</c>: walks a definition (a draft or a saved workflow) over a real record without changing
/// anything: conditions are evaluated on the record as the earlier steps would have changed it (in memory), approval
/// steps list who would be asked and take the outcome the admin assumes (approved unless told otherwise), waits say until
/// when, and record creations what they would create.
/// </summary>
public sealed class WorkflowSimulator(MetadataService metadata, WorkflowValidator validator, IScriptRunner runner)
{
    public const int MaxSteps = 200;

    public async Task<IReadOnlyList<SimulatedStep>> SimulateAsync(Caller caller, string json, Guid recordId, IReadOnlyDictionary<string, string> decisions, Guid? submitterId,
        CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(caller.Tenant, ct);
        var definition = validator.Validate(json, snapshot);
        await using var session = new TenantSession(caller.Tenant, await metadata.Connector.OpenAsync(caller.Tenant, ct), metadata.Connector.Dialect, snapshot);
        var record = await WorkflowRuntime.RecordAsync(session, definition.Object, recordId, ct);
        var owner = WorkflowRuntime.Object(session, definition.Object);
        var governor = new ScriptGovernor((caller.Tenant.Limits ?? new RequestLimits()).Scripts);
        var submitter = submitterId ?? caller.UserId;
        if (snapshot.Security.FindUser(submitter) is not { IsActive: true })
        {
            throw PaasException.Validation("submitter", $"There is no active user with id {submitter}.");
        }
        var path = new List<SimulatedStep>();
        if (definition.Trigger.Type == WorkflowTriggerType.Schedule && !await WorkflowRuntime.MatchesFilterAsync(session, definition, recordId, ct))
        {
            return [new SimulatedStep("trigger", WorkflowStepType.Condition, "false", [], "The record does not match the schedule's filter: no instance would start on it.")];
        }

        if (definition.Trigger.Condition is { } entry && !Evaluate(definition, "trigger", entry, record, submitter, governor, session))
        {
            return [new SimulatedStep("trigger", WorkflowStepType.Condition, "false", [], "The record does not meet the entry criteria: the workflow would not start.")];
        }

        var current = definition.Step(definition.Start);
        while (current is not null)
        {
            if (path.Count >= MaxSteps)
            {
                throw PaasException.LimitExceeded("simulationSteps", $"The simulated run passed {MaxSteps} steps (a loop that does not end with these decisions?).");
            }

            string? next;
            switch (current.Type)
            {
                case WorkflowStepType.Condition:
                    var holds = Evaluate(definition, current.Name, current.Expression!, record, submitter, governor, session);
                    next = current.Outcomes.GetValueOrDefault(holds ? "true" : "false");
                    path.Add(new SimulatedStep(current.Name, current.Type, holds ? "true" : "false", [], null));
                    break;
                case WorkflowStepType.Approval:
                    var outcome = decisions.GetValueOrDefault(current.Name) ?? "approved";
                    if (outcome is not ("approved" or "rejected"))
                    {
                        throw PaasException.Validation($"decisions.{current.Name}", "A decision is 'approved' or 'rejected'.");
                    }

                    var approvers = Approvers(snapshot.Security, current.Approval!, submitter);
                    path.Add(new SimulatedStep(current.Name, current.Type, outcome, approvers,
                        approvers.Count == 0 ? "No active approver: the instance would fail here." : $"{current.Approval!.Mode} of {approvers.Count}"));
                    next = approvers.Count == 0 ? null : current.Outcomes.GetValueOrDefault(outcome);
                    break;
                case WorkflowStepType.UpdateFields:
                    foreach (var (name, value) in current.Fields)
                    {
                        if (owner.FindField(name) is { } field && FieldValueCoercer.TryCoerce(field, value, out var coerced, out _))
                        {
                            record[name] = coerced;
                        }
                    }

                    path.Add(new SimulatedStep(current.Name, current.Type, null, [], "Would set " + string.Join(", ", current.Fields.Select(f => $"{f.Key} = {f.Value.GetRawText()}"))));
                    next = current.Next;
                    break;
                case WorkflowStepType.CreateRecord:
                    path.Add(new SimulatedStep(current.Name, current.Type, null, [], $"Would create a {current.Object}: {JsonSerializer.Serialize(current.Values)}"));
                    next = current.Next;
                    break;
                case WorkflowStepType.Wait:
                    path.Add(new SimulatedStep(current.Name, current.Type, null, [],
                        $"Would wait{(current.Wait?.UntilField is { } until ? $" until {until} ({FieldValueCoercer.ToPlain(record.GetValueOrDefault(until)) ?? "empty: no wait"})" : "")}" +
                        $"{(current.Wait?.Minutes is { } minutes ? $" + {minutes} min" : "")}"));
                    next = current.Next;
                    break;
                case WorkflowStepType.Notify:
                    var notify = current.Notify!;
                    var told = notify.Message is null ? [] : WorkflowRuntime.Resolve(snapshot.Security, new ApprovalSettings { Approvers = notify.To }, submitter, 1, null).Distinct().ToList();
                    path.Add(new SimulatedStep(current.Name, current.Type, null, told, string.Join("; ", new[]
                    {
                        notify.Message is null ? null : $"Would notify {told.Count} user(s): {notify.Message}",
                        notify.Webhook is null ? null : $"Would POST to {notify.Webhook.Url} with {string.Join(", ", notify.Webhook.Fields.Prepend("id"))}",
                    }.OfType<string>())));
                    next = current.Next;
                    break;
                default:
                    path.Add(new SimulatedStep(current.Name, current.Type, current.Result ?? "completed", [], null));
                    next = null;
                    break;
            }

            current = next is null ? null : definition.Step(next);
        }

        return path;
    }

    /// <summary>Everyone who would be asked, a manager chain level by level.</summary>
    private static List<Guid> Approvers(Core.Security.SecurityModel security, ApprovalSettings settings, Guid submitter)
    {
        var approvers = WorkflowRuntime.Resolve(security, settings, submitter, 1, null).Distinct().ToList();
        if (settings.Approvers.FirstOrDefault(a => a.Type == ApproverType.ManagerChain) is { } chain)
        {
            var previous = approvers.LastOrDefault();
            for (var level = 2; level <= (chain.Levels ?? 1) && previous != Guid.Empty; level++)
            {
                var above = WorkflowRuntime.Resolve(security, new ApprovalSettings { Approvers = [chain] }, submitter, level, previous).FirstOrDefault();
                if (above == Guid.Empty)
                {
                    break;
                }

                approvers.Add(above);
                previous = above;
            }
        }

        return approvers;
    }

    private bool Evaluate(WorkflowDefinition definition, string step, string expression, Dictionary<string, object?> record, Guid submitter, ScriptGovernor governor, TenantSession session) =>
        runner.Run(new ScriptExecution
        {
            Script = new ScriptSource($"{session.Tenant.Slug}/simulate/{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expression)))[..20]}", $"{definition.ApiName}.{step}",
                "const record = ctx.record; const submitter = ctx.submitter;\nreturn (\n" + expression + "\n);"),
            Kind = "workflowSimulation",
            Context = new Dictionary<string, object?> { ["record"] = ScriptValues.ToPlain(record), ["submitter"] = submitter.ToString() },
            Governor = governor,
        }).Result is true;
}
