using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Paas.Core.Configuration;
using Paas.Core.Metadata;

namespace Paas.Data.Sql;

/// <summary>
/// SQLite: one database file per tenant. Decimals are stored as integers scaled by 10^scale so that they stay
/// exact and sort correctly; dates and times as fixed-width ISO text, which sorts like the values.
/// </summary>
public sealed class SqliteDialect : ISqlDialect
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    // SQLite looks parameters up by name linearly: many small statements beat a few huge ones.
    public int MaxParameters => 999;

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Table(string storageName, string table) => Quote(table);

    public string ColumnType(FieldDefinition field) => field.Type switch
    {
        FieldType.Integer or FieldType.Boolean => "INTEGER",
        _ when field.Type.IsDecimal() => "INTEGER",
        _ => "TEXT",
    };

    public object ToDb(FieldDefinition field, object canonical) => canonical switch
    {
        decimal d when field.Type.IsDecimal() => decimal.ToInt64(d * Scale(field)),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? 1L : 0L,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset dt => Core.Records.FieldValueCoercer.FormatDateTime(dt),
        Guid g => g.ToString("D"),
        string[] items => JsonSerializer.Serialize(items),
        JsonElement json => json.GetRawText(),
        _ => canonical,
    };

    public object? FromDb(FieldDefinition field, object? value)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        return field.Type switch
        {
            _ when field.Type.IsDecimal() => Convert.ToInt64(value, CultureInfo.InvariantCulture) / Scale(field),
            FieldType.Integer => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            FieldType.Boolean => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
            FieldType.Date => DateOnly.ParseExact((string)value, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            FieldType.DateTime => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            FieldType.Id or FieldType.Lookup or FieldType.MasterDetail => Guid.Parse((string)value),
            FieldType.MultiPicklist => JsonSerializer.Deserialize<string[]>((string)value) ?? [],
            FieldType.Json => JsonDocument.Parse((string)value).RootElement.Clone(),
            _ => value is string ? value : Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    // Microsoft.Data.Sqlite binds decimals as TEXT, which never compares equal to a number: untyped decimals go as REAL.
    public void SetParameter(DbParameter parameter, FieldDefinition? field, object? canonical) =>
        parameter.Value = canonical switch
        {
            null => DBNull.Value,
            decimal d when field is null => decimal.Truncate(d) == d && Math.Abs(d) <= long.MaxValue ? (object)decimal.ToInt64(d) : (double)d,
            _ => field is null ? canonical : ToDb(field, canonical),
        };

    public object ComparableNumber(FieldDefinition field, decimal value) => field.Type.IsDecimal() ? value * Scale(field) : value;

    // SQLite's LIKE folds only ASCII letters; paas_fold (registered on every connection) folds all of Unicode.
    public string ILike(string column, string pattern) => $"paas_fold({column}) LIKE paas_fold({pattern}) ESCAPE '\\'";

    public string JsonArrayContainsAny(string column, IReadOnlyList<string> parameters) =>
        $"EXISTS (SELECT 1 FROM json_each({column}) WHERE value IN ({string.Join(", ", parameters)}))";

    public string JsonArrayContainsAll(string column, IReadOnlyList<string> parameters) =>
        string.Join(" AND ", parameters.Select(p => $"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {p})"));

    public bool IsUniqueViolation(Exception exception, out string? indexOrColumn)
    {
        indexOrColumn = null;
        if (exception is not SqliteException { SqliteErrorCode: 19 } sqlite
            || !sqlite.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal))
        {
            return false;
        }

        // "UNIQUE constraint failed: o_invoice.code" (the first column is enough to name the field).
        var tail = sqlite.Message[(sqlite.Message.IndexOf("failed:", StringComparison.Ordinal) + 7)..].Trim().TrimEnd('\'', '.');
        var first = tail.Split(',')[0].Trim();
        indexOrColumn = first.Contains('.', StringComparison.Ordinal) ? first[(first.IndexOf('.', StringComparison.Ordinal) + 1)..] : first;
        return true;
    }

    private static decimal Scale(FieldDefinition field)
    {
        var scale = 1m;
        for (var i = 0; i < field.EffectiveScale; i++)
        {
            scale *= 10;
        }

        return scale;
    }
}
