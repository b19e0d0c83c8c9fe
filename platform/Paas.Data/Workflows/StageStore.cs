using System.Text.Json;
using Paas.Core.Workflows;
using Paas.Data.Storage;

namespace Paas.Data.Workflows;

/// <summary>Stage processes (one per object) and each record's stage history, in the tenant's storage.</summary>
public static class StageStore
{
    public const string ProcessesTable = "_paas_stage_processes";
    public const string HistoryTable = "_paas_stage_history";

    public static async Task CreateTablesAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = d.ColumnType(WorkflowStore.IdColumn);
        var time = d.ColumnType(WorkflowStore.TimeColumn);
        string[] statements =
        [
            $"CREATE TABLE IF NOT EXISTS {session.Table(ProcessesTable)} ({d.Quote("object_name")} varchar(80) PRIMARY KEY, {d.Quote("definition")} text NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {session.Table(HistoryTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("object_name")} varchar(80) NOT NULL, " +
            $"{d.Quote("record_id")} {id} NOT NULL, {d.Quote("stage")} varchar(255) NOT NULL, {d.Quote("entered_at")} {time} NOT NULL, {d.Quote("entered_by")} {id} NOT NULL, " +
            $"{d.Quote("exited_at")} {time} NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_stage_history_record")} ON {session.Table(HistoryTable)} ({d.Quote("record_id")}, {d.Quote("entered_at")})",
        ];
        foreach (var sql in statements)
        {
            await session.ExecuteAsync(session.Statement().Append(sql), ct);
        }
    }

    public static async Task<IReadOnlyList<StageProcessDefinition>> LoadAsync(TenantSession session, CancellationToken ct)
    {
        var processes = new List<StageProcessDefinition>();
        await using var command = session.Command(session.Statement().Append(
            $"SELECT {session.Dialect.Quote("definition")} FROM {session.Table(ProcessesTable)} ORDER BY {session.Dialect.Quote("object_name")}"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            processes.Add(JsonSerializer.Deserialize<StageProcessDefinition>(reader.GetString(0), WorkflowDefinitionJson.Options)!);
        }

        return processes;
    }

    public static async Task SaveAsync(TenantSession session, StageProcessDefinition process, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        s.Append($"INSERT INTO {session.Table(ProcessesTable)} ({d.Quote("object_name")}, {d.Quote("definition")}) VALUES ({s.Parameter(null, process.Object)}, " +
                 $"{s.Parameter(null, JsonSerializer.Serialize(process, WorkflowDefinitionJson.Options))}) " +
                 $"ON CONFLICT ({d.Quote("object_name")}) DO UPDATE SET {d.Quote("definition")} = excluded.{d.Quote("definition")}");
        await session.ExecuteAsync(s, ct);
    }

    public static async Task DeleteAsync(TenantSession session, string objectName, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"DELETE FROM {session.Table(ProcessesTable)} WHERE {session.Dialect.Quote("object_name")} = {s.Parameter(null, objectName)}");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>Closes the record's current stage (if any) and opens <paramref name="stage"/>.</summary>
    public static async Task EnterAsync(TenantSession session, string objectName, Guid recordId, string stage, Guid by, DateTimeOffset at, CancellationToken ct)
    {
        var d = session.Dialect;
        var close = session.Statement();
        close.Append($"UPDATE {session.Table(HistoryTable)} SET {d.Quote("exited_at")} = {close.Parameter(WorkflowStore.TimeColumn, at)} " +
                     $"WHERE {d.Quote("record_id")} = {close.Parameter(WorkflowStore.IdColumn, recordId)} AND {d.Quote("exited_at")} IS NULL");
        await session.ExecuteAsync(close, ct);
        var open = session.Statement();
        open.Append($"INSERT INTO {session.Table(HistoryTable)} ({d.Quote("id")}, {d.Quote("object_name")}, {d.Quote("record_id")}, {d.Quote("stage")}, " +
                    $"{d.Quote("entered_at")}, {d.Quote("entered_by")}, {d.Quote("exited_at")}) VALUES ({open.Parameter(WorkflowStore.IdColumn, Guid.CreateVersion7())}, " +
                    $"{open.Parameter(null, objectName)}, {open.Parameter(WorkflowStore.IdColumn, recordId)}, {open.Parameter(null, stage)}, " +
                    $"{open.Parameter(WorkflowStore.TimeColumn, at)}, {open.Parameter(WorkflowStore.IdColumn, by)}, NULL)");
        await session.ExecuteAsync(open, ct);
    }

    /// <summary>A record's stages, oldest first.</summary>
    public static async Task<IReadOnlyList<StageVisit>> HistoryAsync(TenantSession session, Guid recordId, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        s.Append($"SELECT {d.Quote("stage")}, {d.Quote("entered_at")}, {d.Quote("entered_by")}, {d.Quote("exited_at")} FROM {session.Table(HistoryTable)} " +
                 $"WHERE {d.Quote("record_id")} = {s.Parameter(WorkflowStore.IdColumn, recordId)} ORDER BY {d.Quote("entered_at")}, {d.Quote("id")}");
        var visits = new List<StageVisit>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            visits.Add(new StageVisit(reader.GetString(0), (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(1))!,
                (Guid)d.FromDb(WorkflowStore.IdColumn, reader.GetValue(2))!, (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(3))));
        }

        return visits;
    }

    /// <summary>Whether the approval process <paramref name="process"/> ended approved on the record.</summary>
    public static async Task<bool> ApprovedAsync(TenantSession session, string process, Guid recordId, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        s.Append($"SELECT 1 FROM {session.Table(WorkflowStore.InstancesTable)} WHERE {d.Quote("record_id")} = {s.Parameter(WorkflowStore.IdColumn, recordId)} " +
                 $"AND {d.Quote("workflow")} = {s.Parameter(null, process)} AND {d.Quote("status")} = 'COMPLETED' AND {d.Quote("result")} = 'approved' LIMIT 1");
        return await session.ScalarAsync(s, ct) is not null;
    }
}

/// <summary>One stay of a record in a stage; <see cref="ExitedAt"/> is null for the current one.</summary>
public sealed record StageVisit(string Stage, DateTimeOffset EnteredAt, Guid EnteredBy, DateTimeOffset? ExitedAt)
{
    public TimeSpan TimeIn(DateTimeOffset now) => (ExitedAt ?? now) - EnteredAt;
}
