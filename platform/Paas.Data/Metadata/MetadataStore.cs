using Paas.Core.Metadata;
using Paas.Data.Security;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>Reads and writes the metadata tables that live in each tenant's own storage, beside its data.</summary>
public static class MetadataStore
{
    public const string ObjectsTable = "_paas_objects";
    public const string StateTable = "_paas_state";
    public const string SequencesTable = "_paas_sequences";

    public static async Task CreateTablesAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        await session.ExecuteAsync(session.Statement().Append(
            $"CREATE TABLE IF NOT EXISTS {session.Table(ObjectsTable)} ({d.Quote("api_name")} varchar(80) PRIMARY KEY, {d.Quote("definition")} text NOT NULL)"), ct);
        await session.ExecuteAsync(session.Statement().Append(
            $"CREATE TABLE IF NOT EXISTS {session.Table(StateTable)} ({d.Quote("id")} integer PRIMARY KEY, {d.Quote("metadata_version")} bigint NOT NULL)"), ct);
        await session.ExecuteAsync(session.Statement().Append(
            $"CREATE TABLE IF NOT EXISTS {session.Table(SequencesTable)} ({d.Quote("name")} varchar(200) PRIMARY KEY, {d.Quote("next_value")} bigint NOT NULL)"), ct);
        var insert = session.Statement();
        insert.Append($"INSERT INTO {session.Table(StateTable)} ({d.Quote("id")}, {d.Quote("metadata_version")}) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM {session.Table(StateTable)})");
        await session.ExecuteAsync(insert, ct);
        await SecurityStore.CreateTablesAsync(session, ct);
        await Scripting.ScriptStore.CreateTablesAsync(session, ct);
        await Workflows.WorkflowStore.CreateTablesAsync(session, ct);
        await Workflows.StageStore.CreateTablesAsync(session, ct);
        await Workflows.NotificationStore.CreateTablesAsync(session, ct);
    }

    public static async Task<long> ReadVersionAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var value = await session.ScalarAsync(session.Statement().Append(
            $"SELECT {d.Quote("metadata_version")} FROM {session.Table(StateTable)} WHERE {d.Quote("id")} = 1"), ct);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Increments the version. Inside a transaction this also serialises concurrent metadata changes (row lock).</summary>
    public static async Task<long> BumpVersionAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var value = await session.ScalarAsync(session.Statement().Append(
            $"UPDATE {session.Table(StateTable)} SET {d.Quote("metadata_version")} = {d.Quote("metadata_version")} + 1 WHERE {d.Quote("id")} = 1 RETURNING {d.Quote("metadata_version")}"), ct);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<TenantMetadata> LoadAsync(TenantSession session, long version, CancellationToken ct)
    {
        var d = session.Dialect;
        var objects = new List<ObjectDefinition>();
        await using var command = session.Command(session.Statement().Append(
            $"SELECT {d.Quote("definition")} FROM {session.Table(ObjectsTable)} ORDER BY {d.Quote("api_name")}"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            objects.Add(MetadataJson.Deserialize(reader.GetString(0)));
        }

        await reader.DisposeAsync();
        return new TenantMetadata(version, objects, await SecurityStore.LoadAsync(session, ct), await Scripting.ScriptStore.LoadAsync(session, ct),
            await Workflows.WorkflowStore.LoadPublishedAsync(session, ct), await Workflows.StageStore.LoadAsync(session, ct));
    }

    public static async Task SaveObjectAsync(TenantSession session, ObjectDefinition definition, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var name = statement.Parameter(null, definition.ApiName);
        var json = statement.Parameter(null, MetadataJson.Serialize(definition));
        statement.Append($"INSERT INTO {session.Table(ObjectsTable)} ({d.Quote("api_name")}, {d.Quote("definition")}) VALUES ({name}, {json}) " +
                         $"ON CONFLICT ({d.Quote("api_name")}) DO UPDATE SET {d.Quote("definition")} = excluded.{d.Quote("definition")}");
        await session.ExecuteAsync(statement, ct);
    }

    public static async Task DeleteObjectAsync(TenantSession session, string apiName, CancellationToken ct)
    {
        var statement = session.Statement();
        var name = statement.Parameter(null, apiName);
        statement.Append($"DELETE FROM {session.Table(ObjectsTable)} WHERE {session.Dialect.Quote("api_name")} = {name}");
        await session.ExecuteAsync(statement, ct);
    }
}
