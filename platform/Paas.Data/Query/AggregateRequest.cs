using Paas.Core.Metadata;

namespace Paas.Data.Query;

public enum DatePart
{
    Year,
    Quarter,
    Month,
}

public enum AggregateFunction
{
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// <summary>A group key: a field, or a part of a date field. Its name in results is the field name, or <c>closeDate_year</c>.</summary>
public sealed record GroupKey(FieldDefinition Field, DatePart? Part)
{
    public string Name => Part is null ? Field.ApiName : $"{Field.ApiName}_{Part.Value.ToString().ToLowerInvariant()}";
}

/// <summary>One aggregate value: COUNT(*) (no field) or a function of a field.</summary>
public sealed record Metric(AggregateFunction Function, FieldDefinition? Field)
{
    public string Name => Field is null ? "count" : $"{Function.ToString().ToLowerInvariant()}.{Field.ApiName}";
}

/// <summary>A condition on an aggregate (HAVING): the metric and an operator → value map (eq, neq, gt, gte, lt, lte).</summary>
public sealed record HavingCondition(Metric Metric, IReadOnlyDictionary<string, object?> Operators);

/// <summary>An ordering of groups by a key or a metric.</summary>
public sealed record GroupOrder(GroupKey? Key, Metric? Metric, bool Descending);

public sealed record AggregateRequest
{
    public required ObjectDefinition Object { get; init; }
    public IReadOnlyDictionary<string, object?>? Filter { get; init; }
    public IReadOnlyList<GroupKey> GroupBy { get; init; } = [];
    public IReadOnlyList<Metric> Metrics { get; init; } = [];
    public IReadOnlyList<HavingCondition> Having { get; init; } = [];
    public IReadOnlyList<GroupOrder> OrderBy { get; init; } = [];
    public int Limit { get; init; } = QueryLimits.MaxGroups;
}

/// <summary>One group: its key values by key name and its metric values by metric name.</summary>
public sealed record AggregateGroup(IReadOnlyDictionary<string, object?> Key, IReadOnlyDictionary<string, object?> Values);
