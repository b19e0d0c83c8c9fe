using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Sql;

namespace Paas.Data.Formulas;

/// <summary>
/// Translates a type-checked formula into one SQL expression evaluated per row of the record's alias. This class
/// walks the tree and writes what both dialects share; the dialect classes write values, arithmetic, text and dates.
/// Only escaped literals and quoted metadata identifiers reach the SQL.
/// </summary>
internal abstract class FormulaSqlWriter
{
    private readonly string _alias;
    private readonly Func<ObjectDefinition, string> _table;
    private int _aliases;

    protected FormulaSqlWriter(ISqlDialect dialect, string alias, Func<ObjectDefinition, string> table)
    {
        Dialect = dialect;
        _alias = alias;
        _table = table;
    }

    protected ISqlDialect Dialect { get; }

    /// <summary>The decimals of the value being computed: the formula field's, or an inlined formula field's while its expression is written.</summary>
    protected int TargetScale { get; private set; }

    public static FormulaSqlWriter For(ISqlDialect dialect, string alias, Func<ObjectDefinition, string> table) => dialect.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteFormulaWriter(dialect, alias, table),
        DatabaseProvider.Postgres => new PostgresFormulaWriter(dialect, alias, table),
        _ => throw new NotSupportedException($"No formula SQL for {dialect.Provider}."),
    };

    /// <summary>The formula's value encoded as a column of <paramref name="stored"/> (the formula field with its value type) stores it.</summary>
    public string Render(FormulaNode root, FieldDefinition stored)
    {
        TargetScale = ScaleOfValue(stored);
        return Encode(Value(root), stored);
    }

    /// <summary>The stored value of <paramref name="path"/>'s field, as its column holds it.</summary>
    public string RawPath(FormulaPath path) => PathSql(path, "p", a => $"{a}.{Dialect.Quote(path.Target.Column)}");

    // ------------------------------------------------------------------ what the dialects provide

    protected abstract string TypedNull(FormulaType type);

    protected abstract SqlValue Number(decimal value, FormulaType type);

    protected abstract string TextLiteral(string value);

    protected abstract string True { get; }

    protected abstract string False { get; }

    /// <summary>A column in the computing form of its field's values.</summary>
    protected abstract string Leaf(string column, FieldDefinition field);

    protected abstract int ScaleOf(FieldDefinition field);

    /// <summary>Numbers brought to one representation (SQLite: one scale).</summary>
    protected abstract IReadOnlyList<SqlValue> AlignNumbers(IReadOnlyList<SqlValue> values);

    protected abstract SqlValue Add(SqlValue a, SqlValue b);

    protected abstract SqlValue Subtract(SqlValue a, SqlValue b);

    protected abstract SqlValue Multiply(SqlValue a, SqlValue b);

    protected abstract SqlValue Divide(SqlValue a, SqlValue b);

    protected abstract SqlValue Modulo(SqlValue a, SqlValue b);

    protected abstract SqlValue Negate(SqlValue a);

    protected abstract SqlValue Round(SqlValue value, int digits);

    protected abstract SqlValue Floor(SqlValue value);

    protected abstract SqlValue Ceiling(SqlValue value);

    /// <summary>A number truncated toward zero, as an integer for function arguments.</summary>
    protected abstract SqlValue ToInteger(SqlValue value);

    protected abstract string NullSafeEqual(SqlValue a, SqlValue b);

    protected abstract string Compare(SqlValue a, string op, SqlValue b);

    protected abstract string ToText(SqlValue value);

    protected abstract string Upper(string text);

    protected abstract string Lower(string text);

    protected abstract string Length(string text);

    /// <summary>The 1-based position of <paramref name="part"/> in <paramref name="text"/>, 0 when absent.</summary>
    protected abstract string Position(string text, string part);

    /// <summary>The last <paramref name="count"/> (&gt; 0) characters.</summary>
    protected abstract string RightChars(string text, string count);

    protected abstract string Extreme(IReadOnlyList<SqlValue> values, bool min);

    protected abstract string Today { get; }

    protected abstract string Now { get; }

    protected abstract string DateToDateTime(string date);

    protected abstract string DateTimeToDate(string dateTime);

    protected abstract string AddDateDays(string date, SqlValue days);

    protected abstract SqlValue AddDateTimeDays(SqlValue dateTime, SqlValue days);

    /// <summary>Whole days from date <paramref name="b"/> to date <paramref name="a"/>.</summary>
    protected abstract string DateDifference(string a, string b);

    protected abstract string AddMonths(SqlValue value, SqlValue months);

    /// <summary>YEAR, MONTH or DAY of a date or datetime (UTC), as an integer.</summary>
    protected abstract string DatePart(SqlValue value, string part);

    protected abstract string MakeDate(SqlValue year, SqlValue month, SqlValue day);

    protected abstract string EncodeDecimal(SqlValue value, int scale);

    protected abstract string EncodeInteger(SqlValue value);

    // ------------------------------------------------------------------ shared

    protected static string Quoted(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    protected string NewAlias(string kind) =>
        _alias + "_" + kind + (++_aliases).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Evaluates each value that is not simple once, in a derived table, and gives <paramref name="body"/> expressions
    /// that may be repeated: <c>(SELECT body FROM (SELECT value AS v0) alias)</c>.
    /// </summary>
    protected string Let(IReadOnlyList<SqlValue> values, Func<IReadOnlyList<SqlValue>, string> body)
    {
        if (values.All(v => v.Simple))
        {
            return body(values);
        }

        var alias = NewAlias("l");
        var columns = new List<string>();
        var bound = new List<SqlValue>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Simple)
            {
                bound.Add(values[i]);
                continue;
            }

            var column = "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            columns.Add($"{values[i].Sql} AS {column}");
            bound.Add(values[i] with { Sql = $"{alias}.{column}", Simple = true });
        }

        return $"(SELECT {body(bound)} FROM (SELECT {string.Join(", ", columns)}) {alias})";
    }

    /// <summary>Values that meet (branches, operands) in one representation: dates as datetimes next to datetimes, numbers aligned.</summary>
    protected IReadOnlyList<SqlValue> Align(IReadOnlyList<SqlValue> values)
    {
        var type = values.Aggregate(FormulaType.Null, (t, v) => FormulaTypes.Unify(t, v.Type) ?? t);
        if (type == FormulaType.DateTime)
        {
            values = values.Select(v => v.Type == FormulaType.Date ? new SqlValue(DateToDateTime(v.Sql), FormulaType.DateTime) : v).ToList();
        }

        return type.IsNumeric() ? AlignNumbers(values) : values;
    }

    /// <summary><c>(SELECT s2.col FROM t2 s2 WHERE s2.id = (SELECT s1.rel FROM t1 s1 WHERE s1.id = r.rel))</c>, innermost hop first.</summary>
    private string PathSql(FormulaPath path, string kind, Func<string, string> leaf)
    {
        if (path.Hops.Count == 0)
        {
            return leaf(_alias);
        }

        var reference = $"{_alias}.{Dialect.Quote(path.Hops[0].Relation.Column)}";
        for (var i = 0; i < path.Hops.Count; i++)
        {
            var target = path.Hops[i].Target;
            var alias = NewAlias(kind);
            var select = i == path.Hops.Count - 1 ? leaf(alias) : $"{alias}.{Dialect.Quote(path.Hops[i + 1].Relation.Column)}";
            reference = $"(SELECT {select} FROM {_table(target)} {alias} WHERE {alias}.{Dialect.Quote(target.IdField.Column)} = {reference})";
        }

        return reference;
    }

    private SqlValue Value(FormulaNode node) => node switch
    {
        LiteralNode { Value: null } literal => new SqlValue(TypedNull(literal.Type), literal.Type, 0, true),
        LiteralNode { Value: decimal number } literal => Number(number, literal.Type),
        LiteralNode { Value: string text } => new SqlValue(TextLiteral(text), FormulaType.Text, 0, true),
        LiteralNode { Value: bool flag } => new SqlValue(flag ? True : False, FormulaType.Boolean, 0, true),
        FieldNode field => Field(field),
        ConvertNode convert => Convert(convert),
        OperatorNode op => Operator(op),
        CallNode call => Call(call),
        _ => throw new InvalidOperationException("The formula is not SQL-compilable: check FormulaAnalysis.IsSqlCompilable first."),
    };

    private SqlValue Field(FieldNode node)
    {
        var target = node.Path.Target;
        var sql = PathSql(node.Path, "f", a => Leaf($"{a}.{Dialect.Quote(target.Column)}", target));
        return new SqlValue(sql, node.Type, ScaleOf(target), node.Path.Hops.Count == 0);
    }

    private static int ScaleOfValue(FieldDefinition stored) => stored.Type.IsDecimal() ? stored.EffectiveScale : 0;

    private SqlValue Convert(ConvertNode node)
    {
        var stored = node.Field with { Type = node.Field.ValueType };
        var outer = TargetScale;
        TargetScale = ScaleOfValue(stored);
        var value = Value(node.Operand);
        TargetScale = outer;
        return new SqlValue(Encode(value, stored), node.Type, ScaleOfValue(stored));
    }

    private string Encode(SqlValue value, FieldDefinition stored)
    {
        if (value.Type == FormulaType.Null)
        {
            return TypedNull(FormulaTypes.Of(stored.Type) ?? FormulaType.Null);
        }

        return stored.Type switch
        {
            _ when stored.Type.IsDecimal() => EncodeDecimal(value, stored.EffectiveScale),
            FieldType.Integer => EncodeInteger(value),
            FieldType.DateTime when value.Type == FormulaType.Date => DateToDateTime(value.Sql),
            _ => value.Sql,
        };
    }

    private SqlValue Operator(OperatorNode node)
    {
        SqlValue Operand(int i) => Value(node.Operands[i]);
        switch (node.Operator)
        {
            case FormulaOperator.Add:
                return Add(Operand(0), Operand(1));
            case FormulaOperator.Subtract:
                return Subtract(Operand(0), Operand(1));
            case FormulaOperator.Multiply:
                return Multiply(Operand(0), Operand(1));
            case FormulaOperator.Divide:
                return Divide(Operand(0), Operand(1));
            case FormulaOperator.Modulo:
                return Modulo(Operand(0), Operand(1));
            case FormulaOperator.Negate:
                return Negate(Operand(0));
            case FormulaOperator.Concat:
                return new SqlValue($"({Blank(Operand(0))} || {Blank(Operand(1))})", FormulaType.Text);
            case FormulaOperator.AddDays:
                return AddDays(Operand(0), Operand(1));
            case FormulaOperator.SubtractDays:
                return AddDays(Operand(0), Negate(Operand(1)));
            case FormulaOperator.DateDifference:
                return new SqlValue(DateDifference(Operand(0).Sql, Operand(1).Sql), FormulaType.Integer);
            case FormulaOperator.Equal or FormulaOperator.NotEqual:
                var pair = Align([Operand(0), Operand(1)]);
                var equal = NullSafeEqual(pair[0], pair[1]);
                return new SqlValue(node.Operator == FormulaOperator.Equal ? equal : $"(NOT {equal})", FormulaType.Boolean);
            case FormulaOperator.Less or FormulaOperator.LessOrEqual or FormulaOperator.Greater or FormulaOperator.GreaterOrEqual:
                var ordered = Align([Operand(0), Operand(1)]);
                return new SqlValue(Compare(ordered[0], Symbol(node.Operator), ordered[1]), FormulaType.Boolean);
            case FormulaOperator.And or FormulaOperator.Or:
                var word = node.Operator == FormulaOperator.And ? "AND" : "OR";
                return new SqlValue($"({Operand(0).Sql} {word} {Operand(1).Sql})", FormulaType.Boolean);
            case FormulaOperator.Not:
                return new SqlValue($"(NOT {Operand(0).Sql})", FormulaType.Boolean);
            case FormulaOperator.Coalesce:
                var both = Align([Operand(0), Operand(1)]);
                return new SqlValue($"COALESCE({both[0].Sql}, {both[1].Sql})", node.Type, both[0].Scale);
            case FormulaOperator.Conditional:
                var test = Operand(0);
                var branches = Align([Operand(1), Operand(2)]);
                return new SqlValue($"(CASE WHEN {test.Sql} THEN {branches[0].Sql} ELSE {branches[1].Sql} END)", node.Type, branches[0].Scale);
            default:
                throw new InvalidOperationException("The formula is not SQL-compilable: check FormulaAnalysis.IsSqlCompilable first.");
        }
    }

    private static string Symbol(FormulaOperator op) => op switch
    {
        FormulaOperator.Less => "<",
        FormulaOperator.LessOrEqual => "<=",
        FormulaOperator.Greater => ">",
        _ => ">=",
    };

    /// <summary>A concatenation operand: its text, empty as ''.</summary>
    private string Blank(SqlValue value) => value.Type == FormulaType.Text && value.Simple && value.Sql.StartsWith('\'')
        ? value.Sql
        : $"COALESCE({ToText(value)}, '')";

    private SqlValue AddDays(SqlValue value, SqlValue days) => value.Type == FormulaType.Date
        ? new SqlValue(AddDateDays(value.Sql, ToInteger(days)), FormulaType.Date)
        : AddDateTimeDays(value, days);

    private SqlValue Call(CallNode node)
    {
        SqlValue Argument(int i) => Value(node.Arguments[i]);
        string Text(int i) => Argument(i).Sql;
        switch (node.Function)
        {
            case FormulaFunction.Case:
                return Case(node);
            case FormulaFunction.IsBlank:
                var tested = Argument(0);
                return new SqlValue(tested.Type.IsTextual() ? $"(COALESCE({tested.Sql}, '') = '')" : $"({tested.Sql} IS NULL)", FormulaType.Boolean);
            case FormulaFunction.BlankValue:
                var values = Align([Argument(0), Argument(1)]);
                var first = node.Type.IsTextual() ? $"NULLIF({values[0].Sql}, '')" : values[0].Sql;
                return new SqlValue($"COALESCE({first}, {values[1].Sql})", node.Type, values[0].Scale);
            case FormulaFunction.Upper:
                return new SqlValue(Upper(Text(0)), FormulaType.Text);
            case FormulaFunction.Lower:
                return new SqlValue(Lower(Text(0)), FormulaType.Text);
            case FormulaFunction.Trim:
                return new SqlValue($"trim({Text(0)})", FormulaType.Text);
            case FormulaFunction.Len:
                return new SqlValue(Length(Text(0)), FormulaType.Integer);
            case FormulaFunction.Left:
                var left = Text(0);
                return new SqlValue(Let([ToInteger(Argument(1))], n => $"substr({left}, 1, CASE WHEN {n[0].Sql} < 0 THEN 0 ELSE {n[0].Sql} END)"), FormulaType.Text);
            case FormulaFunction.Right:
                return new SqlValue(Let([Argument(0), ToInteger(Argument(1))],
                    v => $"(CASE WHEN {v[1].Sql} <= 0 THEN substr({v[0].Sql}, 1, 0) ELSE {RightChars(v[0].Sql, v[1].Sql)} END)"), FormulaType.Text);
            case FormulaFunction.Mid:
                var mid = Text(0);
                return new SqlValue(Let([ToInteger(Argument(1)), ToInteger(Argument(2))],
                    v => $"substr({mid}, CASE WHEN {v[0].Sql} < 1 THEN 1 ELSE {v[0].Sql} END, CASE WHEN {v[1].Sql} < 0 THEN 0 ELSE {v[1].Sql} END)"), FormulaType.Text);
            case FormulaFunction.Contains:
                return new SqlValue($"({Position(Text(0), Text(1))} > 0)", FormulaType.Boolean);
            case FormulaFunction.Begins:
                return new SqlValue($"({Position(Text(0), Text(1))} = 1)", FormulaType.Boolean);
            case FormulaFunction.Substitute:
                return new SqlValue($"replace({Text(0)}, {Text(1)}, {Text(2)})", FormulaType.Text);
            case FormulaFunction.Text:
                return new SqlValue(ToText(Argument(0)), FormulaType.Text);
            case FormulaFunction.Round:
                return Round(Argument(0), (int)(decimal)((LiteralNode)node.Arguments[1]).Value!);
            case FormulaFunction.Floor:
                return Floor(Argument(0));
            case FormulaFunction.Ceiling:
                return Ceiling(Argument(0));
            case FormulaFunction.Abs:
                var number = Argument(0);
                return new SqlValue($"abs({number.Sql})", node.Type, number.Scale);
            case FormulaFunction.Min or FormulaFunction.Max:
                var items = Align(node.Arguments.Select(Value).ToList());
                return items.Count == 1
                    ? items[0]
                    : new SqlValue(Extreme(items, node.Function == FormulaFunction.Min), node.Type, items[0].Scale);
            case FormulaFunction.Today:
                return new SqlValue(Today, FormulaType.Date);
            case FormulaFunction.Now:
                return new SqlValue(Now, FormulaType.DateTime);
            case FormulaFunction.Year or FormulaFunction.Month or FormulaFunction.Day:
                return new SqlValue(DatePart(Argument(0), node.Function.ToString().ToUpperInvariant()), FormulaType.Integer);
            case FormulaFunction.Date:
                return new SqlValue(MakeDate(ToInteger(Argument(0)), ToInteger(Argument(1)), ToInteger(Argument(2))), FormulaType.Date);
            case FormulaFunction.AddMonths:
                var start = Argument(0);
                return new SqlValue(AddMonths(start, ToInteger(Argument(1))), start.Type);
            case FormulaFunction.DaysBetween:
                return new SqlValue(DateDifference(AsDate(Argument(1)), AsDate(Argument(0))), FormulaType.Integer);
            default:
                throw new InvalidOperationException("The formula is not SQL-compilable: check FormulaAnalysis.IsSqlCompilable first.");
        }
    }

    private string AsDate(SqlValue value) => value.Type == FormulaType.DateTime ? DateTimeToDate(value.Sql) : value.Sql;

    /// <summary>CASE(x, v1, r1, …, otherwise): x bound once, compared with each v by null-safe equality.</summary>
    private SqlValue Case(CallNode node)
    {
        var args = node.Arguments;
        var resultIndexes = Enumerable.Range(1, args.Count - 1).Where(i => i % 2 == 0 || i == args.Count - 1).ToList();
        var results = Align(resultIndexes.Select(i => Value(args[i])).ToList());
        var sql = Let([Value(args[0])], x =>
        {
            var whens = new List<string>();
            for (var pair = 0; pair < results.Count - 1; pair++)
            {
                var compared = Align([x[0], Value(args[1 + (2 * pair)])]);
                whens.Add($"WHEN {NullSafeEqual(compared[0], compared[1])} THEN {results[pair].Sql}");
            }

            return $"(CASE {string.Join(" ", whens)} ELSE {results[^1].Sql} END)";
        });
        return new SqlValue(sql, node.Type, results[0].Scale);
    }
}
