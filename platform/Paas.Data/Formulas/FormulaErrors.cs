using Acornima.Ast;
using Paas.Core.Errors;

namespace Paas.Data.Formulas;

/// <summary>Formula errors: validation errors on the <c>formula</c> field, with the 1-based line and column.</summary>
internal static class FormulaErrors
{
    public const string Field = "formula";

    public static PaasException Invalid(string message) => PaasException.Validation(Field, message);

    /// <summary>"line 1, column 9" for where <paramref name="node"/> starts.</summary>
    public static string At(Node node) => At(node.Location.Start.Line, node.Location.Start.Column + 1);

    public static string At(int line, int column) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"line {line}, column {column}");
}
