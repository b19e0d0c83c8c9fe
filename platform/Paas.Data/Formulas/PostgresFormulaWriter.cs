using System.Globalization;
using Paas.Core.Metadata;
using Paas.Data.Sql;

namespace Paas.Data.Formulas;

/// <summary>
/// PostgreSQL: native numeric (division always in numeric), boolean, date and timestamptz; ids as text. Date parts,
/// day and month arithmetic on datetimes are done in UTC, whatever the session's time zone; text orders by code point.
/// </summary>
internal sealed class PostgresFormulaWriter(ISqlDialect dialect, string alias, Func<ObjectDefinition, string> table)
    : FormulaSqlWriter(dialect, alias, table)
{
    protected override string True => "TRUE";

    protected override string False => "FALSE";

    protected override string Today => "CAST((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') AS date)";

    protected override string Now => "CURRENT_TIMESTAMP";

    protected override string TypedNull(FormulaType type) => type switch
    {
        FormulaType.Number => "CAST(NULL AS numeric)",
        FormulaType.Integer => "CAST(NULL AS bigint)",
        FormulaType.Text or FormulaType.Id => "CAST(NULL AS text)",
        FormulaType.Boolean => "CAST(NULL AS boolean)",
        FormulaType.Date => "CAST(NULL AS date)",
        FormulaType.DateTime => "CAST(NULL AS timestamptz)",
        _ => "NULL",
    };

    protected override SqlValue Number(decimal value, FormulaType type)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        return new SqlValue(value < 0 ? $"({text})" : text, type, 0, true);
    }

    protected override string TextLiteral(string value) => $"CAST({Quoted(value)} AS text)";

    protected override string Leaf(string column, FieldDefinition field) =>
        field.Type is FieldType.Id or FieldType.Lookup or FieldType.MasterDetail ? $"CAST({column} AS text)" : column;

    protected override int ScaleOf(FieldDefinition field) => 0;

    protected override IReadOnlyList<SqlValue> AlignNumbers(IReadOnlyList<SqlValue> values) => values;

    private static FormulaType Arithmetic(SqlValue a, SqlValue b) =>
        a.Type == FormulaType.Integer && b.Type == FormulaType.Integer ? FormulaType.Integer : FormulaType.Number;

    protected override SqlValue Add(SqlValue a, SqlValue b) => new($"({a.Sql} + {b.Sql})", Arithmetic(a, b));

    protected override SqlValue Subtract(SqlValue a, SqlValue b) => new($"({a.Sql} - {b.Sql})", Arithmetic(a, b));

    protected override SqlValue Multiply(SqlValue a, SqlValue b) => new($"({a.Sql} * {b.Sql})", Arithmetic(a, b));

    // numeric on both sides: bigint / bigint would truncate.
    protected override SqlValue Divide(SqlValue a, SqlValue b) =>
        new($"(CAST({a.Sql} AS numeric) / NULLIF(CAST({b.Sql} AS numeric), 0))", FormulaType.Number);

    protected override SqlValue Modulo(SqlValue a, SqlValue b) => new($"({a.Sql} % NULLIF({b.Sql}, 0))", Arithmetic(a, b));

    protected override SqlValue Negate(SqlValue a) => new($"(- {a.Sql})", a.Type);

    protected override SqlValue Round(SqlValue value, int digits) =>
        new($"ROUND(CAST({value.Sql} AS numeric), {digits.ToString(CultureInfo.InvariantCulture)})", value.Type) { RoundedTo = digits };

    protected override SqlValue Floor(SqlValue value) => new($"FLOOR(CAST({value.Sql} AS numeric))", FormulaType.Integer);

    protected override SqlValue Ceiling(SqlValue value) => new($"CEILING(CAST({value.Sql} AS numeric))", FormulaType.Integer);

    protected override SqlValue ToInteger(SqlValue value) =>
        value is { Type: FormulaType.Integer, Simple: true } && int.TryParse(value.Sql.Trim('(', ')'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? value
            : new($"CAST(LEAST(GREATEST(TRUNC(CAST({value.Sql} AS numeric)), -2147483648), 2147483647) AS integer)", FormulaType.Integer);

    protected override string NullSafeEqual(SqlValue a, SqlValue b) => b.Type == FormulaType.Null
        ? $"({a.Sql} IS NULL)"
        : a.Type == FormulaType.Null ? $"({b.Sql} IS NULL)" : $"({a.Sql} IS NOT DISTINCT FROM {b.Sql})";

    protected override string Compare(SqlValue a, string op, SqlValue b) => a.Type.IsTextual() || b.Type.IsTextual()
        ? $"({a.Sql} {op} {b.Sql} COLLATE \"C\")"
        : $"({a.Sql} {op} {b.Sql})";

    protected override string ToText(SqlValue value) => value.Type switch
    {
        FormulaType.Integer => $"CAST({value.Sql} AS text)",
        FormulaType.Number => $"CAST(trim_scale(CAST({value.Sql} AS numeric)) AS text)",
        FormulaType.Boolean => $"(CASE {value.Sql} WHEN TRUE THEN 'true' WHEN FALSE THEN 'false' END)",
        FormulaType.Date => $"to_char({value.Sql}, 'YYYY-MM-DD')",
        FormulaType.DateTime => $"to_char({value.Sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
        FormulaType.Null => "CAST(NULL AS text)",
        _ => value.Sql,
    };

    protected override string Upper(string text) => $"upper({text})";

    protected override string Lower(string text) => $"lower({text})";

    protected override string Length(string text) => $"length({text})";

    protected override string Position(string text, string part) => $"strpos({text}, {part})";

    protected override string RightChars(string text, string count) => $"right({text}, {count})";

    protected override string Extreme(IReadOnlyList<SqlValue> values, bool min)
    {
        var collate = values.Any(v => v.Type.IsTextual()) ? " COLLATE \"C\"" : "";
        return $"{(min ? "LEAST" : "GREATEST")}({values[0].Sql}{collate}, {string.Join(", ", values.Skip(1).Select(v => v.Sql))})";
    }

    protected override string DateToDateTime(string date) => $"(CAST({date} AS timestamp) AT TIME ZONE 'UTC')";

    protected override string DateTimeToDate(string dateTime) => $"CAST(({dateTime} AT TIME ZONE 'UTC') AS date)";

    protected override string AddDateDays(string date, SqlValue days) => $"({date} + {days.Sql})";

    // Seconds, not '1 day': a day interval on timestamptz would follow the session time zone's daylight saving.
    protected override SqlValue AddDateTimeDays(SqlValue dateTime, SqlValue days) =>
        new($"({dateTime.Sql} + CAST({days.Sql} AS double precision) * INTERVAL '86400 seconds')", FormulaType.DateTime);

    protected override string DateDifference(string a, string b) => $"({a} - {b})";

    protected override string AddMonths(SqlValue value, SqlValue months) => value.Type == FormulaType.Date
        ? $"CAST({value.Sql} + make_interval(months => {months.Sql}) AS date)"
        : $"((({value.Sql} AT TIME ZONE 'UTC') + make_interval(months => {months.Sql})) AT TIME ZONE 'UTC')";

    protected override string DatePart(SqlValue value, string part) => value.Type == FormulaType.DateTime
        ? $"CAST(EXTRACT({part} FROM ({value.Sql} AT TIME ZONE 'UTC')) AS bigint)"
        : $"CAST(EXTRACT({part} FROM {value.Sql}) AS bigint)";

    /// <summary>
    /// Built from clamped parts (so make_date never fails, even when the planner folds constants) and kept only when
    /// the parts were in range and the day stayed in its month.
    /// </summary>
    protected override string MakeDate(SqlValue year, SqlValue month, SqlValue day) => Let([year, month, day], v =>
    {
        string Clamp(SqlValue x, int max) => $"LEAST(GREATEST({x.Sql}, 1), {max.ToString(CultureInfo.InvariantCulture)})";
        var candidate = $"(make_date({Clamp(v[0], 9999)}, {Clamp(v[1], 12)}, 1) + ({Clamp(v[2], 31)} - 1))";
        return $"(CASE WHEN {v[0].Sql} BETWEEN 1 AND 9999 AND {v[1].Sql} BETWEEN 1 AND 12 AND {v[2].Sql} BETWEEN 1 AND 31 "
            + $"AND EXTRACT(MONTH FROM {candidate}) = {v[1].Sql} THEN {candidate} END)";
    });

    protected override string EncodeDecimal(SqlValue value, int scale) => value.RoundedTo is { } digits && digits <= scale
        ? value.Sql
        : $"ROUND(CAST({value.Sql} AS numeric), {scale.ToString(CultureInfo.InvariantCulture)})";

    protected override string EncodeInteger(SqlValue value) => value.Type == FormulaType.Integer
        ? $"CAST({value.Sql} AS bigint)"
        : $"CAST(ROUND(CAST({value.Sql} AS numeric)) AS bigint)";
}
