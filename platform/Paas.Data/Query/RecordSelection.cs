using Paas.Core.Metadata;

namespace Paas.Data.Query;

/// <summary>
/// Which fields of an object a request reads, and for each selected relation which fields of the related record.
/// Relations become joins of the same statement, so a page with its lookups is one round trip.
/// </summary>
public sealed record RecordSelection(ObjectDefinition Object, IReadOnlyList<FieldDefinition> Fields, IReadOnlyList<RelationSelection> Relations)
{
    public static RecordSelection IdOnly(ObjectDefinition definition) => new(definition, [definition.IdField], []);

    /// <summary>Whether the selection needs more of the related record than its id (which the relation column already holds).</summary>
    public bool NeedsMoreThanId => Relations.Count > 0 || Fields.Any(f => f.ApiName != SystemFields.Id);
}

public sealed record RelationSelection(FieldDefinition Field, RecordSelection Target);

/// <summary>One key of an ORDER BY. The id is always appended last so that every order is total and keyset paging is stable.</summary>
public sealed record SortKey(FieldDefinition Field, bool Descending);

/// <summary>A page request: a filter, an order and keyset paging in either direction.</summary>
public sealed record ListRequest
{
    public required RecordSelection Selection { get; init; }
    public IReadOnlyDictionary<string, object?>? Filter { get; init; }
    public IReadOnlyList<SortKey> OrderBy { get; init; } = [];
    public int? First { get; init; }
    public string? After { get; init; }
    public int? Last { get; init; }
    public string? Before { get; init; }
    public bool IncludeTotalCount { get; init; }
    public bool IncludeRows { get; init; } = true;
    public int MaxPageSize { get; init; } = QueryLimits.MaxPageSize;
}

public sealed record RecordPage(IReadOnlyList<RecordRow> Rows, bool HasNextPage, bool HasPreviousPage, long? TotalCount);

/// <summary>A record as read: field values by API name (relations as nested rows) and its cursor, encoded only if asked for.</summary>
public sealed class RecordRow
{
    private readonly IReadOnlyList<SortKey> _order;
    private string? _cursor;

    public RecordRow(IReadOnlyDictionary<string, object?> values, IReadOnlyList<SortKey> order)
    {
        Values = values;
        _order = order;
    }

    public IReadOnlyDictionary<string, object?> Values { get; }

    public string Cursor => _cursor ??= CursorCodec.Encode(_order, _order.Select(k => Values[k.Field.ApiName]).ToList());

    /// <summary>The same row (and cursor) with other values, e.g. reshaped for a caller.</summary>
    public RecordRow WithValues(IReadOnlyDictionary<string, object?> values) => new(values, _order) { _cursor = Cursor };
}
