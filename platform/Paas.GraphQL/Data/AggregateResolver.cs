using System.Collections;
using GraphQL;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Query;

namespace Paas.GraphQL.Data;

/// <summary>Turns the aggregate query's arguments and selection into one GROUP BY statement.</summary>
public static class AggregateResolver
{
    public static async Task<object?> RunAsync(IResolveFieldContext context, ObjectDefinition definition, IReadOnlyList<GroupKey> keys)
    {
        var request = DataRequestContext.From(context);
        var byName = keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
        var groupBy = (context.GetArgument<object?>("groupBy") as IEnumerable)?.Cast<object?>()
            .Select(n => byName[(string)n!]).DistinctBy(k => k.Name).ToList() ?? [];
        var first = context.GetArgument<int?>("first") ?? QueryLimits.MaxGroups;
        if (first is < 1 or > QueryLimits.MaxGroups)
        {
            throw PaasException.LimitExceeded("maxGroups", $"first must be between 1 and {QueryLimits.MaxGroups}.");
        }

        var aggregate = new AggregateRequest
        {
            Object = definition,
            Filter = context.GetArgument<object?>("filter") is IDictionary<string, object?> filter ? filter.AsReadOnly() : null,
            GroupBy = groupBy,
            Metrics = SelectedMetrics(context, definition, request),
            Having = Entries(context, "having").SelectMany(e => Having(definition, e)).ToList(),
            OrderBy = Entries(context, "orderBy").Select((e, i) => Order(definition, groupBy.ToDictionary(k => k.Name, StringComparer.Ordinal), e, i)).ToList(),
            Limit = first,
        };
        await using var session = await request.OpenSessionAsync(context.CancellationToken);
        var groups = await AggregateExecutor.RunAsync(session, aggregate, context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return groups;
    }

    private static List<Metric> SelectedMetrics(IResolveFieldContext context, ObjectDefinition definition, DataRequestContext request)
    {
        var planner = new SelectionPlanner(context, request.Metadata);
        var metrics = new List<Metric>();
        foreach (var selected in planner.Fields(context.FieldAst.SelectionSet))
        {
            if (Function(selected.Name.StringValue) is not { } function)
            {
                continue;
            }

            foreach (var inner in planner.Fields(selected.SelectionSet))
            {
                if (definition.FindField(inner.Name.StringValue) is { } field)
                {
                    metrics.Add(new Metric(function, field));
                }
            }
        }

        return metrics;
    }

    private static IEnumerable<HavingCondition> Having(ObjectDefinition definition, IDictionary<string, object?> entry)
    {
        foreach (var (name, value) in entry)
        {
            if (value is not IDictionary<string, object?> inner)
            {
                continue;
            }

            if (name == "count")
            {
                yield return new HavingCondition(new Metric(AggregateFunction.Count, null), inner.AsReadOnly());
                continue;
            }

            var function = Function(name) ?? throw PaasException.Validation($"having.{name}", "Unknown aggregate.");
            foreach (var (fieldName, operators) in inner)
            {
                if (operators is IDictionary<string, object?> ops)
                {
                    yield return new HavingCondition(new Metric(function, Field(definition, fieldName, $"having.{name}")), ops.AsReadOnly());
                }
            }
        }
    }

    private static GroupOrder Order(ObjectDefinition definition, Dictionary<string, GroupKey> keys, IDictionary<string, object?> entry, int index)
    {
        var path = $"orderBy[{index}]";
        var set = entry.Where(kv => kv.Value is not null).ToList();
        if (set.Count != 1)
        {
            throw PaasException.Validation(path, "Each orderBy entry names exactly one thing: count, key: {field: ASC}, or e.g. sum: {amount: DESC}.");
        }

        var (name, value) = set[0];
        if (name == "count")
        {
            return new GroupOrder(null, new Metric(AggregateFunction.Count, null), (string)value! == "DESC");
        }

        var inner = ((IDictionary<string, object?>)value!).Where(kv => kv.Value is not null).ToList();
        if (inner.Count != 1)
        {
            throw PaasException.Validation(path, "Name exactly one field.");
        }

        var descending = (string)inner[0].Value! == "DESC";
        if (name == "key")
        {
            if (!keys.TryGetValue(inner[0].Key, out var key))
            {
                throw PaasException.Validation(path, $"'{inner[0].Key}' is not in groupBy; groups can be ordered only by their keys.");
            }

            return new GroupOrder(key, null, descending);
        }

        var function = Function(name) ?? throw PaasException.Validation(path, "Unknown aggregate.");
        return new GroupOrder(null, new Metric(function, Field(definition, inner[0].Key, path)), descending);
    }

    private static IEnumerable<IDictionary<string, object?>> Entries(IResolveFieldContext context, string argument) =>
        (context.GetArgument<object?>(argument) as IEnumerable)?.OfType<IDictionary<string, object?>>() ?? [];

    private static FieldDefinition Field(ObjectDefinition definition, string name, string path) =>
        definition.FindField(name) ?? throw PaasException.Validation(path, $"Unknown field '{name}'.");

    private static AggregateFunction? Function(string name) => name switch
    {
        "sum" => AggregateFunction.Sum,
        "avg" => AggregateFunction.Avg,
        "min" => AggregateFunction.Min,
        "max" => AggregateFunction.Max,
        _ => null,
    };
}
