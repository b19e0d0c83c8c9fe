using System.Globalization;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Runtime;

/// <summary>
/// The next occurrence of each published SCHEDULE workflow. Publishing sets it; claiming an occurrence moves it to the
/// first occurrence after the claim's time with a compare-and-set, so of several nodes exactly one starts it, and an
/// occurrence missed while no server ran is started once, not once per missed tick.
/// </summary>
internal static class WorkflowScheduleRows
{
    public sealed record Due(string Workflow, int Version, DateTimeOffset At);

    /// <summary>Replaces the workflow's schedule (none when <paramref name="next"/> is null), in the caller's transaction.</summary>
    public static async Task SetAsync(TenantSession session, string workflow, int version, DateTimeOffset? next, CancellationToken ct)
    {
        var delete = session.Statement();
        delete.Append($"DELETE FROM {session.Table(WorkflowStore.SchedulesTable)} WHERE \"workflow\" = {delete.Parameter(null, workflow)}");
        await session.ExecuteAsync(delete, ct);
        if (next is null)
        {
            return;
        }

        var insert = session.Statement();
        insert.Append($"INSERT INTO {session.Table(WorkflowStore.SchedulesTable)} (\"workflow\", \"version\", \"next_run_at\") VALUES (" +
                      $"{insert.Parameter(null, workflow)}, {insert.Parameter(null, version)}, {insert.Parameter(WorkflowStore.TimeColumn, next.Value)})");
        await session.ExecuteAsync(insert, ct);
    }

    public static async Task<List<Due>> DueAsync(TenantSession session, DateTimeOffset now, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT \"workflow\", \"version\", \"next_run_at\" FROM {session.Table(WorkflowStore.SchedulesTable)} " +
                 $"WHERE \"next_run_at\" <= {s.Parameter(WorkflowStore.TimeColumn, now)} ORDER BY \"next_run_at\"");
        var due = new List<Due>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            due.Add(new Due(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
                (DateTimeOffset)session.Dialect.FromDb(WorkflowStore.TimeColumn, reader.GetValue(2))!));
        }

        return due;
    }

    /// <summary>Moves a due occurrence to <paramref name="next"/> (or removes a schedule that has none); false when another node claimed it first.</summary>
    public static async Task<bool> ClaimAsync(TenantSession session, Due due, DateTimeOffset? next, CancellationToken ct)
    {
        var s = session.Statement();
        var when = $"\"workflow\" = {s.Parameter(null, due.Workflow)} AND \"version\" = {s.Parameter(null, due.Version)} " +
                   $"AND \"next_run_at\" = {s.Parameter(WorkflowStore.TimeColumn, due.At)}";
        s.Append(next is null
            ? $"DELETE FROM {session.Table(WorkflowStore.SchedulesTable)} WHERE {when}"
            : $"UPDATE {session.Table(WorkflowStore.SchedulesTable)} SET \"next_run_at\" = {s.Parameter(WorkflowStore.TimeColumn, next.Value)} WHERE {when}");
        return await session.ExecuteAsync(s, ct) == 1;
    }

    /// <summary>Who saved a version (scheduled instances are started in that user's name).</summary>
    public static async Task<Guid?> SavedByAsync(TenantSession session, string workflow, int version, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT \"saved_by\" FROM {session.Table(WorkflowStore.DefinitionsTable)} WHERE \"api_name\" = {s.Parameter(null, workflow)} AND \"version\" = {s.Parameter(null, version)}");
        return (Guid?)session.Dialect.FromDb(WorkflowStore.IdColumn, await session.ScalarAsync(s, ct));
    }
}
