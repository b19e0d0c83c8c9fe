namespace Paas.Data.Formulas;

/// <summary>The bounds a formula must stay within; each is checked when the formula is analysed.</summary>
public static class FormulaLimits
{
    /// <summary>The longest formula text, in characters.</summary>
    public const int MaxLength = 3_900;

    /// <summary>The most expression nodes (literals, references, operators, calls), inlined formula fields included.</summary>
    public const int MaxNodes = 500;

    /// <summary>How deeply expressions may nest (operands of operands…, inlined formula fields included): the SQL must stay within the engines' expression depth.</summary>
    public const int MaxDepth = 150;

    /// <summary>The most LOOKUP / MASTER_DETAIL hops on one field path (inlined formula fields included).</summary>
    public const int MaxHops = 5;

    /// <summary>How deep formula fields may reference other formula fields.</summary>
    public const int MaxNesting = 5;

    /// <summary>The most decimal places a number literal may have.</summary>
    public const int MaxLiteralScale = 9;
}
