using System.Globalization;
using Acornima;
using Acornima.Ast;
using Paas.Core.Errors;
using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// Turns the Acornima tree of one formula into a type-checked <see cref="FormulaNode"/> tree: resolves field
/// references against metadata (inlining formula fields), resolves the meaning of each operator from its operand
/// types, refuses what a formula may not do and marks what only the JavaScript sandbox can evaluate.
/// This file: dispatch, literals and operators; the other parts: references, functions, JavaScript-only constructs.
/// </summary>
internal sealed partial class FormulaBinder
{
    private readonly FormulaState _state;
    private readonly ObjectDefinition _object;
    private readonly IReadOnlyList<FormulaHop> _prefix;
    private readonly string _source;
    private readonly string _context;
    private readonly int _nesting;

    /// <summary>Arrow function parameters in scope: names that are not fields.</summary>
    private readonly List<string> _locals = [];

    private FormulaBinder(FormulaState state, ObjectDefinition obj, IReadOnlyList<FormulaHop> prefix, string source, string context, int nesting)
    {
        _state = state;
        _object = obj;
        _prefix = prefix;
        _source = source;
        _context = context;
        _nesting = nesting;
    }

    /// <summary>The binder of the formula being defined: names resolve on its owner.</summary>
    public static FormulaBinder ForRoot(FormulaState state, string source) => new(state, state.Root, [], source, "", 0);

    public FormulaNode Bind(Node node)
    {
        Count(node);
        if (++_state.Depth > FormulaLimits.MaxDepth)
        {
            throw Fail(node, $"the formula nests too deeply: at most {FormulaLimits.MaxDepth} levels, inlined formula fields included");
        }

        try
        {
            return BindNode(node);
        }
        finally
        {
            _state.Depth--;
        }
    }

    private FormulaNode BindNode(Node node)
    {
        return node switch
        {
            NumericLiteral number => NumberLiteral(number),
            StringLiteral text => TextLiteral(text),
            BooleanLiteral boolean => new LiteralNode(FormulaType.Boolean, boolean.Value),
            NullLiteral => LiteralNode.Null(),
            BigIntLiteral or RegExpLiteral => RawLiteral((Literal)node),
            Identifier identifier => Name(identifier),
            MemberExpression member => Member(member),
            ChainExpression chain => Bind(chain.Expression),
            CallExpression call => Call(call),
            UpdateExpression => throw Fail(node, "'++' and '--' are not allowed in a formula"),
            UnaryExpression unary => Unary(unary),
            LogicalExpression logical => Logical(logical),
            BinaryExpression binary => Binary(binary),
            ConditionalExpression conditional => Conditional(conditional),
            TemplateLiteral template => Template(template),
            TaggedTemplateExpression tagged => Tagged(tagged),
            ArrowFunctionExpression arrow => Arrow(arrow),
            ArrayExpression array => ArrayLiteral(array),
            ObjectExpression obj => ObjectLiteral(obj),
            SequenceExpression sequence => Sequence(sequence),
            SpreadElement spread => Spread(spread),
            _ => throw Fail(node, Forbidden(node)),
        };
    }

    private static string Forbidden(Node node) => node switch
    {
        AssignmentExpression => "assignment is not allowed in a formula",
        NewExpression => "'new' is not allowed in a formula",
        ThisExpression => "'this' is not allowed in a formula",
        AwaitExpression => "'await' is not allowed in a formula",
        YieldExpression => "'yield' is not allowed in a formula",
        FunctionExpression => "functions with a body are not allowed in a formula (an arrow function with an expression body is, e.g. x => x * 2)",
        ClassExpression => "classes are not allowed in a formula",
        ImportExpression or MetaProperty => "imports are not allowed in a formula",
        Super => "'super' is not allowed in a formula",
        _ => $"this kind of expression ({node.Type}) is not allowed in a formula",
    };

    // ------------------------------------------------------------------ errors and budget

    private PaasException Fail(Node node, string message) => FailAt(FormulaErrors.At(node), message);

    private PaasException FailAt(string position, string message) => FormulaErrors.Invalid($"{_context}{position}: {message}");

    /// <summary>Records the first reason the formula must run in the sandbox.</summary>
    private void NotSql(Node node, string reason) => _state.NotCompilableReason ??= $"{_context}{FormulaErrors.At(node)}: {reason}";

