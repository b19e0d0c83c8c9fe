using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// A stored field a formula reads: <see cref="Segments"/> are the API names from the record (<c>["amount"]</c>,
/// <c>["account", "owner", "name"]</c>), every segment but the last a LOOKUP or MASTER_DETAIL field;
/// <see cref="Target"/> is the last field and <see cref="TargetObject"/> the object it belongs to.
/// </summary>
public sealed record FormulaPath(IReadOnlyList<string> Segments, FieldDefinition Target, ObjectDefinition TargetObject)
{
    /// <summary>The relations followed, in order from the record; empty for a field of the record itself.</summary>
    internal IReadOnlyList<FormulaHop> Hops { get; init; } = [];

    /// <summary>The path as written in a formula: <c>account.industry</c>.</summary>
    public override string ToString() => string.Join(".", Segments);
}

/// <summary>One step of a path: the relation field followed and the object it leads to.</summary>
internal sealed record FormulaHop(FieldDefinition Relation, ObjectDefinition Target);
