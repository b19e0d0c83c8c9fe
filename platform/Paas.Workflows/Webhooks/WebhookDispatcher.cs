using Microsoft.Extensions.Logging;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Workflows.Webhooks;

/// <summary>
/// Sends the webhooks NOTIFY steps queued, outside any transaction: each due delivery is claimed with a lease (its own
/// short transaction), sent, and its outcome recorded. A failed attempt is retried with exponential backoff up to
/// <see cref="WebhookOptions.MaxAttempts"/>; a sender that dies mid-send leaves the delivery to be sent again when the
/// lease ends. So the workflow's step happens once and its delivery at least once; receivers drop repeats by the
/// <c>Idempotency-Key</c> header, which is the same on every attempt.
/// </summary>
public sealed class WebhookDispatcher(MetadataService metadata, IDatabaseConnector connector, WebhookSender sender, WebhookOptions options, TimeProvider time,
    ILogger<WebhookDispatcher> logger)
{
    /// <summary>The first retry waits this long; each further one twice as long, up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));

    /// <summary>Sends the deliveries of one tenant that are due at <paramref name="now"/> (default: the time provider's now); returns how many attempts were made.</summary>
    public async Task<int> DeliverDueAsync(TenantInfo tenant, CancellationToken ct, DateTimeOffset? now = null, int max = 50)
    {
        var at = now ?? time.GetUtcNow();
        List<WebhookDelivery> due;
        await using (var session = await OpenAsync(tenant, ct))
        {
            due = await WebhookDeliveryRows.DueAsync(session, at, max, ct);
        }

        var attempts = 0;
        foreach (var delivery in due)
        {
            string? secret;
            await using (var session = await OpenAsync(tenant, ct))
            {
                if (!await WebhookDeliveryRows.ClaimAsync(session, delivery, at + options.Timeout + TimeSpan.FromSeconds(30), ct))
                {
                    continue;
                }

                secret = await WebhookSecrets.FindAsync(session, delivery.Workflow, ct);
            }

            var attempt = delivery.Attempts + 1;
            var outcome = secret is null
                ? new WebhookAttempt(false, null, $"The workflow '{delivery.Workflow}' has no webhook secret; set one with setWorkflowWebhookSecret.")
                : await sender.SendAsync(delivery, secret, at, ct);
            await using (var session = await OpenAsync(tenant, ct))
            {
                if (outcome.Delivered)
                {
                    await WebhookDeliveryRows.DeliveredAsync(session, delivery.Id, outcome.Status ?? 200, time.GetUtcNow(), ct);
                }
                else
                {
                    var retryAt = attempt < options.MaxAttempts ? at + Backoff(attempt) : (DateTimeOffset?)null;
                    await WebhookDeliveryRows.AttemptFailedAsync(session, delivery.Id, outcome.Status, outcome.Error ?? "failed", at, retryAt, ct);
                    logger.LogInformation("Webhook {Delivery} of workflow {Workflow} in tenant {Tenant}, attempt {Attempt}: {Error}{Next}",
                        delivery.Id, delivery.Workflow, tenant.Slug, attempt, outcome.Error, retryAt is null ? " Given up." : "");
                }
            }

            attempts++;
        }

        return attempts;
    }

    /// <summary>The newest deliveries of a tenant (of one workflow, or all), for administrators.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(TenantInfo tenant, string? workflow, int first, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        return await WebhookDeliveryRows.ListAsync(session, workflow, Math.Clamp(first, 1, 500), ct);
    }

    // The snapshot first: loading it on a cache miss takes a connection of its own, which must not wait behind this one.
    private async Task<TenantSession> OpenAsync(TenantInfo tenant, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(tenant, ct);
        return new TenantSession(tenant, await connector.OpenAsync(tenant, ct), connector.Dialect, snapshot);
    }
}
