using System.Globalization;
using Paas.Core.Metadata;
using Paas.Data.Sql;

namespace Paas.Data.Formulas;

/// <summary>
/// SQLite: numbers are computed exactly as integers scaled by 10^scale (the encoding of decimal columns), scales
/// tracked at compile time; booleans are 0/1, dates 'yyyy-MM-dd' text, datetimes 'yyyy-MM-ddTHH:mm:ss.ffffffZ' text.
/// </summary>
internal sealed class SqliteFormulaWriter(ISqlDialect dialect, string alias, Func<ObjectDefinition, string> table)
    : FormulaSqlWriter(dialect, alias, table)
{
    /// <summary>Products are cut back to this many decimals (or the operands' own, if more).</summary>
    private const int MaxScale = 9;

    /// <summary>The fewest decimals a quotient keeps before the final rounding (more when the value or an operand has more).</summary>
    private const int DivisionScale = 6;

    protected override string True => "1";

    protected override string False => "0";

    protected override string Today => "date('now')";

    protected override string Now => "(strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')";

    private static string Invariant(long value) => value < 0 ? $"({value.ToString(CultureInfo.InvariantCulture)})" : value.ToString(CultureInfo.InvariantCulture);

    private static long Pow10(int exponent)
    {
        var result = 1L;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    protected override string TypedNull(FormulaType type) => "NULL";

    protected override SqlValue Number(decimal value, FormulaType type)
    {
        var scale = value.Scale;
        return new SqlValue(Invariant(decimal.ToInt64(value * Pow10(scale))), type, scale, true);
    }

    protected override string TextLiteral(string value) => Quoted(value);

    protected override string Leaf(string column, FieldDefinition field) => column;

    protected override int ScaleOf(FieldDefinition field) => field.Type.IsDecimal() ? field.EffectiveScale : 0;

    private static SqlValue Rescale(SqlValue value, int scale)
    {
        if (value.Scale == scale || value.Type == FormulaType.Null)
        {
            return value with { Scale = scale };
        }

        return value.Scale < scale
            ? new SqlValue($"({value.Sql} * {Pow10(scale - value.Scale)})", value.Type, scale)
            // Half away from zero; exact while the scaled value fits a double's 53 bits.
            : new SqlValue($"CAST(ROUND({value.Sql} / {Pow10(value.Scale - scale)}.0) AS INTEGER)", value.Type, scale);
    }

    protected override IReadOnlyList<SqlValue> AlignNumbers(IReadOnlyList<SqlValue> values)
    {
        var scale = values.Max(v => v.Scale);
        return values.Select(v => Rescale(v, scale)).ToList();
    }

    private SqlValue Binary(SqlValue a, string op, SqlValue b, FormulaType type)
    {
        var aligned = AlignNumbers([a, b]);
        return new SqlValue($"({aligned[0].Sql} {op} {aligned[1].Sql})", type, aligned[0].Scale);
    }

    private static FormulaType Arithmetic(SqlValue a, SqlValue b) =>
        a.Type == FormulaType.Integer && b.Type == FormulaType.Integer ? FormulaType.Integer : FormulaType.Number;

    protected override SqlValue Add(SqlValue a, SqlValue b) => Binary(a, "+", b, Arithmetic(a, b));

    protected override SqlValue Subtract(SqlValue a, SqlValue b) => Binary(a, "-", b, Arithmetic(a, b));

    protected override SqlValue Multiply(SqlValue a, SqlValue b)
    {
        var product = new SqlValue($"({a.Sql} * {b.Sql})", Arithmetic(a, b), a.Scale + b.Scale);
        var limit = Math.Max(MaxScale, Math.Max(a.Scale, b.Scale));
        return product.Scale > limit ? Rescale(product, limit) : product;
    }

    /// <summary>a / b at max(6, the value's scale, the operands' scales) decimals: A·10^k / B in floating point (1eK is REAL), rounded (exact for the values decimal columns hold).</summary>
    protected override SqlValue Divide(SqlValue a, SqlValue b)
    {
        var scale = Math.Max(Math.Max(DivisionScale, TargetScale), Math.Max(a.Scale, b.Scale));
        var shift = scale - a.Scale + b.Scale;
        return new SqlValue(
            $"CAST(ROUND({a.Sql} * 1e{shift.ToString(CultureInfo.InvariantCulture)} / NULLIF({b.Sql}, 0)) AS INTEGER)",
            FormulaType.Number, scale);
    }

    protected override SqlValue Modulo(SqlValue a, SqlValue b)
    {
        var aligned = AlignNumbers([a, b]);
        return new SqlValue($"({aligned[0].Sql} % NULLIF({aligned[1].Sql}, 0))", Arithmetic(a, b), aligned[0].Scale);
    }

    protected override SqlValue Negate(SqlValue a) => new($"(- {a.Sql})", a.Type, a.Scale);

    protected override SqlValue Round(SqlValue value, int digits) =>
        digits >= value.Scale ? value : Rescale(value, digits) with { Type = digits == 0 ? value.Type : FormulaType.Number };

    protected override SqlValue Floor(SqlValue value) => WholePart(value, "-", "<");

    protected override SqlValue Ceiling(SqlValue value) => WholePart(value, "+", ">");

    /// <summary>Exact: the truncated quotient, corrected by one when the remainder lies on the rounding side.</summary>
    private SqlValue WholePart(SqlValue value, string correction, string side)
    {
        if (value.Scale == 0)
        {
            return value with { Type = FormulaType.Integer };
        }

        var unit = Pow10(value.Scale);
        return new SqlValue(Let([value], v => $"({v[0].Sql} / {unit} {correction} ({v[0].Sql} % {unit} {side} 0))"), FormulaType.Integer);
    }

    protected override SqlValue ToInteger(SqlValue value) => value.Scale == 0
        ? value with { Type = FormulaType.Integer }
        : new SqlValue($"({value.Sql} / {Pow10(value.Scale)})", FormulaType.Integer);

    protected override string NullSafeEqual(SqlValue a, SqlValue b) => $"({a.Sql} IS {b.Sql})";

    protected override string Compare(SqlValue a, string op, SqlValue b) => $"({a.Sql} {op} {b.Sql})";

    protected override string ToText(SqlValue value) => value.Type switch
    {
        FormulaType.Integer or FormulaType.Number when value.Scale == 0 => $"CAST({value.Sql} AS TEXT)",
        FormulaType.Integer or FormulaType.Number => DecimalText(value),
        FormulaType.Boolean => $"(CASE {value.Sql} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)",
        _ => value.Sql,
    };

    /// <summary>A scaled integer as decimal text without trailing zeros: sign, whole part, '.', zero-padded fraction, trimmed.</summary>
    private string DecimalText(SqlValue value)
    {
        var unit = Pow10(value.Scale);
        var digits = value.Scale.ToString(CultureInfo.InvariantCulture);
        return Let([value], v =>
            $"(CASE WHEN {v[0].Sql} < 0 THEN '-' ELSE '' END || rtrim(rtrim(CAST(abs({v[0].Sql}) / {unit} AS TEXT) || '.' || printf('%0{digits}d', abs({v[0].Sql}) % {unit}), '0'), '.'))");
    }

    protected override string Upper(string text) => $"upper({text})";

    // paas_fold (lower-casing all of Unicode) is registered on every tenant connection; SQLite's lower() folds only ASCII.
    protected override string Lower(string text) => $"paas_fold({text})";

    protected override string Length(string text) => $"length({text})";

    protected override string Position(string text, string part) => $"instr({text}, {part})";

    protected override string RightChars(string text, string count) => $"substr({text}, -({count}))";

    protected override string Extreme(IReadOnlyList<SqlValue> values, bool min)
    {
        var alias = NewAlias("m");
        var rows = string.Join(" UNION ALL ", values.Select((v, i) => i == 0 ? $"SELECT {v.Sql} AS v" : $"SELECT {v.Sql}"));
        return $"(SELECT {(min ? "MIN" : "MAX")}({alias}.v) FROM ({rows}) {alias})";
    }

    protected override string DateToDateTime(string date) => $"({date} || 'T00:00:00.000000Z')";

    protected override string DateTimeToDate(string dateTime) => $"substr({dateTime}, 1, 10)";

    protected override string AddDateDays(string date, SqlValue days) => $"date({date}, {days.Sql} || ' days')";

    /// <summary>
    /// Through microseconds since the epoch, so that the stored microseconds survive; the result keeps its
    /// microseconds (<see cref="SqlValue.Micros"/>), so a chain of additions stays one flat sum.
    /// </summary>
    protected override SqlValue AddDateTimeDays(SqlValue dateTime, SqlValue days)
    {
        var perUnit = 86_400_000_000m / Pow10(days.Scale);
        var delta = perUnit == decimal.Truncate(perUnit)
            ? $"({days.Sql} * {perUnit.ToString(CultureInfo.InvariantCulture)})"
            : $"CAST(ROUND({days.Sql} * {perUnit.ToString(CultureInfo.InvariantCulture)}) AS INTEGER)";
        var start = dateTime.Micros ?? Let([dateTime], v =>
            $"(unixepoch(substr({v[0].Sql}, 1, 19)) * 1000000 + CAST(substr({v[0].Sql}, 21, 6) AS INTEGER))");
        var micros = $"({start} + {delta})";
        var text = Let([new SqlValue(micros, FormulaType.Integer)], m =>
        {
            var fraction = $"((({m[0].Sql} % 1000000) + 1000000) % 1000000)";
            return $"(strftime('%Y-%m-%dT%H:%M:%S', ({m[0].Sql} - {fraction}) / 1000000, 'unixepoch') || printf('.%06d', {fraction}) || 'Z')";
        });
        return new SqlValue(text, FormulaType.DateTime, Micros: micros);
    }

    protected override string DateDifference(string a, string b) => $"((unixepoch({a}) - unixepoch({b})) / 86400)";

    // 'floor' keeps the day in the month: Jan 31 + 1 month is the last day of February, as on PostgreSQL.
    protected override string AddMonths(SqlValue value, SqlValue months) => value.Type == FormulaType.Date
        ? $"date({value.Sql}, {months.Sql} || ' months', 'floor')"
        : Let([value], v => $"(date(substr({v[0].Sql}, 1, 10), {months.Sql} || ' months', 'floor') || substr({v[0].Sql}, 11))");

    protected override string DatePart(SqlValue value, string part)
    {
        var (start, length) = part switch
        {
            "YEAR" => (1, 4),
            "MONTH" => (6, 2),
            _ => (9, 2),
        };
        return $"CAST(substr({value.Sql}, {start}, {length}) AS INTEGER)";
    }

    /// <summary>The formatted date when SQLite reads it back unchanged (so it exists) and the year is 1–9999.</summary>
    protected override string MakeDate(SqlValue year, SqlValue month, SqlValue day)
    {
        var text = new SqlValue($"printf('%04d-%02d-%02d', {year.Sql}, {month.Sql}, {day.Sql})", FormulaType.Text);
        return Let([text], s => $"(CASE WHEN date({s[0].Sql}) = {s[0].Sql} AND {s[0].Sql} >= '0001' THEN {s[0].Sql} END)");
    }

    protected override string EncodeDecimal(SqlValue value, int scale) => Rescale(value, scale).Sql;

    protected override string EncodeInteger(SqlValue value) => Rescale(value, 0).Sql;
}
