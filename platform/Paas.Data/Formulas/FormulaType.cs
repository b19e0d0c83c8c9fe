using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>The type of a formula expression, as the type checker infers it.</summary>
internal enum FormulaType
{
    /// <summary>The <c>null</c> literal: compatible with every type.</summary>
    Null,
    Number,
    Integer,
    Text,
    Boolean,
    Date,
    DateTime,

    /// <summary>A record id (the <c>id</c> field, a relation's value): text that compares like text.</summary>
    Id,

    /// <summary>The value of a JavaScript-only construct: known only when the formula runs in the sandbox.</summary>
    Unknown,
}

internal static class FormulaTypes
{
    public static bool IsNumeric(this FormulaType type) => type is FormulaType.Number or FormulaType.Integer;

    public static bool IsTextual(this FormulaType type) => type is FormulaType.Text or FormulaType.Id;

    public static bool IsTemporal(this FormulaType type) => type is FormulaType.Date or FormulaType.DateTime;

    /// <summary>Whether a value of this type may stand where <paramref name="wanted"/> is expected (null and unknown values may stand anywhere).</summary>
    public static bool Fits(this FormulaType type, Func<FormulaType, bool> wanted) =>
        type is FormulaType.Null or FormulaType.Unknown || wanted(type);

    public static string Name(this FormulaType type) => type switch
    {
        FormulaType.DateTime => "DATETIME",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>The common type of two values that meet (branches, compared operands), or null when they cannot meet.</summary>
    public static FormulaType? Unify(FormulaType a, FormulaType b)
    {
        if (a == b || b == FormulaType.Null)
        {
            return a;
        }

        if (a == FormulaType.Null)
        {
            return b;
        }

        if (a == FormulaType.Unknown || b == FormulaType.Unknown)
        {
            return FormulaType.Unknown;
        }

        if (a.IsNumeric() && b.IsNumeric())
        {
            return FormulaType.Number;
        }

        if (a.IsTextual() && b.IsTextual())
        {
            return FormulaType.Text;
        }

        return a.IsTemporal() && b.IsTemporal() ? FormulaType.DateTime : null;
    }

    /// <summary>The type of a field's values in a formula, or null for types formulas cannot use.</summary>
    public static FormulaType? Of(FieldType type) => type switch
    {
        FieldType.Integer => FormulaType.Integer,
        _ when type.IsDecimal() => FormulaType.Number,
        _ when type.IsTextual() => FormulaType.Text,
        FieldType.Boolean => FormulaType.Boolean,
        FieldType.Date => FormulaType.Date,
        FieldType.DateTime => FormulaType.DateTime,
        FieldType.Id or FieldType.Lookup or FieldType.MasterDetail => FormulaType.Id,
        _ => null,
    };

    /// <summary>The field type reported as a formula's inferred type.</summary>
    public static FieldType ToFieldType(this FormulaType type, FieldType fallback) => type switch
    {
        FormulaType.Number => FieldType.Number,
        FormulaType.Integer => FieldType.Integer,
        FormulaType.Text => FieldType.Text,
        FormulaType.Boolean => FieldType.Boolean,
        FormulaType.Date => FieldType.Date,
        FormulaType.DateTime => FieldType.DateTime,
        FormulaType.Id => FieldType.Id,
        _ => fallback,
    };

    /// <summary>The scalar types a formula may return.</summary>
    public static bool IsReturnType(FieldType type) => type is FieldType.Text or FieldType.Number or FieldType.Currency
        or FieldType.Percent or FieldType.Integer or FieldType.Boolean or FieldType.Date or FieldType.DateTime;

    /// <summary>Whether an expression of <paramref name="type"/> can be stored as <paramref name="returnType"/>.</summary>
    public static bool FitsReturnType(this FormulaType type, FieldType returnType) => type switch
    {
        FormulaType.Null or FormulaType.Unknown => true,
        _ when type.IsNumeric() => returnType.IsNumeric(),
        _ when type.IsTextual() => returnType == FieldType.Text,
        FormulaType.Boolean => returnType == FieldType.Boolean,
        FormulaType.Date => returnType is FieldType.Date or FieldType.DateTime,
        FormulaType.DateTime => returnType == FieldType.DateTime,
        _ => false,
    };
}
