using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Records;

/// <summary>The statements of the write pipeline. Column names come from metadata; values are parameters.</summary>
public static class RecordSql
{
    public static async Task InsertAsync(TenantSession session, ObjectDefinition definition, IReadOnlyList<Dictionary<string, object?>> rows, CancellationToken ct)
    {
        var d = session.Dialect;
        var fields = definition.LiveFields.Where(f => rows.Any(r => r.ContainsKey(f.ApiName))).ToList();
        if (rows.Count >= BulkCopy.MinimumRows && session.Connection is Npgsql.NpgsqlConnection)
        {
            await BulkCopy.InsertAsync(session, definition, fields, rows, ct);
            return;
        }

        var columns = string.Join(", ", fields.Select(f => d.Quote(f.Column)));
        var perStatement = Math.Max(1, Math.Min(500, d.MaxParameters / Math.Max(1, fields.Count)));
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var statement = session.Statement();
            statement.Append($"INSERT INTO {session.Table(definition)} ({columns}) VALUES ");
            statement.Append(string.Join(", ", chunk.Select(row =>
                "(" + string.Join(", ", fields.Select(f => statement.Parameter(f, row.GetValueOrDefault(f.ApiName)))) + ")")));
            await ExecuteMappingUniqueAsync(session, definition, statement, ct);
        }
    }

    public static async Task<bool> UpdateAsync(TenantSession session, ObjectDefinition definition, Guid id, long? expectedVersion, IReadOnlyDictionary<string, object?> values, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var version = d.Quote(SystemFields.Version);
        var sets = values.Select(kv =>
        {
            var field = definition.FindField(kv.Key)!;
            return $"{d.Quote(field.Column)} = {statement.Parameter(field, kv.Value)}";
        }).Append($"{version} = {version} + 1");
        statement.Append($"UPDATE {session.Table(definition)} SET {string.Join(", ", sets)} WHERE {d.Quote(SystemFields.Id)} = {statement.Parameter(definition.IdField, id)}");
        if (expectedVersion is { } expected)
        {
            statement.Append($" AND {version} = {statement.Parameter(null, expected)}");
        }

        return await ExecuteMappingUniqueAsync(session, definition, statement, ct) == 1;
    }

    public static async Task<long?> VersionOfAsync(TenantSession session, ObjectDefinition definition, Guid id, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        statement.Append($"SELECT {d.Quote(SystemFields.Version)} FROM {session.Table(definition)} WHERE {d.Quote(SystemFields.Id)} = {statement.Parameter(definition.IdField, id)}");
        var value = await session.ScalarAsync(statement, ct);
        return value is null ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<Guid?> FindIdAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, object value, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        statement.Append($"SELECT {d.Quote(SystemFields.Id)} FROM {session.Table(definition)} WHERE {d.Quote(field.Column)} = {statement.Parameter(field, value)}");
        var found = await session.ScalarAsync(statement, ct);
        return found is null ? null : (Guid)d.FromDb(definition.IdField, found)!;
    }

    /// <summary>The ids that exist, and when <paramref name="level"/> is given, that the caller may read (or edit).</summary>
    public static async Task<HashSet<Guid>> ExistingIdsAsync(TenantSession session, ObjectDefinition definition, IReadOnlyList<Guid> ids, CancellationToken ct,
        Core.Security.AccessLevel? level = null)
    {
        var found = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            var d = session.Dialect;
            var statement = session.Statement();
            statement.Append($"SELECT t0.{d.Quote(SystemFields.Id)} FROM {session.Table(definition)} t0 WHERE {statement.IdIn($"t0.{d.Quote(SystemFields.Id)}", definition.IdField, chunk)}");
            if (level is { } wanted && session.AccessPredicate(statement, definition, "t0", wanted) is { } visible)
            {
                statement.Append(" AND " + visible);
            }

            await using var command = session.Command(statement);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add((Guid)d.FromDb(definition.IdField, reader.GetValue(0))!);
            }
        }

        return found;
    }

    public static async Task<List<Guid>> FindReferencingAsync(TenantSession session, ObjectDefinition child, FieldDefinition field, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var d = session.Dialect;
        var result = new List<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            var statement = session.Statement();
            statement.Append($"SELECT {d.Quote(SystemFields.Id)} FROM {session.Table(child)} WHERE {statement.IdIn(d.Quote(field.Column), field, chunk)}");
            await using var command = session.Command(statement);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result.Add((Guid)d.FromDb(child.IdField, reader.GetValue(0))!);
            }
        }

        return result;
    }

    public static async Task ClearReferencesAsync(TenantSession session, ObjectDefinition child, FieldDefinition field, IReadOnlyList<Guid> ids, Guid principal, DateTimeOffset now, CancellationToken ct)
    {
        var d = session.Dialect;
        foreach (var chunk in ids.Chunk(500))
        {
            var statement = session.Statement();
            var version = d.Quote(SystemFields.Version);
            var updatedAt = statement.Parameter(child.FindField(SystemFields.UpdatedAt), Core.Records.FieldValueCoercer.TruncateToMicroseconds(now));
            var updatedBy = statement.Parameter(child.IdField, principal);
            statement.Append($"UPDATE {session.Table(child)} SET {d.Quote(field.Column)} = NULL, {version} = {version} + 1, " +
                             $"{d.Quote(SystemFields.UpdatedAt)} = {updatedAt}, {d.Quote(SystemFields.UpdatedBy)} = {updatedBy} WHERE {statement.IdIn(d.Quote(field.Column), field, chunk)}");
            await session.ExecuteAsync(statement, ct);
        }
    }

    public static async Task DeleteAsync(TenantSession session, ObjectDefinition definition, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var d = session.Dialect;
        foreach (var chunk in ids.Chunk(500))
        {
            var statement = session.Statement();
            statement.Append($"DELETE FROM {session.Table(definition)} WHERE {statement.IdIn(d.Quote(SystemFields.Id), definition.IdField, chunk)}");
            await session.ExecuteAsync(statement, ct);
        }
    }

    internal static PaasException UniqueConflict(ObjectDefinition definition, string? where)
    {
        var field = definition.Fields.FirstOrDefault(f => where == f.Column || where == Metadata.SchemaDdl.UniqueIndexName(definition, f));
        var name = field?.ApiName ?? "input";
        return PaasException.Conflict($"Another {definition.ApiName} already has this {name}.", [new FieldError(name, "This value is already taken.")]);
    }

    private static async Task<int> ExecuteMappingUniqueAsync(TenantSession session, ObjectDefinition definition, Sql.SqlStatement statement, CancellationToken ct)
    {
        try
        {
            return await session.ExecuteAsync(statement, ct);
        }
        catch (Exception ex) when (session.Dialect.IsUniqueViolation(ex, out var where))
        {
            throw UniqueConflict(definition, where);
        }
    }
}
