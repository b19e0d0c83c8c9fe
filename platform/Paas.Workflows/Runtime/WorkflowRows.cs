using System.Data.Common;
using System.Globalization;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

/// <summary>A workflow instance as stored.</summary>
public sealed record WorkflowInstance
{
    public required Guid Id { get; init; }
    public required string Workflow { get; init; }
    public required int Version { get; init; }
    public required string Object { get; init; }
    public required Guid RecordId { get; init; }
    public required string Status { get; init; }
    public string? CurrentStep { get; init; }
    public string? Result { get; init; }
    public bool Locked { get; init; }
    public required Guid SubmittedBy { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Error { get; init; }
}

/// <summary>One approver's request at an approval step.</summary>
public sealed record ApprovalRequest
{
    public required Guid Id { get; init; }
    public required Guid InstanceId { get; init; }
    public required string Step { get; init; }
    public int Level { get; init; }
    public required Guid Approver { get; init; }
    public required string Status { get; init; }
    public string? Comment { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ActedAt { get; init; }
    public Guid? ActedBy { get; init; }
    public Guid? ReassignedFrom { get; init; }

    /// <summary>Filled when read with its instance (inbox, history).</summary>
    public WorkflowInstance? Instance { get; init; }
}

public static class InstanceStatus
{
    /// <summary>Steps are queued or running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Waiting at an approval step.</summary>
    public const string Waiting = "WAITING";

    public const string Completed = "COMPLETED";
    public const string Recalled = "RECALLED";
    public const string Failed = "FAILED";
}

public static class RequestStatus
{
    public const string Pending = "PENDING";
    public const string Approved = "APPROVED";
    public const string Rejected = "REJECTED";
    public const string Reassigned = "REASSIGNED";
    public const string Recalled = "RECALLED";

    /// <summary>No longer needed: the step was decided by the others' answers.</summary>
    public const string Skipped = "SKIPPED";
}

/// <summary>Reading and writing instance, request and work rows.</summary>
internal static class WorkflowRows
{
    public const string InstanceColumns = "i.\"id\", i.\"workflow\", i.\"version\", i.\"object_name\", i.\"record_id\", i.\"status\", i.\"current_step\", i.\"result\", " +
                                          "i.\"locked\", i.\"submitted_by\", i.\"started_at\", i.\"ended_at\", i.\"error\"";

    public const string RequestColumns = "a.\"id\", a.\"instance_id\", a.\"step\", a.\"level\", a.\"approver\", a.\"status\", a.\"comment\", a.\"created_at\", " +
                                         "a.\"acted_at\", a.\"acted_by\", a.\"reassigned_from\"";

    public static WorkflowInstance ReadInstance(TenantSession session, DbDataReader reader, int offset = 0)
    {
        var d = session.Dialect;
        return new WorkflowInstance
        {
            Id = Id(session, reader.GetValue(offset))!.Value,
            Workflow = reader.GetString(offset + 1),
            Version = Convert.ToInt32(reader.GetValue(offset + 2), CultureInfo.InvariantCulture),
            Object = reader.GetString(offset + 3),
            RecordId = Id(session, reader.GetValue(offset + 4))!.Value,
            Status = reader.GetString(offset + 5),
            CurrentStep = reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
            Result = reader.IsDBNull(offset + 7) ? null : reader.GetString(offset + 7),
            Locked = Convert.ToInt64(reader.GetValue(offset + 8), CultureInfo.InvariantCulture) != 0,
            SubmittedBy = Id(session, reader.GetValue(offset + 9))!.Value,
            StartedAt = (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(offset + 10))!,
            EndedAt = (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(offset + 11)),
            Error = reader.IsDBNull(offset + 12) ? null : reader.GetString(offset + 12),
        };
    }

    public static ApprovalRequest ReadRequest(TenantSession session, DbDataReader reader, int offset = 0)
    {
        var d = session.Dialect;
        return new ApprovalRequest
        {
            Id = Id(session, reader.GetValue(offset))!.Value,
            InstanceId = Id(session, reader.GetValue(offset + 1))!.Value,
            Step = reader.GetString(offset + 2),
            Level = Convert.ToInt32(reader.GetValue(offset + 3), CultureInfo.InvariantCulture),
            Approver = Id(session, reader.GetValue(offset + 4))!.Value,
            Status = reader.GetString(offset + 5),
            Comment = reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
            CreatedAt = (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(offset + 7))!,
            ActedAt = (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(offset + 8)),
            ActedBy = Id(session, reader.GetValue(offset + 9)),
            ReassignedFrom = Id(session, reader.GetValue(offset + 10)),
        };
    }

