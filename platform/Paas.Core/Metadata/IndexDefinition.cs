namespace Paas.Core.Metadata;

/// <summary>A composite index an admin defined on an object.</summary>
public sealed record IndexDefinition
{
    public required string Name { get; init; }
    public required IReadOnlyList<IndexColumn> Fields { get; init; }
    public bool Unique { get; init; }
}

public sealed record IndexColumn(string Field, bool Descending);