    private void Count(Node node)
    {
        if (++_state.Nodes > FormulaLimits.MaxNodes)
        {
            throw Fail(node, $"the formula is too complex: it may have at most {FormulaLimits.MaxNodes} operations, inlined formula fields included");
        }
    }

    /// <summary>Where the operator between the operands of <paramref name="binary"/> is, for error messages.</summary>
    private string OperatorPosition(BinaryExpression binary)
    {
        var line = binary.Left.Location.End.Line;
        var column = binary.Left.Location.End.Column;
        for (var i = binary.Left.Range.End; i < binary.Right.Range.Start && i < _source.Length; i++)
        {
            var c = _source[i];
            if (c == '\n')
            {
                line++;
                column = 0;
            }
            else if (char.IsWhiteSpace(c) || c == ')')
            {
                column++;
            }
            else
            {
                break;
            }
        }

        return FormulaErrors.At(line, column + 1);
    }

    private void Require(Node at, FormulaNode value, Func<FormulaType, bool> accepts, string what)
    {
        if (!value.Type.Fits(accepts))
        {
            throw Fail(at, $"{what}, not {value.Type.Name()}");
        }
    }

    // ------------------------------------------------------------------ literals

    private LiteralNode NumberLiteral(NumericLiteral literal)
    {
        var raw = literal.Raw.Replace("_", "", StringComparison.Ordinal);
        decimal value;
        if (raw.Length > 1 && raw[0] == '0' && char.IsAsciiLetter(raw[1]))
        {
            // 0x…, 0o…, 0b…: integers, exact in a double up to 2^53.
            if (literal.Value >= 1e19)
            {
                throw Fail(literal, "the number is too large");
            }

            value = (decimal)literal.Value;
        }
        else if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            throw Fail(literal, "the number is too large");
        }

        value /= 1.000000000000000000000000000000000m;
        if (value.Scale > FormulaLimits.MaxLiteralScale)
        {
            throw Fail(literal, $"a number may have at most {FormulaLimits.MaxLiteralScale} decimal places");
        }

        // Scaled to its decimal places it must fit a 64-bit integer (SQLite computes decimals as scaled integers).
        if (Math.Abs(value) > long.MaxValue || Math.Abs(value) * Pow10(value.Scale) > long.MaxValue)
        {
            throw Fail(literal, "the number is too large");
        }

        return new LiteralNode(value.Scale == 0 ? FormulaType.Integer : FormulaType.Number, value);
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

    private LiteralNode TextLiteral(StringLiteral literal) => literal.Value.Contains('\0', StringComparison.Ordinal)
        ? throw Fail(literal, "text must not contain NUL characters")
        : new LiteralNode(FormulaType.Text, literal.Value);

    // ------------------------------------------------------------------ operators

    /// <summary>A null operand makes the result null: the node folds to a typed null literal.</summary>
    private static FormulaNode Strict(FormulaNode node)
    {
        var operands = node switch
        {
            OperatorNode o => o.Operands,
            CallNode c => c.Arguments,
            _ => [],
        };
        return operands.Any(o => o is LiteralNode { IsNull: true }) ? LiteralNode.Null(node.Type) : node;
    }

    /// <summary>INTEGER when every operand is an integer (or null), else NUMBER.</summary>
    private static FormulaType Arithmetic(params FormulaNode[] operands) =>
        operands.All(o => o.Type is FormulaType.Integer or FormulaType.Null) && operands.Any(o => o.Type == FormulaType.Integer)
            ? FormulaType.Integer
            : FormulaType.Number;

    private FormulaNode Unary(UnaryExpression unary)
    {
        if (unary.Operator == Operator.Delete)
        {
            throw Fail(unary, "'delete' is not allowed in a formula");
        }

        var operand = Bind(unary.Argument);
        switch (unary.Operator)
        {
            case Operator.UnaryNegation when operand is LiteralNode { Value: decimal number }:
                return new LiteralNode(operand.Type, -number);
            case Operator.UnaryNegation:
                Require(unary.Argument, operand, FormulaTypes.IsNumeric, "'-' needs a NUMBER");
                return Strict(new OperatorNode(FormulaOperator.Negate, [operand], Arithmetic(operand)));
            case Operator.UnaryPlus when operand.Type != FormulaType.Unknown:
                Require(unary.Argument, operand, FormulaTypes.IsNumeric, "'+' needs a NUMBER");
                return operand;
            case Operator.LogicalNot:
                Require(unary.Argument, operand, t => t == FormulaType.Boolean, "'!' needs a BOOLEAN");
                return Strict(new OperatorNode(FormulaOperator.Not, [operand], FormulaType.Boolean));
            default:
                var symbol = unary.Operator switch
                {
                    Operator.TypeOf => "typeof ",
                    Operator.Void => "void ",
                    Operator.BitwiseNot => "~",
                    _ => "+",
                };
                NotSql(unary, $"the '{symbol.Trim()}' operator is evaluated in JavaScript");
                return new ScriptNode(c => $"({symbol}({c[0]}))", [operand]);
        }
    }

