using Paas.Data.Security;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>When each active scheduled script runs next. Claiming a run moves its time forward with a compare-and-set, so of several server nodes exactly one runs it.</summary>
public static class ScriptSchedule
{
    public static async Task SetAsync(TenantSession session, string apiName, DateTimeOffset? next, CancellationToken ct)
    {
        var d = session.Dialect;
        var delete = session.Statement();
        delete.Append($"DELETE FROM {session.Table(ScriptStore.ScheduleTable)} WHERE {d.Quote("api_name")} = {delete.Parameter(null, apiName)}");
        await session.ExecuteAsync(delete, ct);
        if (next is null)
        {
            return;
        }

        var insert = session.Statement();
        insert.Append($"INSERT INTO {session.Table(ScriptStore.ScheduleTable)} ({d.Quote("api_name")}, {d.Quote("next_run_at")}) " +
                      $"VALUES ({insert.Parameter(null, apiName)}, {insert.Parameter(SecurityStore.TimeColumn, next.Value)})");
        await session.ExecuteAsync(insert, ct);
    }

    /// <summary>Scripts whose time has come, with the time each was due.</summary>
    public static async Task<IReadOnlyList<(string ApiName, DateTimeOffset Due)>> DueAsync(TenantSession session, DateTimeOffset now, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        s.Append($"SELECT {d.Quote("api_name")}, {d.Quote("next_run_at")} FROM {session.Table(ScriptStore.ScheduleTable)} " +
                 $"WHERE {d.Quote("next_run_at")} <= {s.Parameter(SecurityStore.TimeColumn, now)} ORDER BY {d.Quote("next_run_at")}");
        var due = new List<(string, DateTimeOffset)>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            due.Add((reader.GetString(0), (DateTimeOffset)d.FromDb(SecurityStore.TimeColumn, reader.GetValue(1))!));
        }

        return due;
    }

    /// <summary>Moves a due run to its next time; false when another node claimed it first.</summary>
    public static async Task<bool> ClaimAsync(TenantSession session, string apiName, DateTimeOffset due, DateTimeOffset? next, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        var when = $"{d.Quote("api_name")} = {s.Parameter(null, apiName)} AND {d.Quote("next_run_at")} = {s.Parameter(SecurityStore.TimeColumn, due)}";
        s.Append(next is null
            ? $"DELETE FROM {session.Table(ScriptStore.ScheduleTable)} WHERE {when}"
            : $"UPDATE {session.Table(ScriptStore.ScheduleTable)} SET {d.Quote("next_run_at")} = {s.Parameter(SecurityStore.TimeColumn, next.Value)} WHERE {when}");
        return await session.ExecuteAsync(s, ct) == 1;
    }
}
