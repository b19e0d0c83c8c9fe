using Paas.Core.Configuration;
using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// Computes, after the read, the value of a SQL-compilable formula that is plain decimal arithmetic over the record's
/// own number fields (<c>+</c>, <c>-</c>, <c>*</c>, unary minus, <c>ROUND(x, 0..9)</c>, number literals) into a
/// NUMBER, CURRENCY or PERCENT value: the same value, with the same decimals, as the formula's SQL gives, without
/// making the database compute it per row. Filters and sorts still use the SQL.
/// </summary>
/// <remarks>
/// Exactness: a formula is taken only when every intermediate value provably fits <see cref="decimal"/>'s 28 digits
/// (from the fields' precision and scale and the literals), so each step is exact, as PostgreSQL's numeric is. The
/// steps follow the dialect's SQL: on PostgreSQL a product keeps the sum of its operands' decimals and ROUND gives
/// exactly the decimals asked for; on SQLite a product is cut to max(9, the operands' decimals) and the final value
/// is read back as its scaled-integer column would be. SQLite's SQL is itself exact while a scaled value stays within
/// 2^53; beyond that the value read here is the exact one.
/// </remarks>
public sealed class FormulaEvaluator
{
    private const int MaxDigits = 9;

    private readonly Step _root;
    private readonly int _scale;
    private readonly bool _rootRounded;

    // SQLite: 10^scale, by which its column scales the value to an integer; null on PostgreSQL.
    private readonly decimal? _sqliteUnit;

    private FormulaEvaluator(Step root, int scale, bool rootRounded, DatabaseProvider provider)
    {
        _root = root;
        _scale = scale;
        _rootRounded = rootRounded;
        _sqliteUnit = provider == DatabaseProvider.Sqlite ? Pow10(scale) : null;
    }

    /// <summary>
    /// An evaluator for <paramref name="analysis"/>'s formula on <paramref name="provider"/>, or null when the formula
    /// is not plain decimal arithmetic over the record's own numbers (then the SQL computes it).
    /// </summary>
    public static FormulaEvaluator? TryCreate(FormulaAnalysis analysis, DatabaseProvider provider)
    {
        var field = analysis.Field;
        if (!analysis.IsSqlCompilable || !field.ValueType.IsDecimal() || provider is not (DatabaseProvider.Postgres or DatabaseProvider.Sqlite))
        {
            return null;
        }

        var binder = new Binder(analysis.Paths, provider);
        if (binder.Bind(analysis.Root) is not { } root)
        {
            return null;
        }

        var scale = field.EffectiveScale;
        if (scale is < 0 or > MaxDigits || !Fits(root.MaxAbs + 1, Math.Max(root.Scale, scale)))
        {
            return null;
        }

        return new FormulaEvaluator(root.Step, scale, root.Step is RoundStep round && round.Digits <= scale, provider);
    }

    /// <summary>The formula's value from the values of <see cref="FormulaAnalysis.Paths"/>, as the dialect decodes them (decimal or long; null when empty).</summary>
    public object? Evaluate(ReadOnlySpan<object?> inputs)
    {
        if (_root.Compute(inputs) is not { } value)
        {
            return null;
        }

        // As the SQL encodes a decimal value: rounded half away from zero to the field's scale, unless already rounded to fewer decimals.
        if (!_rootRounded)
        {
            value = Pad(Math.Round(value, _scale, MidpointRounding.AwayFromZero), _scale);
        }

        // SQLite stores the value scaled by 10^scale as an integer; its reader divides that integer back.
        return _sqliteUnit is { } unit ? decimal.Truncate(value * unit) / unit : value;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>The value with at least <paramref name="scale"/> decimals (trailing zeros added), as numeric's ROUND gives it.</summary>
    private static decimal Pad(decimal value, int scale) => value.Scale >= scale ? value : value + new decimal(0, 0, 0, false, (byte)scale);

    /// <summary>Whether any value of magnitude below <paramref name="maxAbs"/> with <paramref name="scale"/> decimals fits decimal's 28 digits exactly.</summary>
    private static bool Fits(double maxAbs, int scale) => scale <= 28 && maxAbs * Math.Pow(10, scale) < 1e28;

    private sealed record Bound(Step Step, int Scale, double MaxAbs);

    private sealed class Binder(IReadOnlyList<FormulaPath> paths, DatabaseProvider provider)
    {
        public Bound? Bind(FormulaNode node)
        {
            var bound = node switch
            {
                LiteralNode { Value: decimal value, Type: FormulaType.Number or FormulaType.Integer } =>
                    new Bound(new ConstantStep(value), value.Scale, (double)Math.Abs(value)),
                FieldNode field => Field(field),
                OperatorNode { Type: FormulaType.Number } op => Operator(op),
                CallNode { Function: FormulaFunction.Round, Type: FormulaType.Number or FormulaType.Integer } call => Round(call),
                _ => null,
            };
            return bound is not null && Fits(bound.MaxAbs, bound.Scale) ? bound : null;
        }