    private FormulaNode Binary(BinaryExpression binary)
    {
        var left = Bind(binary.Left);
        var right = Bind(binary.Right);
        var at = OperatorPosition(binary);
        switch (binary.Operator)
        {
            case Operator.Addition:
                return Add(at, left, right);
            case Operator.Subtraction:
                return Subtract(at, left, right);
            case Operator.Multiplication:
                return Arithmetic(at, FormulaOperator.Multiply, "multiply", left, right);
            case Operator.Division:
                return Arithmetic(at, FormulaOperator.Divide, "divide", left, right);
            case Operator.Remainder:
                return Arithmetic(at, FormulaOperator.Modulo, "take the remainder of", left, right);
            case Operator.Equality or Operator.StrictEquality:
                return Equality(at, FormulaOperator.Equal, left, right);
            case Operator.Inequality or Operator.StrictInequality:
                return Equality(at, FormulaOperator.NotEqual, left, right);
            case Operator.LessThan:
                return Order(at, FormulaOperator.Less, "<", left, right);
            case Operator.LessThanOrEqual:
                return Order(at, FormulaOperator.LessOrEqual, "<=", left, right);
            case Operator.GreaterThan:
                return Order(at, FormulaOperator.Greater, ">", left, right);
            case Operator.GreaterThanOrEqual:
                return Order(at, FormulaOperator.GreaterOrEqual, ">=", left, right);
            default:
                var symbol = JavaScriptOperator(binary.Operator);
                NotSql(binary, $"the '{symbol}' operator is evaluated in JavaScript");
                return new ScriptNode(c => $"(({c[0]}) {symbol} ({c[1]}))", [left, right]);
        }
    }

    private static string JavaScriptOperator(Operator op) => op switch
    {
        Operator.Exponentiation => "**",
        Operator.BitwiseAnd => "&",
        Operator.BitwiseOr => "|",
        Operator.BitwiseXor => "^",
        Operator.LeftShift => "<<",
        Operator.RightShift => ">>",
        Operator.UnsignedRightShift => ">>>",
        Operator.In => "in",
        Operator.InstanceOf => "instanceof",
        _ => throw new InvalidOperationException($"Unexpected operator {op}."),
    };

    private FormulaNode Add(string at, FormulaNode left, FormulaNode right)
    {
        if (left.Type.IsTextual() || right.Type.IsTextual())
        {
            return left.Type == FormulaType.Boolean || right.Type == FormulaType.Boolean
                ? throw FailAt(at, $"cannot add {left.Type.Name()} and {right.Type.Name()} (use TEXT() to turn a BOOLEAN into text)")
                : new OperatorNode(FormulaOperator.Concat, [left, right], FormulaType.Text);
        }

        if (left.Type == FormulaType.Unknown || right.Type == FormulaType.Unknown)
        {
            return new OperatorNode(FormulaOperator.Plus, [left, right], FormulaType.Unknown);
        }

        if (left.Type.IsTemporal() && right.Type.Fits(FormulaTypes.IsNumeric))
        {
            return Strict(new OperatorNode(FormulaOperator.AddDays, [left, right], left.Type));
        }

        if (right.Type.IsTemporal() && left.Type.Fits(FormulaTypes.IsNumeric))
        {
            return Strict(new OperatorNode(FormulaOperator.AddDays, [right, left], right.Type));
        }

        return left.Type.Fits(FormulaTypes.IsNumeric) && right.Type.Fits(FormulaTypes.IsNumeric)
            ? Strict(new OperatorNode(FormulaOperator.Add, [left, right], Arithmetic(left, right)))
            : throw FailAt(at, $"cannot add {left.Type.Name()} and {right.Type.Name()}");
    }

