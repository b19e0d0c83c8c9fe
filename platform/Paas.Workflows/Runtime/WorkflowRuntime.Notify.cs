using Paas.Core.Workflows;
using Paas.Data.Storage;
using Paas.Data.Workflows;
using Paas.Workflows.Webhooks;

namespace Paas.Workflows.Runtime;

public sealed partial class WorkflowRuntime
{
    /// <summary>
    /// A NOTIFY step: in-app notifications, and its webhook queued as a delivery row in the step's transaction. The
    /// delivery is sent after the commit (<see cref="WebhookDispatcher"/>), so a step that rolls back sends nothing and a
    /// step that commits cannot lose its webhook.
    /// </summary>
    private async Task NotifyAsync(TenantSession session, Guid workId, WorkflowInstance instance, WorkflowStep step, CancellationToken ct)
    {
        var notify = step.Notify!;
        if (notify.Message is { } message)
        {
            foreach (var user in Resolve(session.Metadata.Security, new ApprovalSettings { Approvers = notify.To }, instance.SubmittedBy, 1, null).Distinct().Take(MaxApproversPerStep))
            {
                await NotificationStore.AddAsync(session, user, message, instance.Object, instance.RecordId, time.GetUtcNow(), ct);
            }
        }

        if (notify.Webhook is { } webhook)
        {
            var record = await RecordAsync(session, instance.Object, instance.RecordId, ct);
            await WebhookDeliveryRows.QueueAsync(session, workId, instance, step.Name, webhook, record, time.GetUtcNow(), ct);
        }
    }
}
