using System.Globalization;
using System.Text.Json;
using Paas.Core.Workflows;
using Paas.Data.Storage;
using Paas.Data.Workflows;
using Paas.Workflows.Runtime;

namespace Paas.Workflows.Webhooks;

/// <summary>One queued outbound webhook (a NOTIFY step's), as stored.</summary>
public sealed record WebhookDelivery
{
    public required Guid Id { get; init; }
    public required Guid InstanceId { get; init; }
    public required string Workflow { get; init; }
    public required string Step { get; init; }
    public required string Url { get; init; }
    public required string Payload { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
    public int? StatusCode { get; init; }
    public string? LastError { get; init; }

    /// <summary>PENDING (queued or retrying), DELIVERED (a 2xx answer) or FAILED (given up).</summary>
    public string Status => DeliveredAt is not null ? "DELIVERED" : FailedAt is not null ? "FAILED" : "PENDING";
}

/// <summary>Reading and writing delivery rows: queued in a step's transaction, claimed with a lease, finished after the send.</summary>
internal static class WebhookDeliveryRows
{
    private const string Columns = "\"id\", \"instance_id\", \"workflow\", \"step\", \"url\", \"payload\", \"attempts\", \"due_at\", \"created_at\", " +
                                   "\"delivered_at\", \"failed_at\", \"status_code\", \"last_error\"";

    /// <summary>Queues the delivery of a step run; its body is fixed now (the record as the step saw it), so every attempt sends the same bytes.</summary>
    public static async Task QueueAsync(TenantSession session, Guid workId, WorkflowInstance instance, string step, WebhookSettings webhook,
        IReadOnlyDictionary<string, object?> record, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = instance.RecordId };
        foreach (var field in webhook.Fields)
        {
            fields[field] = record.GetValueOrDefault(field);
        }

        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["deliveryId"] = id,
            ["workflow"] = instance.Workflow,
            ["version"] = instance.Version,
            ["instanceId"] = instance.Id,
            ["step"] = step,
            ["object"] = instance.Object,
            ["recordId"] = instance.RecordId,
            ["record"] = fields,
            ["occurredAt"] = now,
        }, JsonSerializerOptions.Web);
        var s = session.Statement();
        s.Append($"INSERT INTO {session.Table(WorkflowStore.DeliveriesTable)} (\"id\", \"work_id\", \"instance_id\", \"workflow\", \"step\", \"url\", \"payload\", \"attempts\", " +
                 "\"due_at\", \"created_at\", \"delivered_at\", \"failed_at\", \"status_code\", \"last_error\") VALUES (" +
                 $"{s.Parameter(WorkflowStore.IdColumn, id)}, {s.Parameter(WorkflowStore.IdColumn, workId)}, {s.Parameter(WorkflowStore.IdColumn, instance.Id)}, " +
                 $"{s.Parameter(null, instance.Workflow)}, {s.Parameter(null, step)}, {s.Parameter(null, webhook.Url)}, {s.Parameter(null, payload)}, 0, " +
                 $"{s.Parameter(WorkflowStore.TimeColumn, now)}, {s.Parameter(WorkflowStore.TimeColumn, now)}, NULL, NULL, NULL, NULL)");
        await session.ExecuteAsync(s, ct);
    }

    public static async Task<List<WebhookDelivery>> DueAsync(TenantSession session, DateTimeOffset now, int limit, CancellationToken ct) =>
        await ReadAsync(session, s => $"\"delivered_at\" IS NULL AND \"failed_at\" IS NULL AND \"due_at\" <= {s.Parameter(WorkflowStore.TimeColumn, now)} ORDER BY \"due_at\"", limit, ct);

    public static async Task<List<WebhookDelivery>> ListAsync(TenantSession session, string? workflow, int limit, CancellationToken ct) =>
        await ReadAsync(session, s => (workflow is null ? "1=1" : $"\"workflow\" = {s.Parameter(null, workflow)}") + " ORDER BY \"created_at\" DESC, \"id\" DESC", limit, ct);

    /// <summary>
    /// Takes a due delivery for one attempt: moves its due time to the end of a lease (so a sender that dies mid-send leaves
    /// it to be sent again later) and counts the attempt, with a compare-and-set on the due time; false when another node took it.
    /// </summary>
    public static async Task<bool> ClaimAsync(TenantSession session, WebhookDelivery delivery, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.DeliveriesTable)} SET \"attempts\" = \"attempts\" + 1, \"due_at\" = {s.Parameter(WorkflowStore.TimeColumn, leaseUntil)} " +
                 $"WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, delivery.Id)} AND \"due_at\" = {s.Parameter(WorkflowStore.TimeColumn, delivery.DueAt)} " +
                 "AND \"delivered_at\" IS NULL AND \"failed_at\" IS NULL");
        return await session.ExecuteAsync(s, ct) == 1;
    }

    public static async Task DeliveredAsync(TenantSession session, Guid id, int status, DateTimeOffset at, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.DeliveriesTable)} SET \"delivered_at\" = {s.Parameter(WorkflowStore.TimeColumn, at)}, \"status_code\" = {s.Parameter(null, status)}, " +
                 $"\"last_error\" = NULL WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, id)}");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>Records a failed attempt: the delivery is due again at <paramref name="retryAt"/>, or given up when that is null.</summary>
    public static async Task AttemptFailedAsync(TenantSession session, Guid id, int? status, string error, DateTimeOffset now, DateTimeOffset? retryAt, CancellationToken ct)
    {
        var s = session.Statement();
        var next = retryAt is { } at
            ? $"\"due_at\" = {s.Parameter(WorkflowStore.TimeColumn, at)}"
            : $"\"failed_at\" = {s.Parameter(WorkflowStore.TimeColumn, now)}";
        s.Append($"UPDATE {session.Table(WorkflowStore.DeliveriesTable)} SET {next}, \"status_code\" = {s.Parameter(null, status)}, \"last_error\" = {s.Parameter(null, error)} " +
                 $"WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, id)}");
        await session.ExecuteAsync(s, ct);
    }

    private static async Task<List<WebhookDelivery>> ReadAsync(TenantSession session, Func<Data.Sql.SqlStatement, string> where, int limit, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        var condition = where(s);
        s.Append($"SELECT {Columns} FROM {session.Table(WorkflowStore.DeliveriesTable)} WHERE {condition} LIMIT {limit.ToString(CultureInfo.InvariantCulture)}");
        var rows = new List<WebhookDelivery>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new WebhookDelivery
            {
                Id = (Guid)d.FromDb(WorkflowStore.IdColumn, reader.GetValue(0))!,
                InstanceId = (Guid)d.FromDb(WorkflowStore.IdColumn, reader.GetValue(1))!,
                Workflow = reader.GetString(2),
                Step = reader.GetString(3),
                Url = reader.GetString(4),
                Payload = reader.GetString(5),
                Attempts = Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
                DueAt = (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(7))!,
                CreatedAt = (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(8))!,
                DeliveredAt = (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(9)),
                FailedAt = (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(10)),
                StatusCode = reader.IsDBNull(11) ? null : Convert.ToInt32(reader.GetValue(11), CultureInfo.InvariantCulture),
                LastError = reader.IsDBNull(12) ? null : reader.GetString(12),
            });
        }

        return rows;
    }
}
