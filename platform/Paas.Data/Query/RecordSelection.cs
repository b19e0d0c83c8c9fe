using Paas.Core.Metadata;

namespace Paas.Data.Query;

/// <summary>
/// Which fields of an object a request reads, and for each selected relation which fields of the related record.
/// Relations become joins of the same statement, so a page with its lookups is one round trip.
/// </summary>
public sealed record RecordSelection(ObjectDefinition Object, IReadOnlyList<FieldDefinition> Fields, IReadOnlyList<RelationSelection> Relations)
{
    public static RecordSelection IdOnly(ObjectDefinition definition) => new(definition, [definition.IdField], []);

    /// <summary>
    /// The given fields as one flat record: scalars, and relations as their ids only (read with <see cref="Flatten"/>).
    /// What scripts and triggers see of a record.
    /// </summary>
    public static RecordSelection Flat(ObjectDefinition definition, IEnumerable<FieldDefinition> fields)
    {
        var list = fields.ToList();
        return new RecordSelection(definition, list.Where(f => !f.Type.IsRelation()).ToList(),
            list.Where(f => f.Type.IsRelation()).Select(f => new RelationSelection(f, new RecordSelection(definition, [], []))).ToList());
    }

    /// <summary>A record read with a <see cref="Flat"/> selection, with each relation as its id.</summary>
    public static Dictionary<string, object?>? Flatten(Dictionary<string, object?>? record)
    {
        if (record is null)
        {
            return null;
        }

        foreach (var (name, value) in record.ToList())
        {
            if (value is IReadOnlyDictionary<string, object?> related)
            {
                record[name] = related.GetValueOrDefault(SystemFields.Id);
            }
        }

        return record;
    }

    /// <summary>Whether the selection needs more of the related record than its id (which the relation column already holds).</summary>
    public bool NeedsMoreThanId => Relations.Count > 0 || Fields.Any(f => f.ApiName != SystemFields.Id);
}

public sealed record RelationSelection(FieldDefinition Field, RecordSelection Target);

/// <summary>One key of an ORDER BY. The id is always appended last so that every order is total and keyset paging is stable.</summary>
public sealed record SortKey(FieldDefinition Field, bool Descending)
{
    /// <summary>For a computed field: the SQL expression it sorts by (see <see cref="ComputedFields"/>); set when the statement is built.</summary>
    public string? Sql { get; init; }

    /// <summary>The SQL this key sorts by: the column, or the computed field's expression.</summary>
    public string Term(Sql.ISqlDialect d, string alias) => Sql ?? $"{alias}.{d.Quote(Field.Column)}";

    /// <summary>The field as its values are typed (for parameters and cursors).</summary>
    public FieldDefinition ValueField => ComputedFields.ValueField(Field);

    /// <summary>Gives computed keys their SQL for a statement over the record aliased <paramref name="alias"/>.</summary>
    public static IReadOnlyList<SortKey> Bind(IReadOnlyList<SortKey> order, Storage.TenantSession session, Sql.SqlStatement statement, ObjectDefinition definition, string alias) =>
        order.Any(k => k.Field.IsComputed)
            ? order.Select(k => k.Field.IsComputed ? k with { Sql = ComputedFields.Expression(statement, session.Metadata, session.Table, definition, k.Field, alias) } : k).ToList()
            : order;
}

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
