using System.Globalization;
using System.Text.Json;
using Paas.Core.Metadata;
using Paas.Data.Metadata;
using Paas.Data.Security;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>
/// Scripts in the tenant's storage: the deployed definitions (part of the metadata snapshot), every version ever deployed,
/// the log of executions admins can read, and when each scheduled script runs next.
/// </summary>
public static class ScriptStore
{
    public const string ScriptsTable = "_paas_scripts";
    public const string VersionsTable = "_paas_script_versions";
    public const string RunsTable = "_paas_script_runs";
    public const string ScheduleTable = "_paas_script_schedule";

    /// <summary>Most log lines kept for one execution; more are dropped with a note.</summary>
    public const int MaxLogLinesPerRun = 200;

    public static async Task CreateTablesAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = d.ColumnType(SecurityStore.IdColumn);
        var time = d.ColumnType(SecurityStore.TimeColumn);
        string[] statements =
        [
            $"CREATE TABLE IF NOT EXISTS {session.Table(ScriptsTable)} ({d.Quote("api_name")} varchar(80) PRIMARY KEY, {d.Quote("definition")} text NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {session.Table(VersionsTable)} ({d.Quote("api_name")} varchar(80) NOT NULL, {d.Quote("version")} integer NOT NULL, " +
            $"{d.Quote("definition")} text NOT NULL, {d.Quote("deployed_at")} {time} NOT NULL, {d.Quote("deployed_by")} {id} NULL, " +
            $"PRIMARY KEY ({d.Quote("api_name")}, {d.Quote("version")}))",
            $"CREATE TABLE IF NOT EXISTS {session.Table(RunsTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("script")} varchar(80) NOT NULL, " +
            $"{d.Quote("version")} integer NOT NULL, {d.Quote("kind")} varchar(20) NOT NULL, {d.Quote("at")} {time} NOT NULL, {d.Quote("user_id")} {id} NULL, " +
            $"{d.Quote("duration_us")} bigint NOT NULL, {d.Quote("statements")} bigint NOT NULL, {d.Quote("queries")} integer NOT NULL, {d.Quote("dml_rows")} integer NOT NULL, " +
            $"{d.Quote("error_code")} varchar(40) NULL, {d.Quote("error")} text NULL, {d.Quote("logs")} text NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_script_runs_script")} ON {session.Table(RunsTable)} ({d.Quote("script")}, {d.Quote("at")})",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_script_runs_at")} ON {session.Table(RunsTable)} ({d.Quote("at")})",
            $"CREATE TABLE IF NOT EXISTS {session.Table(ScheduleTable)} ({d.Quote("api_name")} varchar(80) PRIMARY KEY, {d.Quote("next_run_at")} {time} NOT NULL)",
        ];
        foreach (var sql in statements)
        {
            await session.ExecuteAsync(session.Statement().Append(sql), ct);
        }
    }

    public static async Task<IReadOnlyList<ScriptDefinition>> LoadAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var scripts = new List<ScriptDefinition>();
        await using var command = session.Command(session.Statement().Append(
            $"SELECT {d.Quote("definition")} FROM {session.Table(ScriptsTable)} ORDER BY {d.Quote("api_name")}"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            scripts.Add(JsonSerializer.Deserialize<ScriptDefinition>(reader.GetString(0), MetadataJson.Options)!);
        }

        return scripts;
    }

    /// <summary>Saves the current definition and, when it is a new version, keeps it in the version history.</summary>
    public static async Task SaveAsync(TenantSession session, ScriptDefinition script, bool newVersion, CancellationToken ct)
    {
        var d = session.Dialect;
        var json = JsonSerializer.Serialize(script, MetadataJson.Options);
        var upsert = session.Statement();
        var name = upsert.Parameter(null, script.ApiName);
        var definition = upsert.Parameter(null, json);
        upsert.Append($"INSERT INTO {session.Table(ScriptsTable)} ({d.Quote("api_name")}, {d.Quote("definition")}) VALUES ({name}, {definition}) " +
                      $"ON CONFLICT ({d.Quote("api_name")}) DO UPDATE SET {d.Quote("definition")} = excluded.{d.Quote("definition")}");
        await session.ExecuteAsync(upsert, ct);
        if (!newVersion)
        {
            return;
        }

        var insert = session.Statement();
        insert.Append($"INSERT INTO {session.Table(VersionsTable)} ({d.Quote("api_name")}, {d.Quote("version")}, {d.Quote("definition")}, {d.Quote("deployed_at")}, {d.Quote("deployed_by")}) " +
                      $"VALUES ({insert.Parameter(null, script.ApiName)}, {insert.Parameter(null, script.Version)}, {insert.Parameter(null, json)}, " +
                      $"{insert.Parameter(SecurityStore.TimeColumn, script.UpdatedAt)}, {insert.Parameter(SecurityStore.IdColumn, script.UpdatedBy)})");
        await session.ExecuteAsync(insert, ct);
    }

    /// <summary>Removes a script and its schedule; its versions and runs are kept for the audit trail.</summary>
    public static async Task DeleteAsync(TenantSession session, string apiName, CancellationToken ct)
    {
        foreach (var table in new[] { ScriptsTable, ScheduleTable })
        {
            var statement = session.Statement();
            statement.Append($"DELETE FROM {session.Table(table)} WHERE {session.Dialect.Quote("api_name")} = {statement.Parameter(null, apiName)}");
            await session.ExecuteAsync(statement, ct);
        }
    }

    public static async Task<IReadOnlyList<ScriptDefinition>> VersionsAsync(TenantSession session, string apiName, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        statement.Append($"SELECT {d.Quote("definition")} FROM {session.Table(VersionsTable)} WHERE {d.Quote("api_name")} = {statement.Parameter(null, apiName)} " +
                         $"ORDER BY {d.Quote("version")} DESC");
        var versions = new List<ScriptDefinition>();
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(JsonSerializer.Deserialize<ScriptDefinition>(reader.GetString(0), MetadataJson.Options)!);
        }

        return versions;
    }

    /// <summary>The highest version ever deployed under this name (deleted scripts included), so versions never repeat.</summary>
    public static async Task<int> LatestVersionAsync(TenantSession session, string apiName, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        statement.Append($"SELECT MAX({d.Quote("version")}) FROM {session.Table(VersionsTable)} WHERE {d.Quote("api_name")} = {statement.Parameter(null, apiName)}");
        var value = await session.ScalarAsync(statement, ct);
        return value is null or DBNull ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    public static async Task WriteRunsAsync(TenantSession session, IReadOnlyList<ScriptRun> runs, CancellationToken ct)
    {
        var d = session.Dialect;
        foreach (var run in runs)
        {
            var s = session.Statement();
            var logs = run.Logs.Count == 0 ? null : JsonSerializer.Serialize(run.Logs.Take(MaxLogLinesPerRun), MetadataJson.Options);
            s.Append($"INSERT INTO {session.Table(RunsTable)} ({d.Quote("id")}, {d.Quote("script")}, {d.Quote("version")}, {d.Quote("kind")}, {d.Quote("at")}, " +
                     $"{d.Quote("user_id")}, {d.Quote("duration_us")}, {d.Quote("statements")}, {d.Quote("queries")}, {d.Quote("dml_rows")}, {d.Quote("error_code")}, " +
                     $"{d.Quote("error")}, {d.Quote("logs")}) VALUES ({s.Parameter(SecurityStore.IdColumn, run.Id)}, {s.Parameter(null, run.Script)}, " +
                     $"{s.Parameter(null, run.Version)}, {s.Parameter(null, run.Kind)}, {s.Parameter(SecurityStore.TimeColumn, run.At)}, " +
                     $"{s.Parameter(SecurityStore.IdColumn, run.UserId)}, {s.Parameter(null, (long)run.Duration.TotalMicroseconds)}, {s.Parameter(null, run.Statements)}, " +
                     $"{s.Parameter(null, run.Queries)}, {s.Parameter(null, run.DmlRows)}, {s.Parameter(null, run.ErrorCode)}, {s.Parameter(null, run.Error)}, " +
                     $"{s.Parameter(null, logs)})");
            await session.ExecuteAsync(s, ct);
        }
    }

    /// <summary>The most recent executions, newest first, optionally of one script.</summary>
    public static async Task<IReadOnlyList<ScriptRun>> RunsAsync(TenantSession session, string? script, int first, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        var where = script is null ? "" : $"WHERE {d.Quote("script")} = {s.Parameter(null, script)} ";
        s.Append($"SELECT {d.Quote("id")}, {d.Quote("script")}, {d.Quote("version")}, {d.Quote("kind")}, {d.Quote("at")}, {d.Quote("user_id")}, {d.Quote("duration_us")}, " +
                 $"{d.Quote("statements")}, {d.Quote("queries")}, {d.Quote("dml_rows")}, {d.Quote("error_code")}, {d.Quote("error")}, {d.Quote("logs")} " +
                 $"FROM {session.Table(RunsTable)} {where}ORDER BY {d.Quote("at")} DESC, {d.Quote("id")} DESC LIMIT {Math.Clamp(first, 1, 500)}");
        var runs = new List<ScriptRun>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new ScriptRun
            {
                Id = (Guid)d.FromDb(SecurityStore.IdColumn, reader.GetValue(0))!,
                Script = reader.GetString(1),
                Version = Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
                Kind = reader.GetString(3),
                At = (DateTimeOffset)d.FromDb(SecurityStore.TimeColumn, reader.GetValue(4))!,
                UserId = (Guid?)d.FromDb(SecurityStore.IdColumn, reader.GetValue(5)),
                Duration = TimeSpan.FromMicroseconds(Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture)),
                Statements = Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture),
                Queries = Convert.ToInt32(reader.GetValue(8), CultureInfo.InvariantCulture),
                DmlRows = Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture),
                ErrorCode = reader.IsDBNull(10) ? null : reader.GetString(10),
                Error = reader.IsDBNull(11) ? null : reader.GetString(11),
                Logs = reader.IsDBNull(12) ? [] : JsonSerializer.Deserialize<List<Core.Scripting.ScriptLogEntry>>(reader.GetString(12), MetadataJson.Options) ?? [],
            });
        }

        return runs;
    }

    /// <summary>Deletes executions older than the retention; returns how many went.</summary>
    public static async Task<int> PurgeRunsAsync(TenantSession session, DateTimeOffset before, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"DELETE FROM {session.Table(RunsTable)} WHERE {session.Dialect.Quote("at")} < {s.Parameter(SecurityStore.TimeColumn, before)}");
        return await session.ExecuteAsync(s, ct);
    }
}

/// <summary>One logged script execution.</summary>
public sealed record ScriptRun
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Script { get; init; }
    public int Version { get; init; }
    public required string Kind { get; init; }
    public DateTimeOffset At { get; init; }
    public Guid? UserId { get; init; }
    public TimeSpan Duration { get; init; }
    public long Statements { get; init; }
    public int Queries { get; init; }
    public int DmlRows { get; init; }
    public string? ErrorCode { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<Core.Scripting.ScriptLogEntry> Logs { get; init; } = [];
}
