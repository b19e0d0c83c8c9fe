using GraphQL.Types;
using Paas.Core.Metadata;
using Paas.Data.Query;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Data;

/// <summary>A group as the aggregate types read it, with the function a nested metric object stands for.</summary>
public sealed record AggregateView(AggregateGroup Group, AggregateFunction Function);

/// <summary>
/// The <c>&lt;plural&gt;Aggregate(filter, groupBy, having, orderBy, first)</c> query of an object and its types:
/// groups by picklist, boolean, relation and date fields (and year/quarter/month of dates), with count, and
/// sum/avg of numbers and min/max of numbers and dates.
/// </summary>
public static class AggregateSchema
{
    public static bool IsGroupable(FieldDefinition field) =>
        field.Type is FieldType.Picklist or FieldType.Boolean or FieldType.Date or FieldType.DateTime || field.Type.IsRelation();

    public static bool IsSummable(FieldDefinition field) => field.Type.IsNumeric() && field.ApiName != SystemFields.Version;

    public static bool IsComparable(FieldDefinition field) => IsSummable(field) || field.Type.IsTemporal();

    public static IEnumerable<GroupKey> Keys(IEnumerable<FieldDefinition> fields) =>
        fields.Where(IsGroupable).SelectMany(f => f.Type.IsTemporal()
            ? new[] { new GroupKey(f, null), new GroupKey(f, DatePart.Year), new GroupKey(f, DatePart.Quarter), new GroupKey(f, DatePart.Month) }
            : [new GroupKey(f, null)]);

    public static GraphField Build(ObjectDefinition definition, IReadOnlyList<FieldDefinition> fields, SharedTypes shared, InputObjectGraphType filter)
    {
        var name = definition.ApiName;
        var keys = Keys(fields).ToList();
        var summable = fields.Where(IsSummable).ToList();
        var comparable = fields.Where(IsComparable).ToList();

        var group = new ObjectGraphType { Name = name + "AggregateGroup" };
        var having = new InputObjectGraphType { Name = name + "AggregateHaving", Description = "Conditions on the groups' aggregates." };
        var order = new InputObjectGraphType { Name = name + "AggregateOrderBy", Description = "One entry per key: count, a key field, or one metric." };
        SharedTypes.AddField(group, "count", new NonNullGraphType(shared.Long), s => ((AggregateGroup)s!).Values["count"]);
        having.AddField(new GraphField { Name = "count", ResolvedType = shared.Filter(new FieldDefinition { ApiName = "count", Label = "count", Type = FieldType.Integer, Column = "count" }) });
        order.AddField(new GraphField { Name = "count", ResolvedType = shared.SortDirection });

        if (keys.Count > 0)
        {
            var key = new ObjectGraphType { Name = name + "AggregateKey" };
            var keyOrder = new InputObjectGraphType { Name = name + "AggregateKeyOrderBy" };
            foreach (var groupKey in keys)
            {
                var keyName = groupKey.Name;
                var type = groupKey.Part is not null ? shared.Long : groupKey.Field.Type.IsRelation() ? shared.Id : shared.Output(groupKey.Field);
                SharedTypes.AddField(key, keyName, type, s => ((AggregateGroup)s!).Key.GetValueOrDefault(keyName));
                keyOrder.AddField(new GraphField { Name = keyName, ResolvedType = shared.SortDirection });
            }

            SharedTypes.AddField(group, "key", new NonNullGraphType(key), s => s);
            order.AddField(new GraphField { Name = "key", ResolvedType = keyOrder });
        }

        // sum/avg share one set of types (numbers as Decimal), and min/max another (each field's own type):
        // half the types of one set per function, which matters when a tenant has hundreds of objects.
        foreach (var (family, functions, metricFields) in new[]
        {
            ("Numbers", new[] { AggregateFunction.Sum, AggregateFunction.Avg }, summable),
            ("Bounds", new[] { AggregateFunction.Min, AggregateFunction.Max }, comparable),
        })
        {
            if (metricFields.Count == 0)
            {
                continue;
            }

            var numbers = family == "Numbers";
            var values = new ObjectGraphType { Name = name + "Aggregate" + family };
            var havingValues = new InputObjectGraphType { Name = name + "AggregateHaving" + family };
            var orderValues = new InputObjectGraphType { Name = name + "AggregateOrderBy" + family };
            foreach (var field in metricFields)
            {
                var fieldName = field.ApiName;
                SharedTypes.AddField(values, fieldName, numbers ? shared.Decimal : shared.Output(field),
                    s => ((AggregateView)s!).Group.Values.GetValueOrDefault(new Metric(((AggregateView)s!).Function, field).Name));
                havingValues.AddField(new GraphField { Name = fieldName, ResolvedType = numbers ? shared.Filter(field with { Type = FieldType.Number }) : shared.Filter(field) });
                orderValues.AddField(new GraphField { Name = fieldName, ResolvedType = shared.SortDirection });
            }

            foreach (var function in functions)
            {
                var lower = function.ToString().ToLowerInvariant();
                SharedTypes.AddField(group, lower, new NonNullGraphType(values), s => new AggregateView((AggregateGroup)s!, function));
                having.AddField(new GraphField { Name = lower, ResolvedType = havingValues });
                order.AddField(new GraphField { Name = lower, ResolvedType = orderValues });
            }
        }

        var arguments = new List<QueryArgument>
        {
            new(filter) { Name = "filter" },
            new(new ListGraphType(new NonNullGraphType(having))) { Name = "having", Description = "All must hold." },
            new(new ListGraphType(new NonNullGraphType(order))) { Name = "orderBy" },
            new(shared.Int) { Name = "first", Description = $"At most this many groups (default and maximum {QueryLimits.MaxGroups})." },
        };
        if (keys.Count > 0)
        {
            var groupBy = new EnumerationGraphType { Name = name + "GroupBy" };
            foreach (var groupKey in keys)
            {
                groupBy.Add(groupKey.Name, groupKey.Name);
            }

            arguments.Insert(1, new QueryArgument(new ListGraphType(new NonNullGraphType(groupBy))) { Name = "groupBy" });
        }

        return new GraphField
        {
            Name = definition.PluralApiName + "Aggregate",
            Description = $"Counts and sums of {definition.PluralLabel}, in groups.",
            ResolvedType = new NonNullGraphType(new ListGraphType(new NonNullGraphType(group))),
            Arguments = new QueryArguments(arguments),
            Resolver = Resolve.Async(context => AggregateResolver.RunAsync(context, definition, keys)),
        };
    }
}
