using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>Checks and rewrites of the rows an object already has, for field changes that depend on them.</summary>
public static class ExistingData
{
    public static async Task<long> CountAsync(TenantSession session, ObjectDefinition definition, string? where, CancellationToken ct)
    {
        var value = await session.ScalarAsync(session.Statement().Append(
            $"SELECT COUNT(*) FROM {session.Table(definition)}{(where is null ? "" : " WHERE " + where)}"), ct);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Task<long> CountNullsAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct) =>
        CountAsync(session, definition, $"{session.Dialect.Quote(field.Column)} IS NULL", ct);

    /// <summary>
    /// Converts every stored value of <paramref name="from"/> into <paramref name="to"/>'s type and rules, writing the results
    /// into <paramref name="to"/>'s column (which may be the same column). Fails, writing nothing, if any value does not convert.
    /// </summary>
    public static async Task ConvertAsync(TenantSession session, ObjectDefinition definition, FieldDefinition from, FieldDefinition to, bool write, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = definition.IdField;
        var rows = new List<(object Id, object? Value)>();
        var failures = new List<string>();
        var failureCount = 0;
        await using (var command = session.Command(session.Statement().Append(
            $"SELECT {d.Quote(id.Column)}, {d.Quote(from.Column)} FROM {session.Table(definition)} WHERE {d.Quote(from.Column)} IS NOT NULL")))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var recordId = d.FromDb(id, reader.GetValue(0))!;
                var plain = FieldValueCoercer.ToPlain(d.FromDb(from, reader.GetValue(1)));
                if (FieldValueCoercer.TryCoerce(to, plain, out var converted, out var problem))
                {
                    rows.Add((recordId, converted));
                }
                else if (failureCount++ < 3)
                {
                    failures.Add($"record {recordId}: {problem}");
                }
            }
        }

        if (failureCount > 0)
        {
            throw PaasException.Validation("type",
                $"{failureCount} existing record(s) hold values that do not fit the new definition ({string.Join("; ", failures)}). Change or clear them first.");
        }

        if (!write)
        {
            return;
        }

        foreach (var (recordId, value) in rows)
        {
            var statement = session.Statement();
            var valueParameter = statement.Parameter(to, value);
            var idParameter = statement.Parameter(id, recordId);
            statement.Append($"UPDATE {session.Table(definition)} SET {d.Quote(to.Column)} = {valueParameter} WHERE {d.Quote(id.Column)} = {idParameter}");
            await session.ExecuteAsync(statement, ct);
        }
    }

    /// <summary>Sets a value on every row where the field is empty (a required field's default for existing records).</summary>
    public static async Task FillAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, object value, CancellationToken ct)
    {
        var statement = session.Statement();
        var parameter = statement.Parameter(field, value);
        statement.Append($"UPDATE {session.Table(definition)} SET {session.Dialect.Quote(field.Column)} = {parameter} WHERE {session.Dialect.Quote(field.Column)} IS NULL");
        await session.ExecuteAsync(statement, ct);
    }

    /// <summary>Numbers the existing rows of a new AUTO_NUMBER field in creation order.</summary>
    public static async Task NumberAsync(TenantSession session, ObjectDefinition definition, FieldDefinition field, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = definition.IdField;
        var ids = new List<object>();
        await using (var command = session.Command(session.Statement().Append(
            $"SELECT {d.Quote(id.Column)} FROM {session.Table(definition)} ORDER BY {d.Quote(SystemFields.CreatedAt)}, {d.Quote(id.Column)}")))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(d.FromDb(id, reader.GetValue(0))!);
            }
        }

        if (ids.Count == 0)
        {
            return;
        }

        var first = await AutoNumbers.ReserveAsync(session, definition, field, ids.Count, ct);
        for (var i = 0; i < ids.Count; i++)
        {
            var statement = session.Statement();
            var value = statement.Parameter(field, AutoNumbers.Format(field, first + i));
            var idParameter = statement.Parameter(id, ids[i]);
            statement.Append($"UPDATE {session.Table(definition)} SET {d.Quote(field.Column)} = {value} WHERE {d.Quote(id.Column)} = {idParameter}");
            await session.ExecuteAsync(statement, ct);
        }
    }
}
