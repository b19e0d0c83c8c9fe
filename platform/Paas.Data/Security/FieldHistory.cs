using System.Text.Json;
using Paas.Core.Metadata;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Security;

/// <summary>One change of a tracked field: the old and new values as JSON, who changed it and when.</summary>
public sealed record FieldHistoryEntry(Guid RecordId, string Field, string? OldValue, string? NewValue, Guid ChangedBy, DateTimeOffset ChangedAt);

/// <summary>Field history tracking: written by the write pipeline in the update's transaction, read per record.</summary>
public static class FieldHistory
{
    private static readonly FieldDefinition RecordColumn = SecurityStore.IdColumn;

    public static async Task RecordAsync(TenantSession session, ObjectDefinition definition, Guid recordId, IReadOnlyDictionary<string, object?> before,
        IReadOnlyDictionary<string, object?> after, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        var d = session.Dialect;
        foreach (var field in definition.LiveFields.Where(f => f.TrackHistory && after.ContainsKey(f.ApiName)))
        {
            var oldValue = Json(before.GetValueOrDefault(field.ApiName));
            var newValue = Json(after[field.ApiName]);
            if (oldValue == newValue)
            {
                continue;
            }

            var statement = session.Statement();
            statement.Append($"INSERT INTO {session.Table(SecurityStore.HistoryTable)} ({d.Quote("id")}, {d.Quote("object_name")}, {d.Quote("record_id")}, {d.Quote("field")}, " +
                             $"{d.Quote("old_value")}, {d.Quote("new_value")}, {d.Quote("changed_by")}, {d.Quote("changed_at")}) VALUES (" +
                             string.Join(", ",
                                 statement.Parameter(SecurityStore.IdColumn, Guid.CreateVersion7(at)),
                                 statement.Parameter(null, definition.ApiName),
                                 statement.Parameter(RecordColumn, recordId),
                                 statement.Parameter(null, field.ApiName),
                                 statement.Parameter(null, oldValue),
                                 statement.Parameter(null, newValue),
                                 statement.Parameter(SecurityStore.IdColumn, userId),
                                 statement.Parameter(SecurityStore.TimeColumn, Core.Records.FieldValueCoercer.TruncateToMicroseconds(at))) + ")");
            await session.ExecuteAsync(statement, ct);
        }
    }

    /// <summary>The history of many records (newest first, at most <paramref name="perRecord"/> each), limited to <paramref name="fields"/>.</summary>
    public static async Task<Dictionary<Guid, List<FieldHistoryEntry>>> ReadAsync(TenantSession session, ObjectDefinition definition, IReadOnlyCollection<Guid> recordIds,
        IReadOnlyCollection<string> fields, int perRecord, CancellationToken ct)
    {
        var result = recordIds.ToDictionary(id => id, _ => new List<FieldHistoryEntry>());
        if (recordIds.Count == 0 || fields.Count == 0)
        {
            return result;
        }

        var d = session.Dialect;
        foreach (var chunk in recordIds.Chunk(400))
        {
            var statement = session.Statement();
            var ids = string.Join(", ", chunk.Select(id => statement.Parameter(RecordColumn, id)));
            var names = string.Join(", ", fields.Select(f => statement.Parameter(null, f)));
            statement.Append($"SELECT {d.Quote("record_id")}, {d.Quote("field")}, {d.Quote("old_value")}, {d.Quote("new_value")}, {d.Quote("changed_by")}, {d.Quote("changed_at")} FROM (" +
                             $"SELECT h.*, ROW_NUMBER() OVER (PARTITION BY h.{d.Quote("record_id")} ORDER BY h.{d.Quote("changed_at")} DESC, h.{d.Quote("id")} DESC) AS rn " +
                             $"FROM {session.Table(SecurityStore.HistoryTable)} h WHERE h.{d.Quote("object_name")} = {statement.Parameter(null, definition.ApiName)} " +
                             $"AND h.{d.Quote("record_id")} IN ({ids}) AND h.{d.Quote("field")} IN ({names})) ranked WHERE rn <= {perRecord.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
                             $"ORDER BY {d.Quote("record_id")}, rn");
            await using var command = session.Command(statement);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var record = (Guid)d.FromDb(RecordColumn, reader.GetValue(0))!;
                result[record].Add(new FieldHistoryEntry(record, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), (Guid)d.FromDb(SecurityStore.IdColumn, reader.GetValue(4))!,
                    (DateTimeOffset)d.FromDb(SecurityStore.TimeColumn, reader.GetValue(5))!));
            }
        }

        return result;
    }

    private static string? Json(object? value) => value switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> related => Json(related.GetValueOrDefault(SystemFields.Id)),
        _ => JsonSerializer.Serialize(value, MetadataJson.Options),
    };
}

/// <summary>Removes audit entries and field history older than their retention, tenant by tenant.</summary>
public sealed class RetentionPolicy(IDatabaseConnector connector, Metadata.MetadataCache cache, TimeProvider time)
{
    /// <summary>Prunes one tenant; returns the audit entries and history entries removed.</summary>
    public async Task<(int Audit, int History)> PruneAsync(Core.Tenancy.TenantInfo tenant, TimeSpan? auditRetention, TimeSpan? historyRetention, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await connector.OpenAsync(tenant, ct);
        await using var session = new TenantSession(tenant, connection, connector.Dialect, await cache.GetAsync(tenant, ct));
        var audit = auditRetention is { } a ? await AuditLog.PruneAsync(session, now - a, ct) : 0;
        var history = 0;
        if (historyRetention is { } h)
        {
            var statement = session.Statement();
            statement.Append($"DELETE FROM {session.Table(SecurityStore.HistoryTable)} WHERE {session.Dialect.Quote("changed_at")} < {statement.Parameter(SecurityStore.TimeColumn, now - h)}");
            history = await session.ExecuteAsync(statement, ct);
        }

        return (audit, history);
    }
}