    public static async Task<WorkflowInstance?> InstanceAsync(TenantSession session, Guid id, CancellationToken ct, bool forUpdate = false)
    {
        var s = session.Statement();
        s.Append($"SELECT {InstanceColumns} FROM {session.Table(WorkflowStore.InstancesTable)} i WHERE i.\"id\" = {s.Parameter(WorkflowStore.IdColumn, id)}");
        if (forUpdate && session.Dialect.Provider == Core.Configuration.DatabaseProvider.Postgres)
        {
            s.Append(" FOR UPDATE");
        }

        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadInstance(session, reader) : null;
    }

    public static async Task<List<ApprovalRequest>> RequestsAsync(TenantSession session, string where, Action<Data.Sql.SqlStatement, List<string>> bind, CancellationToken ct,
        bool withInstance = false, string order = "a.\"created_at\", a.\"id\"", int limit = 500)
    {
        var s = session.Statement();
        var parameters = new List<string>();
        bind(s, parameters);
        var join = withInstance ? $", {InstanceColumns} FROM {session.Table(WorkflowStore.ApprovalsTable)} a JOIN {session.Table(WorkflowStore.InstancesTable)} i ON i.\"id\" = a.\"instance_id\""
            : $" FROM {session.Table(WorkflowStore.ApprovalsTable)} a";
        s.Append($"SELECT {RequestColumns}{join} WHERE {string.Format(CultureInfo.InvariantCulture, where, parameters.ToArray<object>())} ORDER BY {order} LIMIT {limit.ToString(CultureInfo.InvariantCulture)}");
        var requests = new List<ApprovalRequest>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var request = ReadRequest(session, reader);
            requests.Add(withInstance ? request with { Instance = ReadInstance(session, reader, 11) } : request);
        }

        return requests;
    }

    public static async Task InsertInstanceAsync(TenantSession session, WorkflowInstance instance, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"INSERT INTO {session.Table(WorkflowStore.InstancesTable)} (\"id\", \"workflow\", \"version\", \"object_name\", \"record_id\", \"status\", \"current_step\", " +
                 "\"result\", \"locked\", \"submitted_by\", \"started_at\", \"ended_at\", \"error\") VALUES (" +
                 $"{s.Parameter(WorkflowStore.IdColumn, instance.Id)}, {s.Parameter(null, instance.Workflow)}, {s.Parameter(null, instance.Version)}, " +
                 $"{s.Parameter(null, instance.Object)}, {s.Parameter(WorkflowStore.IdColumn, instance.RecordId)}, {s.Parameter(null, instance.Status)}, " +
                 $"{s.Parameter(null, instance.CurrentStep)}, NULL, 0, {s.Parameter(WorkflowStore.IdColumn, instance.SubmittedBy)}, " +
                 $"{s.Parameter(WorkflowStore.TimeColumn, instance.StartedAt)}, NULL, NULL)");
        await session.ExecuteAsync(s, ct);
    }

