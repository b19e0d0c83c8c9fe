using GraphQL.Types;
using Paas.Core.Metadata;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Types;

/// <summary>
/// The types every tenant schema has: scalars, PageInfo, SortDirection and one filter input per kind of field.
/// Graph type instances belong to one schema, so each build makes its own.
/// </summary>
public sealed class SharedTypes
{
    public LenientScalar Long { get; } = LenientScalar.Long();
    public LenientScalar Decimal { get; } = LenientScalar.Decimal();
    public LenientScalar Date { get; } = LenientScalar.Date();
    public LenientScalar DateTime { get; } = LenientScalar.DateTime();
    public LenientScalar Json { get; } = LenientScalar.Json();
    public StringGraphType String { get; } = new();
    public BooleanGraphType Boolean { get; } = new();
    public IdGraphType Id { get; } = new();
    public IntGraphType Int { get; } = new();
    public EnumerationGraphType SortDirection { get; }
    public ObjectGraphType PageInfo { get; }

    /// <summary>One change of a tracked field; values as JSON text.</summary>
    public ObjectGraphType FieldHistory { get; }

    private readonly Dictionary<string, InputObjectGraphType> _filters = [];

    public SharedTypes()
    {
        SortDirection = new EnumerationGraphType { Name = "SortDirection" };
        SortDirection.Add("ASC", "ASC", "Ascending; empty values last.");
        SortDirection.Add("DESC", "DESC", "Descending; empty values first.");

        PageInfo = new ObjectGraphType { Name = "PageInfo" };
        Execution.DirectQuery.Allow(AddField(PageInfo, "hasNextPage", new NonNullGraphType(Boolean), s => ((Data.ConnectionResult)s!).Page.HasNextPage));
        Execution.DirectQuery.Allow(AddField(PageInfo, "hasPreviousPage", new NonNullGraphType(Boolean), s => ((Data.ConnectionResult)s!).Page.HasPreviousPage));
        Execution.DirectQuery.Allow(AddField(PageInfo, "startCursor", String, s => ((Data.ConnectionResult)s!).Page.Rows.FirstOrDefault()?.Cursor));
        Execution.DirectQuery.Allow(AddField(PageInfo, "endCursor", String, s => ((Data.ConnectionResult)s!).Page.Rows.LastOrDefault()?.Cursor));

        FieldHistory = new ObjectGraphType { Name = "FieldHistoryEntry" };
        AddField(FieldHistory, "field", new NonNullGraphType(String), s => ((Paas.Data.Security.FieldHistoryEntry)s!).Field);
        AddField(FieldHistory, "oldValue", String, s => ((Paas.Data.Security.FieldHistoryEntry)s!).OldValue, "The value before, as JSON.");
        AddField(FieldHistory, "newValue", String, s => ((Paas.Data.Security.FieldHistoryEntry)s!).NewValue, "The value after, as JSON.");
        AddField(FieldHistory, "changedBy", new NonNullGraphType(Id), s => ((Paas.Data.Security.FieldHistoryEntry)s!).ChangedBy);
        AddField(FieldHistory, "changedAt", new NonNullGraphType(DateTime), s => ((Paas.Data.Security.FieldHistoryEntry)s!).ChangedAt);
    }

    /// <summary>The output scalar of a non-relation field.</summary>
    public IGraphType Output(FieldDefinition field) => field.Type switch
    {
        FieldType.Integer => Long,
        FieldType.Number or FieldType.Currency or FieldType.Percent => Decimal,
        FieldType.Boolean => Boolean,
        FieldType.Date => Date,
        FieldType.DateTime => DateTime,
        FieldType.MultiPicklist => new ListGraphType(new NonNullGraphType(String)),
        FieldType.Json => Json,
        FieldType.Id => Id,
        FieldType.Lookup or FieldType.MasterDetail => Id,
        _ => String,
    };

    /// <summary>The input type of a writable field: relations are set by the related record's id.</summary>
    public IGraphType Input(FieldDefinition field) => field.Type switch
    {
        FieldType.Text or FieldType.LongText or FieldType.Email or FieldType.Phone or FieldType.Url or FieldType.Picklist => String,
        FieldType.MultiPicklist => new ListGraphType(new NonNullGraphType(String)),
        _ => Output(field),
    };

    /// <summary>The filter input of a non-relation field, shared by all fields of the same kind.</summary>
    public InputObjectGraphType Filter(FieldDefinition field)
    {
        var (name, value, ordered, text, multi) = field.Type switch
        {
            FieldType.Integer => ("LongFilter", (IGraphType)Long, true, false, false),
            FieldType.Number or FieldType.Currency or FieldType.Percent => ("DecimalFilter", Decimal, true, false, false),
            FieldType.Boolean => ("BooleanFilter", Boolean, false, false, false),
            FieldType.Date => ("DateFilter", Date, true, false, false),
            FieldType.DateTime => ("DateTimeFilter", DateTime, true, false, false),
            FieldType.Id => ("IDFilter", Id, false, false, false),
            FieldType.MultiPicklist => ("MultiPicklistFilter", String, false, false, true),
            FieldType.Json => ("JSONFilter", Json, false, false, false),
            _ => ("StringFilter", String, true, true, false),
        };
        if (_filters.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var filter = new InputObjectGraphType { Name = name };
        if (!multi && field.Type != FieldType.Json)
        {
            filter.AddField(new GraphField { Name = "eq", ResolvedType = value });
            filter.AddField(new GraphField { Name = "neq", ResolvedType = value });
            filter.AddField(new GraphField { Name = "in", ResolvedType = new ListGraphType(new NonNullGraphType(value)) });
            filter.AddField(new GraphField { Name = "nin", ResolvedType = new ListGraphType(new NonNullGraphType(value)) });
        }

        filter.AddField(new GraphField { Name = "isNull", ResolvedType = Boolean });
        if (ordered)
        {
            foreach (var op in new[] { "gt", "gte", "lt", "lte" })
            {
                filter.AddField(new GraphField { Name = op, ResolvedType = value });
            }
        }

        if (text)
        {
            foreach (var op in new[] { "contains", "startsWith", "endsWith" })
            {
                filter.AddField(new GraphField { Name = op, ResolvedType = String, Description = "Case-insensitive." });
            }
        }

        if (multi)
        {
            filter.AddField(new GraphField { Name = "containsAny", ResolvedType = new ListGraphType(new NonNullGraphType(String)) });
            filter.AddField(new GraphField { Name = "containsAll", ResolvedType = new ListGraphType(new NonNullGraphType(String)) });
        }

        _filters[name] = filter;
        return filter;
    }

    public static GraphField AddField(IComplexGraphType type, string name, IGraphType graphType, Func<object?, object?> read, string? description = null) =>
        type.AddField(new GraphField
        {
            Name = name,
            ResolvedType = graphType,
            Description = description,
            Resolver = Execution.Resolve.Sync(context => read(context.Source)),
        });
}
