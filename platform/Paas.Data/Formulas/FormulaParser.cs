using Acornima;
using Acornima.Ast;

namespace Paas.Data.Formulas;

/// <summary>Parses formula text as one JavaScript expression (strict mode) with Acornima.</summary>
internal static class FormulaParser
{
    // The defaults: the latest ECMAScript; regular expression literals are checked, never compiled to .NET regexes.
    private static readonly ParserOptions Options = new();

    /// <param name="context">Prefixed to error messages: empty for the formula being defined, else which formula field.</param>
    public static Expression Parse(string? formula, string context)
    {
        if (string.IsNullOrWhiteSpace(formula))
        {
            throw FormulaErrors.Invalid($"{context}a formula is required");
        }

        if (formula.Length > FormulaLimits.MaxLength)
        {
            throw FormulaErrors.Invalid($"{context}a formula may be at most {FormulaLimits.MaxLength} characters long");
        }

        try
        {
            return new Parser(Options).ParseExpression(formula, null, true);
        }
        catch (ParseErrorException e)
        {
            throw FormulaErrors.Invalid($"{context}{FormulaErrors.At(e.LineNumber, e.Column + 1)}: {e.Description}");
        }
    }
}
