using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Workflows;
using Paas.Workflows.Webhooks;

namespace Paas.Workflows.Definitions;

/// <summary>
/// The checks of a parsed definition against the tenant's metadata, after the schema: names, the step graph,
/// field values, expressions and approvers. Tolerates a definition that failed the schema (nulls where the schema
/// wants values), so that as many problems as possible are reported at once.
/// </summary>
internal sealed class WorkflowSemantics(TenantMetadata metadata, IScriptRunner runner, WebhookOptions webhooks)
{
    public void Check(WorkflowDefinition definition, FieldErrorList errors)
    {
        if (!DefinitionNames.IsApiName(definition.ApiName))
        {
            errors.Add(DefinitionPaths.Root + ".apiName", DefinitionNames.ApiNameRule);
        }

        var workflowObject = metadata.FindObject(definition.Object);
        if (workflowObject is null)
        {
            errors.Add(DefinitionPaths.Root + ".object", $"There is no object '{definition.Object}'.");
        }

        CheckExpression(definition.Trigger.Condition, DefinitionPaths.Root + ".trigger.condition", errors);
        WorkflowTriggerRules.Check(metadata, workflowObject, definition.Trigger, errors);
        WorkflowGraphRules.Check(definition, errors);
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            if (definition.Steps[i] is { } step)
            {
                CheckStep(definition, workflowObject, step, DefinitionPaths.Step(i), errors);
            }
        }
    }

    private void CheckStep(WorkflowDefinition definition, ObjectDefinition? workflowObject, WorkflowStep step, string path, FieldErrorList errors)
    {
        switch (step.Type)
        {
            case WorkflowStepType.Condition:
                CheckExpression(step.Expression, path + ".expression", errors);
                break;
            case WorkflowStepType.Approval:
                WorkflowApproverRules.Check(metadata.Security, step, path, errors);
                break;
            case WorkflowStepType.UpdateFields:
                WorkflowRecordRules.CheckUpdate(workflowObject, step, path, errors);
                break;
            case WorkflowStepType.CreateRecord:
                WorkflowRecordRules.CheckCreate(metadata, definition.Object, step, path, errors);
                break;
            case WorkflowStepType.Wait:
                if (step.Wait is null || (step.Wait.UntilField is null && step.Wait.Minutes is null))
                {
                    errors.Add(path + ".wait", "A WAIT step needs 'untilField' or 'minutes'.");
                }
                else if (step.Wait.UntilField is { } until && workflowObject is not null
                         && workflowObject.FindField(until) is not { Type: FieldType.Date or FieldType.DateTime })
                {
                    errors.Add(path + ".wait.untilField", $"'{workflowObject.ApiName}' has no DATE or DATETIME field '{until}'.");
                }

                break;
            case WorkflowStepType.Notify:
                WorkflowNotifyRules.Check(metadata, workflowObject, webhooks, step, path, errors);
                break;
            case WorkflowStepType.RunAction:
                if (metadata.FindScript(step.Action ?? "") is not { Kind: ScriptKind.Action } action || action.Object != definition.Object)
                {
                    errors.Add(path + ".action", $"There is no custom action '{step.Action}' of {definition.Object}.");
                }
                else
                {
                    foreach (var name in step.Input.Keys.Where(k => action.Input.All(p => p.Name != k)))
                    {
                        errors.Add($"{path}.input.{name}", $"The action '{action.ApiName}' has no input '{name}'.");
                    }

                    foreach (var missing in action.Input.Where(p => p.Required && !step.Input.ContainsKey(p.Name)))
                    {
                        errors.Add($"{path}.input.{missing.Name}", $"The action '{action.ApiName}' needs its input '{missing.Name}'.");
                    }
                }

                break;
            case WorkflowStepType.Parallel:
                if (step.Join is not null && definition.Step(step.Join) is { } join && join.Type != WorkflowStepType.Join)
                {
                    errors.Add(path + ".join", $"'{step.Join}' is not a JOIN step.");
                }

                if (step.Branches.Distinct().Count() != step.Branches.Count)
                {
                    errors.Add(path + ".branches", "Each branch starts at a different step.");
                }

                if (definition.Steps.Count(s => s.Type == WorkflowStepType.Parallel && s.Join == step.Join) > 1)
                {
                    errors.Add(path + ".join", $"The JOIN step '{step.Join}' belongs to one PARALLEL step only.");
                }

                break;
            case WorkflowStepType.Join when !definition.Steps.Any(s => s.Type == WorkflowStepType.Parallel && s.Join == step.Name):
                errors.Add(path, $"No PARALLEL step joins at '{step.Name}'.");
                break;
            case WorkflowStepType.End when step.Result is { } result && !DefinitionNames.IsStepName(result):
                errors.Add(path + ".result", "A result must start with a small letter, followed by up to 59 letters, digits or underscores.");
                break;
        }
    }

    private void CheckExpression(string? code, string path, FieldErrorList errors)
    {
        if (code is not null && runner.Check(code, ScriptMode.Expression) is { } problem)
        {
            errors.Add(path, $"Not a valid expression: {problem.Message} (line {problem.Line}, column {problem.Column})");
        }
    }
}