    public static async Task UpdateInstanceAsync(TenantSession session, Guid id, string status, string? step, bool locked, CancellationToken ct,
        string? result = null, DateTimeOffset? endedAt = null, string? error = null)
    {
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.InstancesTable)} SET \"status\" = {s.Parameter(null, status)}, \"current_step\" = {s.Parameter(null, step)}, " +
                 $"\"locked\" = {(locked ? "1" : "0")}, \"result\" = {s.Parameter(null, result)}, \"ended_at\" = {s.Parameter(WorkflowStore.TimeColumn, endedAt)}, " +
                 $"\"error\" = {s.Parameter(null, error)} WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, id)}");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>Queues a step; <paramref name="seq"/> orders an instance's steps and makes a second enqueue of the same one fail.</summary>
    public static async Task EnqueueAsync(TenantSession session, Guid instance, int seq, string step, DateTimeOffset due, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"INSERT INTO {session.Table(WorkflowStore.WorkTable)} (\"id\", \"instance_id\", \"seq\", \"step\", \"due_at\", \"attempts\", \"done_at\", \"error\") VALUES (" +
                 $"{s.Parameter(WorkflowStore.IdColumn, Guid.CreateVersion7())}, {s.Parameter(WorkflowStore.IdColumn, instance)}, {s.Parameter(null, seq)}, " +
                 $"{s.Parameter(null, step)}, {s.Parameter(WorkflowStore.TimeColumn, due)}, 0, NULL, NULL)");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>The next sequence number of an instance's work.</summary>
    public static async Task<int> NextSeqAsync(TenantSession session, Guid instance, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT COALESCE(MAX(\"seq\"), 0) + 1 FROM {session.Table(WorkflowStore.WorkTable)} WHERE \"instance_id\" = {s.Parameter(WorkflowStore.IdColumn, instance)}");
        return Convert.ToInt32(await session.ScalarAsync(s, ct), CultureInfo.InvariantCulture);
    }

    public static async Task InsertRequestAsync(TenantSession session, ApprovalRequest request, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"INSERT INTO {session.Table(WorkflowStore.ApprovalsTable)} (\"id\", \"instance_id\", \"step\", \"level\", \"approver\", \"status\", \"comment\", " +
                 "\"created_at\", \"acted_at\", \"acted_by\", \"reassigned_from\") VALUES (" +
                 $"{s.Parameter(WorkflowStore.IdColumn, request.Id)}, {s.Parameter(WorkflowStore.IdColumn, request.InstanceId)}, {s.Parameter(null, request.Step)}, " +
                 $"{s.Parameter(null, request.Level)}, {s.Parameter(WorkflowStore.IdColumn, request.Approver)}, {s.Parameter(null, request.Status)}, " +
                 $"{s.Parameter(null, request.Comment)}, {s.Parameter(WorkflowStore.TimeColumn, request.CreatedAt)}, NULL, NULL, " +
                 $"{s.Parameter(WorkflowStore.IdColumn, request.ReassignedFrom)})");
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>Sets a request's answer, only while it is pending (so two answers cannot both count); false when it was not.</summary>
    public static async Task<bool> AnswerAsync(TenantSession session, Guid request, string status, string? comment, Guid by, DateTimeOffset at, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.ApprovalsTable)} SET \"status\" = {s.Parameter(null, status)}, \"comment\" = {s.Parameter(null, comment)}, " +
                 $"\"acted_at\" = {s.Parameter(WorkflowStore.TimeColumn, at)}, \"acted_by\" = {s.Parameter(WorkflowStore.IdColumn, by)} " +
                 $"WHERE \"id\" = {s.Parameter(WorkflowStore.IdColumn, request)} AND \"status\" = 'PENDING'");
        return await session.ExecuteAsync(s, ct) == 1;
    }

    /// <summary>Closes the step's other pending requests (decided, recalled).</summary>
    public static async Task ClosePendingAsync(TenantSession session, Guid instance, string status, DateTimeOffset at, CancellationToken ct, string? step = null)
    {
        var s = session.Statement();
        s.Append($"UPDATE {session.Table(WorkflowStore.ApprovalsTable)} SET \"status\" = {s.Parameter(null, status)}, \"acted_at\" = {s.Parameter(WorkflowStore.TimeColumn, at)} " +
                 $"WHERE \"instance_id\" = {s.Parameter(WorkflowStore.IdColumn, instance)} AND \"status\" = 'PENDING'" +
                 (step is null ? "" : $" AND \"step\" = {s.Parameter(null, step)}"));
        await session.ExecuteAsync(s, ct);
    }

    /// <summary>The steps of an instance that still have pending requests (several in parallel branches).</summary>
    public static async Task<List<string>> PendingStepsAsync(TenantSession session, Guid instance, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT DISTINCT \"step\" FROM {session.Table(WorkflowStore.ApprovalsTable)} WHERE \"instance_id\" = {s.Parameter(WorkflowStore.IdColumn, instance)} AND \"status\" = 'PENDING'");
        var steps = new List<string>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            steps.Add(reader.GetString(0));
        }

        return steps;
    }

    private static Guid? Id(TenantSession session, object? value) => (Guid?)session.Dialect.FromDb(WorkflowStore.IdColumn, value);
}
