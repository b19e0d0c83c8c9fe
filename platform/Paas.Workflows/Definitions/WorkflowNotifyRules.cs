using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Workflows;
using Paas.Workflows.Webhooks;

namespace Paas.Workflows.Definitions;

/// <summary>
/// A NOTIFY step tells users in the app (<c>to</c> with <c>message</c>), calls a webhook, or both. Recipients are named like
/// approvers; a webhook's URL follows the operator's rules and its fields are fields of the workflow's object.
/// </summary>
internal static class WorkflowNotifyRules
{
    public static void Check(TenantMetadata metadata, ObjectDefinition? workflowObject, WebhookOptions webhooks, WorkflowStep step, string path, FieldErrorList errors)
    {
        if (step.Notify is not { } notify)
        {
            return;
        }

        if (notify.To.Count > 0 && notify.Message is null)
        {
            errors.Add(path + ".notify.message", "A NOTIFY step with recipients ('to') needs the 'message' they are sent.");
        }
        else if (notify.To.Count == 0 && notify.Message is not null)
        {
            errors.Add(path + ".notify.to", "'message' is an in-app notification: name its recipients in 'to'.");
        }
        else if (notify.To.Count == 0 && notify.Webhook is null)
        {
            errors.Add(path + ".notify", "A NOTIFY step needs 'to' and 'message', a 'webhook', or both.");
        }

        for (var i = 0; i < notify.To.Count; i++)
        {
            WorkflowApproverRules.CheckRecipient(metadata.Security, notify.To[i], $"{path}.notify.to[{i}]", errors);
        }

        if (notify.Webhook is not { } webhook)
        {
            return;
        }

        if (webhooks.UrlProblem(webhook.Url) is { } problem)
        {
            errors.Add(path + ".notify.webhook.url", problem);
        }

        for (var i = 0; i < webhook.Fields.Count && workflowObject is not null; i++)
        {
            if (workflowObject.FindField(webhook.Fields[i]) is null)
            {
                errors.Add($"{path}.notify.webhook.fields[{i}]", $"'{workflowObject.ApiName}' has no field '{webhook.Fields[i]}'.");
            }
        }
    }
}
