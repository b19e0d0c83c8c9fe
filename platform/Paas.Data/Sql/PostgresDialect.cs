using System.Data.Common;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Paas.Core.Configuration;
using Paas.Core.Metadata;

namespace Paas.Data.Sql;

/// <summary>PostgreSQL: one schema per tenant, native numeric, date, timestamptz, uuid and jsonb columns.</summary>
public sealed class PostgresDialect : ISqlDialect
{
    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public int MaxParameters => 60_000;

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Table(string storageName, string table) => Quote(storageName) + "." + Quote(table);

    public string ColumnType(FieldDefinition field) => field.Type switch
    {
        FieldType.Text or FieldType.Email or FieldType.Phone or FieldType.Url or FieldType.Picklist or FieldType.AutoNumber
            => $"varchar({Math.Max(field.EffectiveMaxLength, 255)})",
        FieldType.LongText => "text",
        FieldType.Integer => "bigint",
        FieldType.Number or FieldType.Currency or FieldType.Percent => $"numeric({field.EffectivePrecision},{field.EffectiveScale})",
        FieldType.Boolean => "boolean",
        FieldType.Date => "date",
        FieldType.DateTime => "timestamptz",
        FieldType.MultiPicklist or FieldType.Json => "jsonb",
        FieldType.Lookup or FieldType.MasterDetail or FieldType.Id => "uuid",
        _ => "text",
    };

    public object ToDb(FieldDefinition field, object canonical) => canonical switch
    {
        DateTimeOffset dt => dt.ToUniversalTime(),
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
            FieldType.Date => value is DateTime d ? DateOnly.FromDateTime(d) : value,
            FieldType.DateTime => value is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : value,
            FieldType.MultiPicklist => JsonSerializer.Deserialize<string[]>((string)value) ?? [],
            FieldType.Json => JsonDocument.Parse((string)value).RootElement.Clone(),
            FieldType.Integer => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            _ => value,
        };
    }

    public void SetParameter(DbParameter parameter, FieldDefinition? field, object? canonical)
    {
        var npgsql = (NpgsqlParameter)parameter;
        if (field is not null)
        {
            npgsql.NpgsqlDbType = DbType(field);
        }

        npgsql.Value = canonical is null ? DBNull.Value : field is null ? canonical : ToDb(field, canonical);
    }

    public object ComparableNumber(FieldDefinition field, decimal value) => value;

    public string ILike(string column, string pattern) => $"{column} ILIKE {pattern} ESCAPE '\\'";

    public string JsonArrayContainsAny(string column, IReadOnlyList<string> parameters) =>
        $"{column} ?| ARRAY[{string.Join(", ", parameters)}]::text[]";

    public string JsonArrayContainsAll(string column, IReadOnlyList<string> parameters) =>
        $"{column} ?& ARRAY[{string.Join(", ", parameters)}]::text[]";

    public bool IsUniqueViolation(Exception exception, out string? indexOrColumn)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            indexOrColumn = pg.ConstraintName;
            return true;
        }

        indexOrColumn = null;
        return false;
    }

    internal static NpgsqlDbType DbType(FieldDefinition field) => field.Type switch
    {
        FieldType.LongText => NpgsqlDbType.Text,
        FieldType.Integer => NpgsqlDbType.Bigint,
        FieldType.Number or FieldType.Currency or FieldType.Percent => NpgsqlDbType.Numeric,
        FieldType.Boolean => NpgsqlDbType.Boolean,
        FieldType.Date => NpgsqlDbType.Date,
        FieldType.DateTime => NpgsqlDbType.TimestampTz,
        FieldType.MultiPicklist or FieldType.Json => NpgsqlDbType.Jsonb,
        FieldType.Lookup or FieldType.MasterDetail or FieldType.Id => NpgsqlDbType.Uuid,
        _ => NpgsqlDbType.Varchar,
    };
}
