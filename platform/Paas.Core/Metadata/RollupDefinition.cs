namespace Paas.Core.Metadata;

public enum RollupFunction
{
    Count,
    Sum,
    Min,
    Max,
}

/// <summary>
/// A roll-up summary: <see cref="Function"/> of <see cref="Field"/> over the records of <see cref="ChildObject"/> whose
/// master-detail field <see cref="Relationship"/> points at this record, optionally only those matching
/// <see cref="Filter"/> (a data-API filter, stored as JSON).
/// </summary>
public sealed record RollupDefinition
{
    public required string ChildObject { get; init; }
    public required string Relationship { get; init; }
    public required RollupFunction Function { get; init; }

    /// <summary>The child field aggregated; null for COUNT.</summary>
    public string? Field { get; init; }

    /// <summary>The filter on children as JSON text, or null for all children.</summary>
    public string? Filter { get; init; }
}
