using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>A type-checked formula expression: what the SQL and JavaScript writers translate.</summary>
internal abstract record FormulaNode(FormulaType Type);

/// <summary>A constant: <see cref="decimal"/> for numbers, <see cref="string"/>, <see cref="bool"/>, or null (typed null when <see cref="FormulaNode.Type"/> is not Null).</summary>
internal sealed record LiteralNode(FormulaType Type, object? Value) : FormulaNode(Type)
{
    public static LiteralNode Null(FormulaType type = FormulaType.Null) => new(type, null);

    public bool IsNull => Value is null;
}

/// <summary>A stored field of the record or of a record reached through lookups.</summary>
internal sealed record FieldNode(FormulaPath Path, FormulaType Type) : FormulaNode(Type);

/// <summary>An operator whose meaning the type checker resolved (e.g. <c>+</c> as <see cref="FormulaOperator.Concat"/>).</summary>
internal sealed record OperatorNode(FormulaOperator Operator, IReadOnlyList<FormulaNode> Operands, FormulaType Type) : FormulaNode(Type);

/// <summary>A call of a formula function other than those that became operators (IF, AND, OR, NOT, MOD).</summary>
internal sealed record CallNode(FormulaFunction Function, IReadOnlyList<FormulaNode> Arguments, FormulaType Type) : FormulaNode(Type);

/// <summary>An inlined formula field: its expression, converted to the field's return type and scale.</summary>
internal sealed record ConvertNode(FormulaNode Operand, FieldDefinition Field, FormulaType Type) : FormulaNode(Type);

/// <summary>
/// A JavaScript-only construct (method call, template literal, arrow function…): only the sandbox evaluates it.
/// <see cref="Emit"/> builds its JavaScript from the JavaScript of <see cref="Children"/>.
/// </summary>
internal sealed record ScriptNode(Func<IReadOnlyList<string>, string> Emit, IReadOnlyList<FormulaNode> Children)
    : FormulaNode(FormulaType.Unknown);

internal enum FormulaOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Negate,

    /// <summary><c>+</c> with a text operand: text concatenation, empty values as ''.</summary>
    Concat,

    /// <summary><c>+</c> with an operand of unknown type: decided at run time (JavaScript only).</summary>
    Plus,

    /// <summary>Date or datetime (first operand) plus a number of days.</summary>
    AddDays,

    /// <summary>Date or datetime (first operand) minus a number of days.</summary>
    SubtractDays,

    /// <summary>Date minus date: whole days.</summary>
    DateDifference,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Not,

    /// <summary><c>a ?? b</c>.</summary>
    Coalesce,

    /// <summary><c>c ? a : b</c> and <c>IF(c, a, b)</c>.</summary>
    Conditional,
}
