using GraphQL;
using GraphQL.Types;
using Paas.Core.Errors;
using Paas.Core.Security;
using Paas.Data.Records;
using Paas.Data.Workflows;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;

namespace Paas.GraphQL.Data;

/// <summary>
/// Stage processes in the data API: <c>advanceStage</c> moves a record to a stage through the write pipeline (which
/// enforces transitions and gates on every write of the stage field, and refuses with every unmet gate), and
/// <c>stageHistory</c> lists a record's stages with their entry and exit times.
/// </summary>
public static class StageSchema
{
    public static void AddTo(ObjectGraphType query, ObjectGraphType mutation, SharedTypes shared)
    {
        var nonNullStr = new NonNullGraphType(shared.String);
        var id = new NonNullGraphType(shared.Id);
        var visit = new ObjectGraphType { Name = "StageVisit", Description = "One stay of a record in a stage." };
        SharedTypes.AddField(visit, "stage", nonNullStr, v => ((StageVisit)v!).Stage);
        SharedTypes.AddField(visit, "enteredAt", new NonNullGraphType(shared.DateTime), v => ((StageVisit)v!).EnteredAt);
        SharedTypes.AddField(visit, "enteredBy", id, v => ((StageVisit)v!).EnteredBy);
        SharedTypes.AddField(visit, "exitedAt", shared.DateTime, v => ((StageVisit)v!).ExitedAt, "Null for the current stage.");
        SharedTypes.AddField(visit, "secondsInStage", new NonNullGraphType(shared.Long),
            v => (long)((StageVisit)v!).TimeIn(DateTimeOffset.UtcNow).TotalSeconds, "Until it was left, or until now.");
        var visits = new NonNullGraphType(new ListGraphType(new NonNullGraphType(visit)));

        query.AddField(new GraphField
        {
            Name = "stageHistory",
            ResolvedType = visits,
            Arguments = new QueryArguments(new QueryArgument(nonNullStr) { Name = "object" }, new QueryArgument(id) { Name = "id" }),
            Resolver = Resolve.Async(async c =>
            {
                var request = DataRequestContext.From(c);
                await using var session = await request.OpenSessionAsync(c.CancellationToken);
                var (definition, recordId) = Target(c, request);
                if ((await RecordSql.ExistingIdsAsync(session, definition, [recordId], c.CancellationToken)).Count == 0)
                {
                    throw PaasException.NotFound($"There is no {definition.ApiName} with that id.");
                }

                return await StageStore.HistoryAsync(session, recordId, c.CancellationToken);
            }),
        });

        mutation.AddField(new GraphField
        {
            Name = "advanceStage",
            Description = "Moves a record to a stage of its object's stage process; refused with every unmet gate of the stage it leaves.",
            ResolvedType = visits,
            Arguments = new QueryArguments(new QueryArgument(nonNullStr) { Name = "object" }, new QueryArgument(id) { Name = "id" }, new QueryArgument(nonNullStr) { Name = "to" }),
            Resolver = Resolve.Async(async c =>
            {
                var request = DataRequestContext.From(c);
                var (definition, recordId) = Target(c, request);
                var process = request.Metadata.FindStageProcess(definition.ApiName)
                    ?? throw PaasException.Validation("object", $"{definition.ApiName} has no stage process.");
                await using var session = await request.OpenSessionAsync(c.CancellationToken);
                await session.BeginAsync(c.CancellationToken);
                await new RecordWritePipeline(session, request.Caller, request.Time).UpdateAsync(definition, recordId, null,
                    new Dictionary<string, object?> { [process.Field] = c.GetArgument<string>("to") }, c.CancellationToken);
                var history = await StageStore.HistoryAsync(session, recordId, c.CancellationToken);
                await session.CommitAsync(c.CancellationToken);
                request.AddStatements(session.StatementCount);
                return history;
            }),
        });
    }

    private static (Paas.Core.Metadata.ObjectDefinition Definition, Guid Id) Target(IResolveFieldContext context, DataRequestContext request)
    {
        var name = context.GetArgument<string>("object");
        var definition = request.Metadata.FindObject(name);
        if (definition is null || (request.Caller.Access is { } access && !access.CanRead(definition)))
        {
            throw PaasException.Validation("object", $"There is no object '{name}'.");
        }

        return context.GetArgument<object?>("id") is string s && Guid.TryParseExact(s, "D", out var id)
            ? (definition, id)
            : throw PaasException.NotFound($"There is no {name} with that id.");
    }
}
