using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Core.Scripting;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Metadata;
using Paas.Data.Workflows;

namespace Paas.Workflows.Stages;

/// <summary>
/// Stage processes in the metadata API: one per object, bound to a PICKLIST field; validated against the metadata
/// (stages are values of the field, gate fields exist, conditions parse, approval gates name a published approval
/// process of the object, task values fit) and changed as a versioned, audited metadata change.
/// </summary>
public sealed class StageProcessService(MetadataService metadata, IScriptRunner runner)
{
    public const int MaxStages = 50;

    public Task<StageProcessDefinition> SetAsync(Caller caller, string json, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var process = Validate(json, change.Before);
            await StageStore.SaveAsync(change.Session, process, ct);
            change.SaveStageProcess(process);
            return process;
        }, ct);

    public Task<bool> DeleteAsync(Caller caller, string objectName, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            if (change.Before.FindStageProcess(objectName) is null)
            {
                throw PaasException.Validation("object", $"'{objectName}' has no stage process.");
            }

            await StageStore.DeleteAsync(change.Session, objectName, ct);
            change.RemoveStageProcess(objectName);
            return true;
        }, ct);

    public StageProcessDefinition Validate(string json, TenantMetadata snapshot)
    {
        if (json.Length > 256 * 1024)
        {
            throw PaasException.Validation("definition", "A stage process may be at most 256 KB.");
        }

        StageProcessDefinition process;
        try
        {
            process = JsonSerializer.Deserialize<StageProcessDefinition>(json, WorkflowDefinitionJson.Options)
                ?? throw PaasException.Validation("definition", "A stage process is a JSON object.");
        }
        catch (JsonException ex)
        {
            throw PaasException.Validation("definition", $"This is not a stage process: {ex.Message.Split('.')[0]}.");
        }

        var errors = new FieldErrorList();
        var owner = snapshot.FindObject(process.Object ?? "");
        if (owner is null)
        {
            throw PaasException.Validation("definition.object", $"There is no object '{process.Object}'.");
        }

        var field = owner.FindField(process.Field ?? "");
        if (field is not { Type: FieldType.Picklist })
        {
            throw PaasException.Validation("definition.field", $"'{owner.ApiName}.{process.Field}' must be a PICKLIST field.");
        }

        if (process.Stages.Count is 0 or > MaxStages)
        {
            errors.Add("definition.stages", $"A stage process has 1 to {MaxStages} stages.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < process.Stages.Count; i++)
        {
            var stage = process.Stages[i];
            var at = $"definition.stages[{i}]";
            if (!field.Values.Contains(stage.Value))
            {
                errors.Add($"{at}.value", $"'{stage.Value}' is not a value of {owner.ApiName}.{field.ApiName}.");
            }
            else if (!seen.Add(stage.Value))
            {
                errors.Add($"{at}.value", $"'{stage.Value}' is a stage twice.");
            }

            for (var g = 0; g < stage.Gates.Count; g++)
            {
                ValidateGate(snapshot, owner, stage.Gates[g], $"{at}.gates[{g}]", errors);
            }

            for (var t = 0; t < stage.Tasks.Count; t++)
            {
                ValidateTask(snapshot, owner, stage.Tasks[t], $"{at}.tasks[{t}]", errors);
            }
        }

        errors.ThrowIfAny();
        return process;
    }

    private void ValidateGate(TenantMetadata snapshot, ObjectDefinition owner, StageGate gate, string at, FieldErrorList errors)
    {
        if (gate.Message is { Length: > 255 })
        {
            errors.Add($"{at}.message", "A gate's message is at most 255 characters.");
        }

        switch (gate.Type)
        {
            case StageGateType.RequiredFields:
                if (gate.Fields.Count == 0)
                {
                    errors.Add($"{at}.fields", "Name the fields that must have values.");
                }

                foreach (var name in gate.Fields.Where(f => owner.FindField(f) is null))
                {
                    errors.Add($"{at}.fields", $"'{owner.ApiName}' has no field '{name}'.");
                }

                break;
            case StageGateType.Condition:
                if (string.IsNullOrWhiteSpace(gate.Expression) || gate.Expression.Length > 4000)
                {
                    errors.Add($"{at}.expression", "A condition gate needs an expression of at most 4000 characters.");
                }
                else if (runner.Check(gate.Expression, ScriptMode.Expression) is { } syntax)
                {
                    errors.Add($"{at}.expression", $"Line {syntax.Line}, column {syntax.Column}: {syntax.Message}");
                }

                break;
            case StageGateType.Approval:
                if (snapshot.FindWorkflow(gate.Process ?? "") is not { } workflow || workflow.Definition.Object != owner.ApiName)
                {
                    errors.Add($"{at}.process", $"There is no published approval process '{gate.Process}' for {owner.ApiName}.");
                }

                break;
        }
    }

    private static void ValidateTask(TenantMetadata snapshot, ObjectDefinition owner, StageTask task, string at, FieldErrorList errors)
    {
        var target = snapshot.FindObject(task.Object ?? "");
        if (target is null)
        {
            errors.Add($"{at}.object", $"There is no object '{task.Object}'.");
            return;
        }

        foreach (var (name, value) in task.Values)
        {
            var field = target.FindField(name);
            if (field is null || !field.IsWritable)
            {
                errors.Add($"{at}.values.{name}", $"'{target.ApiName}' has no writable field '{name}'.");
            }
            else if (value.ValueKind == JsonValueKind.String && value.GetString() == "$record.id")
            {
                if (!field.Type.IsRelation() || field.Target != owner.ApiName)
                {
                    errors.Add($"{at}.values.{name}", $"\"$record.id\" fits only a lookup to {owner.ApiName}.");
                }
            }
            else if (!FieldValueCoercer.TryCoerce(field, value, out _, out var problem))
            {
                errors.Add($"{at}.values.{name}", problem!);
            }
        }
    }
}
