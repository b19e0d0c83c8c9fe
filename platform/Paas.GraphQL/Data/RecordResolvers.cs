using System.Collections;
using GraphQL;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Query;
using Paas.Data.Records;

namespace Paas.GraphQL.Data;

/// <summary>A page as the connection type reads it.</summary>
public sealed record ConnectionResult(RecordPage Page)
{
    public IEnumerable<IReadOnlyDictionary<string, object?>> Nodes => Page.Rows.Select(r => r.Values);
}

/// <summary>The data API's root resolvers: reads compile to SQL through the query planner, writes go through the write pipeline.</summary>
public static class RecordResolvers
{
    public static async Task<object?> GetAsync(IResolveFieldContext context, ObjectDefinition definition)
    {
        var request = DataRequestContext.From(context);
        var id = ParseId(context.GetArgument<object?>("id"), "id");
        if (id is null)
        {
            return null;
        }

        await using var session = await request.OpenSessionAsync(context.CancellationToken);
        var selection = new SelectionPlanner(context, request.Metadata).ForRecord(definition);
        var result = await RecordQueryExecutor.GetAsync(session, selection, id.Value, context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return result;
    }

    public static async Task<object?> ListAsync(IResolveFieldContext context, ObjectDefinition definition)
    {
        var request = DataRequestContext.From(context);
        var list = ListRequestFor(context, definition);
        await using var session = await request.OpenSessionAsync(context.CancellationToken);
        var page = await RecordQueryExecutor.ListAsync(session, list, context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return new ConnectionResult(page);
    }

    /// <summary>A reverse relation on a parent record, batched across all parents of the response level.</summary>
    public static object? Children(IResolveFieldContext context, ObjectDefinition child, FieldDefinition parentField)
    {
        var request = DataRequestContext.From(context);
        var parentId = (Guid)((IReadOnlyDictionary<string, object?>)context.Source!)[SystemFields.Id]!;
        var loader = request.ChildLoader(context, () => new ChildListLoader(ListRequestFor(context, child), parentField, request));
        return loader.Add(parentId);
    }

    private static ListRequest ListRequestFor(IResolveFieldContext context, ObjectDefinition definition)
    {
        var (selection, rows, totalCount) = new SelectionPlanner(context, DataRequestContext.From(context).Metadata).ForConnection(definition);
        return new ListRequest
        {
            Selection = selection,
            Filter = Map(context, "filter"),
            OrderBy = OrderBy(context, definition),
            First = context.GetArgument<int?>("first"),
            After = context.GetArgument<string?>("after"),
            Last = context.GetArgument<int?>("last"),
            Before = context.GetArgument<string?>("before"),
            IncludeRows = rows,
            IncludeTotalCount = totalCount,
            MaxPageSize = DataRequestContext.From(context).Limits.MaxPageSize,
        };
    }

    public static Task<object?> CreateAsync(IResolveFieldContext context, ObjectDefinition definition) =>
        WriteAsync(context, definition, async pipeline =>
            (await pipeline.CreateAsync(definition, [Map(context, "input") ?? new Dictionary<string, object?>()], context.CancellationToken))[0]);

    public static async Task<object?> CreateManyAsync(IResolveFieldContext context, ObjectDefinition definition)
    {
        var inputs = (context.GetArgument<object?>("inputs") as IEnumerable)?.Cast<object?>()
            .Select(i => (IReadOnlyDictionary<string, object?>)((IDictionary<string, object?>)i!).AsReadOnly()).ToList() ?? [];
        var request = DataRequestContext.From(context);
        await using var session = await request.OpenSessionAsync(context.CancellationToken);
        await session.BeginAsync(context.CancellationToken);
        var pipeline = new RecordWritePipeline(session, request.Caller, request.Time);
        var ids = await pipeline.CreateAsync(definition, inputs, context.CancellationToken);
        var selection = new SelectionPlanner(context, request.Metadata).ForRecord(definition);
        var byId = await RecordQueryExecutor.GetManyAsync(session, selection, ids, context.CancellationToken);
        var records = ids.Select(id => (object?)byId[id]).ToList();
        await session.CommitAsync(context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return records;
    }

    public static Task<object?> UpdateAsync(IResolveFieldContext context, ObjectDefinition definition) =>
        WriteAsync(context, definition, async pipeline =>
        {
            var id = ParseId(context.GetArgument<object?>("id"), "id") ?? throw PaasException.NotFound($"There is no {definition.ApiName} with that id.");
            var expected = context.GetArgument<object?>("expectedVersion");
            long? expectedVersion = null;
            if (expected is not null)
            {
                if (!Core.Records.FieldValueCoercer.TryCoerce(definition.FindField(SystemFields.Version)!, expected, out var version, out var problem))
                {
                    throw PaasException.Validation("expectedVersion", problem!);
                }

                expectedVersion = (long?)version;
            }

            await pipeline.UpdateAsync(definition, id, expectedVersion, Map(context, "input") ?? new Dictionary<string, object?>(), context.CancellationToken);
            return id;
        });

    public static Task<object?> UpsertAsync(IResolveFieldContext context, ObjectDefinition definition) =>
        WriteAsync(context, definition, pipeline =>
        {
            var match = definition.FindField(context.GetArgument<string>("matchOn"))
                ?? throw PaasException.Validation("matchOn", "Unknown field to match on.");
            return UpsertIdAsync(pipeline, definition, match, Map(context, "input") ?? new Dictionary<string, object?>(), context.CancellationToken);
        });

    public static async Task<object?> DeleteAsync(IResolveFieldContext context, ObjectDefinition definition)
    {
        var request = DataRequestContext.From(context);
        var id = ParseId(context.GetArgument<object?>("id"), "id") ?? throw PaasException.NotFound($"There is no {definition.ApiName} with that id.");
        await using var session = await request.OpenSessionAsync(context.CancellationToken);
        await session.BeginAsync(context.CancellationToken);
        await new RecordWritePipeline(session, request.Caller, request.Time).DeleteAsync(definition, id, context.CancellationToken);
        await session.CommitAsync(context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return id.ToString();
    }

    /// <summary>Runs one write in its own transaction and reads the written record back, inside it, with the selection asked for.</summary>
    private static async Task<object?> WriteAsync(IResolveFieldContext context, ObjectDefinition definition, Func<RecordWritePipeline, Task<Guid>> write)
    {
        var request = DataRequestContext.From(context);
        await using var session = await request.OpenSessionAsync(context.CancellationToken);
        await session.BeginAsync(context.CancellationToken);
        var id = await write(new RecordWritePipeline(session, request.Caller, request.Time));
        var selection = new SelectionPlanner(context, request.Metadata).ForRecord(definition);
        var record = await RecordQueryExecutor.GetAsync(session, selection, id, context.CancellationToken);
        await session.CommitAsync(context.CancellationToken);
        request.AddStatements(session.StatementCount);
        return record;
    }

    private static async Task<Guid> UpsertIdAsync(RecordWritePipeline pipeline, ObjectDefinition definition, FieldDefinition match, IReadOnlyDictionary<string, object?> input, CancellationToken ct) =>
        (await pipeline.UpsertAsync(definition, match, input, ct)).Id;

    /// <summary>A malformed id cannot name a record: reads answer null, writes NOT_FOUND, so ids reveal nothing.</summary>
    private static Guid? ParseId(object? value, string argument) =>
        value is string s && Guid.TryParseExact(s, "D", out var id) ? id : value is Guid g ? g : null;

    private static IReadOnlyDictionary<string, object?>? Map(IResolveFieldContext context, string argument) =>
        context.GetArgument<object?>(argument) switch
        {
            IReadOnlyDictionary<string, object?> map => map,
            IDictionary<string, object?> map => map.AsReadOnly(),
            _ => null,
        };

    private static IReadOnlyList<SortKey> OrderBy(IResolveFieldContext context, ObjectDefinition definition)
    {
        if (context.GetArgument<object?>("orderBy") is not IEnumerable items)
        {
            return [];
        }

        var keys = new List<SortKey>();
        var index = 0;
        foreach (var item in items)
        {
            if (item is not IDictionary<string, object?> entry || entry.Count(kv => kv.Value is not null) != 1)
            {
                throw PaasException.Validation($"orderBy[{index}]", "Each orderBy entry names exactly one field, e.g. {amount: DESC}.");
            }

            var (name, direction) = entry.First(kv => kv.Value is not null);
            var field = definition.FindField(name) is { } known && Paas.Data.Query.ComputedFields.IsQueryable(DataRequestContext.From(context).Metadata, definition, known)
                ? known
                : throw PaasException.Validation($"orderBy[{index}]", $"Unknown field '{name}'.");
            keys.Add(new SortKey(field, direction as string == "DESC"));
            index++;
        }

        if (keys.Count > 10)
        {
            throw PaasException.LimitExceeded("orderByKeys", "At most 10 orderBy keys are allowed.");
        }

        return keys;
    }
}
