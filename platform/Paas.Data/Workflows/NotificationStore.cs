using Paas.Data.Storage;

namespace Paas.Data.Workflows;

/// <summary>In-app notifications (from workflow NOTIFY steps, approval requests and reminders), per user, in the tenant's storage.</summary>
public static class NotificationStore
{
    public const string Table = "_paas_notifications";
    public const int MaxMessageLength = 1000;

    public static async Task CreateTablesAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = d.ColumnType(WorkflowStore.IdColumn);
        var time = d.ColumnType(WorkflowStore.TimeColumn);
        await session.ExecuteAsync(session.Statement().Append(
            $"CREATE TABLE IF NOT EXISTS {session.Table(Table)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("user_id")} {id} NOT NULL, {d.Quote("message")} text NOT NULL, " +
            $"{d.Quote("object_name")} varchar(80) NULL, {d.Quote("record_id")} {id} NULL, {d.Quote("created_at")} {time} NOT NULL, {d.Quote("read_at")} {time} NULL)"), ct);
        await session.ExecuteAsync(session.Statement().Append(
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_notifications_user")} ON {session.Table(Table)} ({d.Quote("user_id")}, {d.Quote("created_at")})"), ct);
    }

    public static async Task AddAsync(TenantSession session, Guid user, string message, string? objectName, Guid? recordId, DateTimeOffset at, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        s.Append($"INSERT INTO {session.Table(Table)} ({d.Quote("id")}, {d.Quote("user_id")}, {d.Quote("message")}, {d.Quote("object_name")}, {d.Quote("record_id")}, " +
                 $"{d.Quote("created_at")}, {d.Quote("read_at")}) VALUES ({s.Parameter(WorkflowStore.IdColumn, Guid.CreateVersion7())}, {s.Parameter(WorkflowStore.IdColumn, user)}, " +
                 $"{s.Parameter(null, message.Length > MaxMessageLength ? message[..MaxMessageLength] : message)}, {s.Parameter(null, objectName)}, " +
                 $"{s.Parameter(WorkflowStore.IdColumn, recordId)}, {s.Parameter(WorkflowStore.TimeColumn, at)}, NULL)");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>A user's notifications, newest first.</summary>
    public static async Task<IReadOnlyList<Notification>> ListAsync(TenantSession session, Guid user, bool unreadOnly, int first, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        s.Append($"SELECT {d.Quote("id")}, {d.Quote("message")}, {d.Quote("object_name")}, {d.Quote("record_id")}, {d.Quote("created_at")}, {d.Quote("read_at")} " +
                 $"FROM {session.Table(Table)} WHERE {d.Quote("user_id")} = {s.Parameter(WorkflowStore.IdColumn, user)}" +
                 (unreadOnly ? $" AND {d.Quote("read_at")} IS NULL" : "") +
                 $" ORDER BY {d.Quote("created_at")} DESC, {d.Quote("id")} DESC LIMIT {Math.Clamp(first, 1, 500).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        var notifications = new List<Notification>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            notifications.Add(new Notification((Guid)d.FromDb(WorkflowStore.IdColumn, reader.GetValue(0))!, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                (Guid?)d.FromDb(WorkflowStore.IdColumn, reader.GetValue(3)), (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(4))!,
                (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(5))));
        }

        return notifications;
    }

    /// <summary>Marks the user's own notifications read; returns how many changed.</summary>
    public static async Task<int> MarkReadAsync(TenantSession session, Guid user, IReadOnlyList<Guid> ids, DateTimeOffset at, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        var d = session.Dialect;
        var s = session.Statement();
        var list = string.Join(", ", ids.Take(500).Select(i => s.Parameter(WorkflowStore.IdColumn, i)));
        s.Append($"UPDATE {session.Table(Table)} SET {d.Quote("read_at")} = {s.Parameter(WorkflowStore.TimeColumn, at)} WHERE {d.Quote("user_id")} = {s.Parameter(WorkflowStore.IdColumn, user)} " +
                 $"AND {d.Quote("read_at")} IS NULL AND {d.Quote("id")} IN ({list})");
        return await session.ExecuteAsync(s, ct);
    }
}

public sealed record Notification(Guid Id, string Message, string? Object, Guid? RecordId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);