        private Bound? Field(FieldNode node)
        {
            var target = node.Path.Target;
            var index = -1;
            for (var i = 0; i < paths.Count; i++)
            {
                if (paths[i].Segments.SequenceEqual(node.Path.Segments, StringComparer.Ordinal))
                {
                    index = i;
                    break;
                }
            }

            if (node.Path.Hops.Count != 0 || index < 0)
            {
                return null;
            }

            return target.Type switch
            {
                _ when target.Type.IsDecimal() => new Bound(new InputStep(index), target.EffectiveScale,
                    Math.Pow(10, target.EffectivePrecision - target.EffectiveScale)),
                FieldType.Integer => new Bound(new InputStep(index), 0, long.MaxValue),
                _ => null,
            };
        }

        private Bound? Operator(OperatorNode node)
        {
            var operands = node.Operands.Select(Bind).ToList();
            if (operands.Any(o => o is null))
            {
                return null;
            }

            var a = operands[0]!;
            switch (node.Operator)
            {
                case FormulaOperator.Negate:
                    return new Bound(new NegateStep(a.Step), a.Scale, a.MaxAbs);
                case FormulaOperator.Add or FormulaOperator.Subtract:
                    var b = operands[1]!;
                    return new Bound(new SumStep(a.Step, b.Step, node.Operator == FormulaOperator.Subtract), Math.Max(a.Scale, b.Scale), a.MaxAbs + b.MaxAbs);
                case FormulaOperator.Multiply:
                    var c = operands[1]!;
                    var scale = a.Scale + c.Scale;
                    // SQLite cuts a product to max(9, the operands' decimals), rounding half away from zero.
                    var limit = Math.Max(MaxDigits, Math.Max(a.Scale, c.Scale));
                    var cut = provider == DatabaseProvider.Sqlite && scale > limit ? limit : (int?)null;
                    return new Bound(new ProductStep(a.Step, c.Step, cut), cut ?? scale, (a.MaxAbs * c.MaxAbs) + 1);
                default:
                    return null;
            }
        }

        private Bound? Round(CallNode node)
        {
            if (node.Arguments is not [var operand, LiteralNode { Value: decimal digits }] || digits != decimal.Truncate(digits) || digits is < 0 or > MaxDigits
                || Bind(operand) is not { } value)
            {
                return null;
            }

            var n = (int)digits;
            // PostgreSQL's ROUND gives exactly n decimals; SQLite's leaves a value with at most n decimals as it is.
            var step = new RoundStep(value.Step, n, provider == DatabaseProvider.Postgres);
            return new Bound(step, provider == DatabaseProvider.Postgres ? n : Math.Min(n, value.Scale), value.MaxAbs + 1);
        }
    }

    private abstract class Step
    {
        public abstract decimal? Compute(ReadOnlySpan<object?> inputs);
    }

    private sealed class ConstantStep(decimal value) : Step
    {
        public override decimal? Compute(ReadOnlySpan<object?> inputs) => value;
    }

    private sealed class InputStep(int index) : Step
    {
        public override decimal? Compute(ReadOnlySpan<object?> inputs) => inputs[index] switch
        {
            decimal d => d,
            long l => l,
            int i => i,
            null => null,
            var other => throw new InvalidOperationException($"A formula input is a {other.GetType().Name}, not a number."),
        };
    }

    private sealed class NegateStep(Step operand) : Step
    {
        public override decimal? Compute(ReadOnlySpan<object?> inputs) => -operand.Compute(inputs);
    }

    private sealed class SumStep(Step a, Step b, bool subtract) : Step
    {
        public override decimal? Compute(ReadOnlySpan<object?> inputs) =>
            a.Compute(inputs) is { } x && b.Compute(inputs) is { } y ? subtract ? x - y : x + y : null;
    }

    private sealed class ProductStep(Step a, Step b, int? cut) : Step
    {
        public override decimal? Compute(ReadOnlySpan<object?> inputs)
        {
            if (a.Compute(inputs) is not { } x || b.Compute(inputs) is not { } y)
            {
                return null;
            }

            var product = x * y;
            return cut is { } digits ? Math.Round(product, digits, MidpointRounding.AwayFromZero) : product;
        }
    }

    private sealed class RoundStep(Step operand, int digits, bool pad) : Step
    {
        public int Digits => digits;

        public override decimal? Compute(ReadOnlySpan<object?> inputs) => operand.Compute(inputs) is { } x
            ? pad ? Pad(Math.Round(x, digits, MidpointRounding.AwayFromZero), digits) : Math.Round(x, digits, MidpointRounding.AwayFromZero)
            : null;
    }
}
