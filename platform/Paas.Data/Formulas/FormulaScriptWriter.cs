using System.Globalization;
using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// Translates a type-checked formula into JavaScript over <c>record</c> and the prelude: operators become
/// <c>__formula</c> helpers with SQL's null semantics (so that both evaluations agree), fields become null-safe
/// lookups, JavaScript-only parts are written back as they were.
/// </summary>
internal static class FormulaScriptWriter
{
    public static string Expression(FormulaNode node) => node switch
    {
        LiteralNode literal => Literal(literal),
        FieldNode field => Field(field),
        ConvertNode convert => Convert(Expression(convert.Operand), convert.Field),
        OperatorNode op => Operator(op),
        CallNode call => Call(call),
        ScriptNode script => script.Emit(script.Children.Select(Expression).ToList()),
        _ => throw new InvalidOperationException($"Unexpected node {node.GetType().Name}."),
    };

    /// <summary>The value converted to the field's return type and scale, as the SQL encoding rounds it.</summary>
    public static string Convert(string value, FieldDefinition field)
    {
        var stored = field with { Type = field.ValueType };
        var scale = stored.Type.IsDecimal() ? stored.EffectiveScale : 0;
        return $"__formula.convert({value}, {JsSyntax.String(stored.Type.ToContractName())}, {scale.ToString(CultureInfo.InvariantCulture)})";
    }

    private static string Literal(LiteralNode literal) => literal.Value switch
    {
        null => "null",
        decimal number => number < 0 ? $"({number.ToString(CultureInfo.InvariantCulture)})" : number.ToString(CultureInfo.InvariantCulture),
        string text => JsSyntax.String(text),
        bool flag => flag ? "true" : "false",
        _ => throw new InvalidOperationException("Unexpected literal."),
    };

    /// <summary>A relation field reads as the related record's id: records hold relations as <c>{id: …}</c>.</summary>
    private static string Field(FieldNode field)
    {
        var segments = field.Path.Target.Type.IsRelation() ? field.Path.Segments.Append(SystemFields.Id) : field.Path.Segments;
        var value = $"__formula.get(record, {JsSyntax.Strings(segments)})";
        return field.Type == FormulaType.DateTime ? $"__formula.dt({value})" : value;
    }

    private static string Helper(string name, params FormulaNode[] operands) =>
        $"__formula.{name}({string.Join(", ", operands.Select(Expression))})";

    /// <summary>Operands that meet as datetimes are normalised (a date becomes its midnight UTC).</summary>
    private static IEnumerable<string> Meeting(IEnumerable<FormulaNode> operands, FormulaType type) =>
        operands.Select(o => type == FormulaType.DateTime && o.Type == FormulaType.Date ? $"__formula.dt({Expression(o)})" : Expression(o));

    private static string Compared(string name, OperatorNode op)
    {
        var type = FormulaTypes.Unify(op.Operands[0].Type, op.Operands[1].Type) ?? FormulaType.Unknown;
        return $"__formula.{name}({string.Join(", ", Meeting(op.Operands, type))})";
    }

    private static string Operator(OperatorNode op)
    {
        var operands = op.Operands;
        return op.Operator switch
        {
            FormulaOperator.Add => Helper("add", operands[0], operands[1]),
            FormulaOperator.Subtract => Helper("sub", operands[0], operands[1]),
            FormulaOperator.Multiply => Helper("mul", operands[0], operands[1]),
            FormulaOperator.Divide => Helper("div", operands[0], operands[1]),
            FormulaOperator.Modulo => Helper("mod", operands[0], operands[1]),
            FormulaOperator.Negate => Helper("neg", operands[0]),
            FormulaOperator.Concat => Helper("concat", operands[0], operands[1]),
            FormulaOperator.Plus => Helper("plus", operands[0], operands[1]),
            FormulaOperator.AddDays => Helper("ADD_DAYS", operands[0], operands[1]),
            FormulaOperator.SubtractDays => $"__formula.ADD_DAYS({Expression(operands[0])}, {Helper("neg", operands[1])})",
            FormulaOperator.DateDifference => Helper("dateDiff", operands[0], operands[1]),
            FormulaOperator.Equal => Compared("eq", op),
            FormulaOperator.NotEqual => Compared("ne", op),
            FormulaOperator.Less => Compared("lt", op),
            FormulaOperator.LessOrEqual => Compared("le", op),
            FormulaOperator.Greater => Compared("gt", op),
            FormulaOperator.GreaterOrEqual => Compared("ge", op),
            FormulaOperator.And => $"__formula.and({Expression(operands[0])}, () => ({Expression(operands[1])}))",
            FormulaOperator.Or => $"__formula.or({Expression(operands[0])}, () => ({Expression(operands[1])}))",
            FormulaOperator.Not => Helper("not", operands[0]),
            FormulaOperator.Coalesce => Lazy("coalesce", Meeting(operands, op.Type).ToList()),
            FormulaOperator.Conditional => Conditional(op),
            _ => throw new InvalidOperationException($"Unexpected operator {op.Operator}."),
        };
    }

    private static string Lazy(string name, IReadOnlyList<string> operands) => $"__formula.{name}({operands[0]}, () => ({operands[1]}))";

    private static string Conditional(OperatorNode op)
    {
        var branches = Meeting(op.Operands.Skip(1), op.Type).ToList();
        return $"(({Expression(op.Operands[0])}) === true ? ({branches[0]}) : ({branches[1]}))";
    }

    private static string Call(CallNode call)
    {
        var args = call.Arguments;
        switch (call.Function)
        {
            case FormulaFunction.Case:
                var compared = FormulaTypes.Unify(args[0].Type, args.Where((_, i) => i % 2 == 1 && i < args.Count - 1)
                    .Aggregate(FormulaType.Null, (t, a) => FormulaTypes.Unify(t, a.Type) ?? t)) ?? FormulaType.Unknown;
                var values = Meeting(args.Where((_, i) => i == 0 || (i % 2 == 1 && i < args.Count - 1)), compared).ToList();
                var results = Meeting(args.Where((_, i) => i > 0 && (i % 2 == 0 || i == args.Count - 1)), call.Type).ToList();
                var pairs = values.Skip(1).Select((v, i) => $"[{v}, () => ({results[i]})]");
                return $"__formula.pick({values[0]}, [{string.Join(", ", pairs)}], () => ({results[^1]}))";
            case FormulaFunction.BlankValue or FormulaFunction.Min or FormulaFunction.Max:
                return $"__formula.{FormulaFunctions.NameOf(call.Function)}({string.Join(", ", Meeting(args, call.Type))})";
            default:
                return $"__formula.{FormulaFunctions.NameOf(call.Function)}({string.Join(", ", args.Select(Expression))})";
        }
    }
}
