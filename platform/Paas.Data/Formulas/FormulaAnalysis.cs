using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// A formula that passed <see cref="FormulaCompiler.Analyze"/>: its inferred type, the stored fields it reads, and
/// whether it compiles to SQL (<see cref="FormulaSql"/>) or must run in the JavaScript sandbox after the read
/// (<see cref="FormulaScript"/>).
/// </summary>
public sealed class FormulaAnalysis
{
    internal FormulaAnalysis(FormulaNode root, ObjectDefinition owner, FieldDefinition field, FieldType inferredType,
        IReadOnlyList<FormulaPath> paths, string? notCompilableReason)
    {
        Root = root;
        Owner = owner;
        Field = field;
        InferredType = inferredType;
        Paths = paths;
        NotCompilableReason = notCompilableReason;
    }

    /// <summary>True when <see cref="FormulaSql.Render"/> can compute the value inside the query.</summary>
    public bool IsSqlCompilable => NotCompilableReason is null;

    /// <summary>For a formula that is not SQL-compilable: where and why, e.g. "line 1, column 5: method calls like '.split(…)' are evaluated in JavaScript".</summary>
    public string? NotCompilableReason { get; }

    /// <summary>
    /// The type of the expression: NUMBER, INTEGER, TEXT, BOOLEAN, DATE, DATETIME or ID; the declared return type when
    /// the expression is <c>null</c> or its type is known only at run time.
    /// </summary>
    public FieldType InferredType { get; }

    /// <summary>
    /// The stored fields the formula reads (inlined formula fields resolved to the fields they read), each once, in
    /// order of first use. A non-compilable formula needs exactly these values (see <see cref="FormulaSql.RenderPath"/>
    /// and <see cref="FormulaScript.BuildRecord"/>).
    /// </summary>
    public IReadOnlyList<FormulaPath> Paths { get; }

    /// <summary>The object the formula is defined on.</summary>
    public ObjectDefinition Owner { get; }

    /// <summary>The formula field as analysed.</summary>
    public FieldDefinition Field { get; }

    internal FormulaNode Root { get; }
}