    private FormulaNode Subtract(string at, FormulaNode left, FormulaNode right)
    {
        if (left.Type == FormulaType.Date && right.Type == FormulaType.Date)
        {
            return Strict(new OperatorNode(FormulaOperator.DateDifference, [left, right], FormulaType.Integer));
        }

        if (left.Type.IsTemporal() && right.Type is not FormulaType.Unknown && right.Type.Fits(FormulaTypes.IsNumeric))
        {
            return Strict(new OperatorNode(FormulaOperator.SubtractDays, [left, right], left.Type));
        }

        if (left.Type.Fits(FormulaTypes.IsNumeric) && right.Type.Fits(FormulaTypes.IsNumeric))
        {
            return Strict(new OperatorNode(FormulaOperator.Subtract, [left, right], Arithmetic(left, right)));
        }

        var hint = left.Type.IsTemporal() && right.Type.IsTemporal() ? " (use DAYS_BETWEEN for the days between two dates and times)" : "";
        throw FailAt(at, $"cannot subtract {right.Type.Name()} from {left.Type.Name()}{hint}");
    }

    private FormulaNode Arithmetic(string at, FormulaOperator op, string verb, FormulaNode left, FormulaNode right)
    {
        if (!left.Type.Fits(FormulaTypes.IsNumeric) || !right.Type.Fits(FormulaTypes.IsNumeric))
        {
            throw FailAt(at, $"cannot {verb} {left.Type.Name()} and {right.Type.Name()}");
        }

        var type = op == FormulaOperator.Divide ? FormulaType.Number : Arithmetic(left, right);
        return Strict(new OperatorNode(op, [left, right], type));
    }

    private OperatorNode Equality(string at, FormulaOperator op, FormulaNode left, FormulaNode right) =>
        FormulaTypes.Unify(left.Type, right.Type) is null
            ? throw FailAt(at, $"cannot compare {left.Type.Name()} and {right.Type.Name()}")
            : new OperatorNode(op, [left, right], FormulaType.Boolean);

    private FormulaNode Order(string at, FormulaOperator op, string symbol, FormulaNode left, FormulaNode right)
    {
        var type = FormulaTypes.Unify(left.Type, right.Type);
        if (type is null || type == FormulaType.Boolean)
        {
            throw FailAt(at, $"cannot compare {left.Type.Name()} and {right.Type.Name()} with '{symbol}'");
        }

        return Strict(new OperatorNode(op, [left, right], FormulaType.Boolean));
    }

    private FormulaNode Logical(LogicalExpression logical)
    {
        var left = Bind(logical.Left);
        var right = Bind(logical.Right);
        var at = OperatorPosition(logical);
        if (logical.Operator == Operator.NullishCoalescing)
        {
            return FormulaTypes.Unify(left.Type, right.Type) is { } type
                ? new OperatorNode(FormulaOperator.Coalesce, [left, right], type)
                : throw FailAt(at, $"the operands of '??' must have the same type, not {left.Type.Name()} and {right.Type.Name()}");
        }

        var symbol = logical.Operator == Operator.LogicalAnd ? "&&" : "||";
        foreach (var operand in new[] { left, right })
        {
            if (!operand.Type.Fits(t => t == FormulaType.Boolean))
            {
                throw FailAt(at, $"'{symbol}' needs BOOLEAN operands, not {operand.Type.Name()}");
            }
        }

        return new OperatorNode(logical.Operator == Operator.LogicalAnd ? FormulaOperator.And : FormulaOperator.Or, [left, right], FormulaType.Boolean);
    }

    private OperatorNode Conditional(ConditionalExpression conditional)
    {
        var test = Bind(conditional.Test);
        Require(conditional.Test, test, t => t == FormulaType.Boolean, "the condition must be a BOOLEAN");
        var then = Bind(conditional.Consequent);
        var otherwise = Bind(conditional.Alternate);
        return FormulaTypes.Unify(then.Type, otherwise.Type) is { } type
            ? new OperatorNode(FormulaOperator.Conditional, [test, then, otherwise], type)
            : throw Fail(conditional.Alternate, $"both branches of '?' must have the same type, not {then.Type.Name()} and {otherwise.Type.Name()}");
    }
}
