using GraphQL;
using GraphQL.Types;
using Paas.Core.Errors;
using Paas.Core.Workflows;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;
using Paas.Workflows.Definitions;
using Paas.Workflows.Runtime;
using Paas.Workflows.Webhooks;

namespace Paas.GraphQL.MetadataApi;

/// <summary>
/// Workflow definitions in the metadata API: <c>saveWorkflow</c> (validated; a draft), <c>publishWorkflow</c>,
/// <c>workflows</c> (every version) and <c>workflowSchema</c> (the JSON Schema the definitions follow).
/// </summary>
public static class WorkflowMetadataSchema
{
    public static void AddTo(ObjectGraphType query, ObjectGraphType mutation, MetadataTypes types)
    {
        var str = new StringGraphType();
        var nonNullStr = new NonNullGraphType(str);
        var json = LenientScalar.Json();
        var version = new ObjectGraphType { Name = "WorkflowVersion" };
        SharedTypes.AddField(version, "apiName", nonNullStr, v => ((WorkflowVersion)v!).ApiName);
        SharedTypes.AddField(version, "version", new NonNullGraphType(new IntGraphType()), v => ((WorkflowVersion)v!).Version);
        SharedTypes.AddField(version, "status", nonNullStr, v => ((WorkflowVersion)v!).Status, "DRAFT, PUBLISHED or RETIRED.");
        SharedTypes.AddField(version, "object", nonNullStr, v => ((WorkflowVersion)v!).Definition.Object);
        SharedTypes.AddField(version, "definition", nonNullStr, v => WorkflowDefinitionJson.Serialize(((WorkflowVersion)v!).Definition), "The definition as JSON.");
        SharedTypes.AddField(version, "savedAt", new NonNullGraphType(types.DateTime), v => ((WorkflowVersion)v!).SavedAt);
        SharedTypes.AddField(version, "publishedAt", types.DateTime, v => ((WorkflowVersion)v!).PublishedAt);

        query.AddField(Field("workflows", new NonNullGraphType(new ListGraphType(new NonNullGraphType(version))), [new QueryArgument(str) { Name = "apiName" }],
            async c => await Service(c).ListAsync(Ctx(c).Tenant, c.GetArgument<string?>("apiName"), c.CancellationToken)));
        var delivery = new ObjectGraphType { Name = "WebhookDelivery", Description = "An outbound webhook of a NOTIFY step." };
        SharedTypes.AddField(delivery, "id", new NonNullGraphType(new IdGraphType()), d => ((WebhookDelivery)d!).Id.ToString(), "Also its Idempotency-Key header.");
        SharedTypes.AddField(delivery, "workflow", nonNullStr, d => ((WebhookDelivery)d!).Workflow);
        SharedTypes.AddField(delivery, "step", nonNullStr, d => ((WebhookDelivery)d!).Step);
        SharedTypes.AddField(delivery, "instanceId", new NonNullGraphType(new IdGraphType()), d => ((WebhookDelivery)d!).InstanceId.ToString());
        SharedTypes.AddField(delivery, "url", nonNullStr, d => ((WebhookDelivery)d!).Url);
        SharedTypes.AddField(delivery, "status", nonNullStr, d => ((WebhookDelivery)d!).Status, "PENDING, DELIVERED or FAILED.");
        SharedTypes.AddField(delivery, "attempts", new NonNullGraphType(new IntGraphType()), d => ((WebhookDelivery)d!).Attempts);
        SharedTypes.AddField(delivery, "statusCode", new IntGraphType(), d => ((WebhookDelivery)d!).StatusCode, "The HTTP status of the last answer.");
        SharedTypes.AddField(delivery, "lastError", str, d => ((WebhookDelivery)d!).LastError);
        SharedTypes.AddField(delivery, "payload", nonNullStr, d => ((WebhookDelivery)d!).Payload, "The JSON body, the same on every attempt.");
        SharedTypes.AddField(delivery, "createdAt", new NonNullGraphType(types.DateTime), d => ((WebhookDelivery)d!).CreatedAt);
        SharedTypes.AddField(delivery, "nextAttemptAt", types.DateTime, d => ((WebhookDelivery)d!).Status == "PENDING" ? ((WebhookDelivery)d!).DueAt : null);
        SharedTypes.AddField(delivery, "deliveredAt", types.DateTime, d => ((WebhookDelivery)d!).DeliveredAt);
        query.AddField(Field("webhookDeliveries", new NonNullGraphType(new ListGraphType(new NonNullGraphType(delivery))),
            [new QueryArgument(str) { Name = "workflow" }, new QueryArgument(new IntGraphType()) { Name = "first", Description = "Default 50, at most 500." }],
            async c =>
            {
                _ = Service(c);
                var webhooks = Ctx(c).Webhooks ?? throw new InvalidOperationException("The metadata API was built without webhooks.");
                return await webhooks.ListAsync(Ctx(c).Tenant, c.GetArgument<string?>("workflow"), c.GetArgument<int?>("first") ?? 50, c.CancellationToken);
            }));
        query.AddField(Field("workflowSchema", nonNullStr, [], _ => Task.FromResult<object?>(WorkflowValidator.SchemaJson)));

        var stageProcess = new ObjectGraphType { Name = "StageProcess" };
        SharedTypes.AddField(stageProcess, "object", nonNullStr, p => ((StageProcessDefinition)p!).Object);
        SharedTypes.AddField(stageProcess, "field", nonNullStr, p => ((StageProcessDefinition)p!).Field);
        SharedTypes.AddField(stageProcess, "stages", new NonNullGraphType(new ListGraphType(new NonNullGraphType(str))), p => ((StageProcessDefinition)p!).Stages.Select(s => s.Value).ToList());
        SharedTypes.AddField(stageProcess, "definition", nonNullStr, p => System.Text.Json.JsonSerializer.Serialize((StageProcessDefinition)p!, WorkflowDefinitionJson.Options));
        query.AddField(Field("stageProcesses", new NonNullGraphType(new ListGraphType(new NonNullGraphType(stageProcess))), [],
            async c =>
            {
                Stages(c);
                return (await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken)).StageProcesses;
            }));
        mutation.AddField(Field("setStageProcess", new NonNullGraphType(stageProcess), [new QueryArgument(new NonNullGraphType(json)) { Name = "definition" }],
            async c => await Stages(c).SetAsync(Ctx(c).Caller, DefinitionText(c.GetArgument<object?>("definition")), c.CancellationToken)));
        mutation.AddField(Field("deleteStageProcess", new NonNullGraphType(new BooleanGraphType()), [new QueryArgument(nonNullStr) { Name = "object" }],
            async c => await Stages(c).DeleteAsync(Ctx(c).Caller, c.GetArgument<string>("object"), c.CancellationToken)));

        var simulated = new ObjectGraphType { Name = "SimulatedStep" };
        SharedTypes.AddField(simulated, "step", nonNullStr, v => ((SimulatedStep)v!).Step);
        SharedTypes.AddField(simulated, "type", nonNullStr, v => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(((SimulatedStep)v!).Type.ToString()));
        SharedTypes.AddField(simulated, "outcome", str, v => ((SimulatedStep)v!).Outcome);
        SharedTypes.AddField(simulated, "approvers", new NonNullGraphType(new ListGraphType(new NonNullGraphType(new IdGraphType()))), v => ((SimulatedStep)v!).Approvers);
        SharedTypes.AddField(simulated, "detail", str, v => ((SimulatedStep)v!).Detail);
        query.AddField(Field("simulateWorkflow", new NonNullGraphType(new ListGraphType(new NonNullGraphType(simulated))),
            [new QueryArgument(json) { Name = "definition", Description = "A draft to try; or give apiName for the latest saved version." }, new QueryArgument(str) { Name = "apiName" },
             new QueryArgument(new NonNullGraphType(new IdGraphType())) { Name = "recordId" },
             new QueryArgument(json) { Name = "decisions", Description = "Approval step name → 'approved' or 'rejected' (default approved)." },
             new QueryArgument(new IdGraphType()) { Name = "submitter", Description = "Who submits (default: you); managers are found from this user." }],
            async c =>
            {
                var service = Service(c);
                var simulator = Ctx(c).Simulator ?? throw new InvalidOperationException("The metadata API was built without the workflow simulator.");
                string definition;
                if (c.GetArgument<object?>("definition") is { } given)
                {
                    definition = DefinitionText(given);
                }
                else
                {
                    var apiName = c.GetArgument<string?>("apiName") ?? throw PaasException.Validation("apiName", "Give a definition or the apiName of a saved workflow.");
                    var latest = (await service.ListAsync(Ctx(c).Tenant, apiName, c.CancellationToken)).FirstOrDefault()
                        ?? throw PaasException.Validation("apiName", $"There is no workflow '{apiName}'.");
                    definition = WorkflowDefinitionJson.Serialize(latest.Definition);
                }

                var id = c.GetArgument<object?>("recordId") is string s && Guid.TryParseExact(s, "D", out var parsed) ? parsed : throw PaasException.NotFound("There is no record with that id.");
                var decisions = c.GetArgument<object?>("decisions") is IDictionary<string, object?> map
                    ? map.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "")
                    : new Dictionary<string, string>();
                Guid? submitter = c.GetArgument<object?>("submitter") switch
                {
                    null => null,
                    string text when Guid.TryParseExact(text, "D", out var user) => user,
                    _ => throw PaasException.Validation("submitter", "The submitter is a user id."),
                };
                return await simulator.SimulateAsync(Ctx(c).Caller, definition, id, decisions, submitter, c.CancellationToken);
            }));

        mutation.AddField(Field("setWorkflowWebhookSecret", new NonNullGraphType(new BooleanGraphType()),
            [new QueryArgument(nonNullStr) { Name = "apiName" },
             new QueryArgument(str) { Name = "secret", Description = "24 to 256 characters without spaces; null removes it. Never returned or logged." }],
            async c =>
            {
                _ = Service(c);
                var secrets = Ctx(c).WebhookSecrets ?? throw new InvalidOperationException("The metadata API was built without webhook secrets.");
                return await secrets.SetAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), c.GetArgument<string?>("secret"), c.CancellationToken);
            }));
        mutation.AddField(Field("saveWorkflow", new NonNullGraphType(version), [new QueryArgument(new NonNullGraphType(json)) { Name = "definition", Description = "The definition: a JSON object, or its text." }],
            async c => await Service(c).SaveDraftAsync(Ctx(c).Caller, DefinitionText(c.GetArgument<object?>("definition")), c.CancellationToken)));
        mutation.AddField(Field("publishWorkflow", new NonNullGraphType(version),
            [new QueryArgument(nonNullStr) { Name = "apiName" }, new QueryArgument(new IntGraphType()) { Name = "version", Description = "Default: the draft." }],
            async c => await Service(c).PublishAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), c.GetArgument<int?>("version"), c.CancellationToken)));
    }

    private static MetadataRequestContext Ctx(IResolveFieldContext context) => MetadataRequestContext.From(context);

    private static WorkflowDefinitionService Service(IResolveFieldContext context)
    {
        if (Ctx(context).Caller.Access is { System.ManageMetadata: false })
        {
            throw PaasException.Forbidden("Workflows need the Manage Metadata permission.");
        }

        return Ctx(context).Workflows ?? throw new InvalidOperationException("The metadata API was built without the workflow service.");
    }

    private static Paas.Workflows.Stages.StageProcessService Stages(IResolveFieldContext context)
    {
        if (Ctx(context).Caller.Access is { System.ManageMetadata: false })
        {
            throw PaasException.Forbidden("Stage processes need the Manage Metadata permission.");
        }

        return Ctx(context).Stages ?? throw new InvalidOperationException("The metadata API was built without the stage process service.");
    }

    /// <summary>A definition sent as a GraphQL object or as JSON text; either way the validator reads its text.</summary>
    private static string DefinitionText(object? value) => value switch
    {
        string text => text,
        null => throw PaasException.Validation("definition", "A definition is required."),
        _ => System.Text.Json.JsonSerializer.Serialize(Plain(value)),
    };

    private static object? Plain(object? value) => value switch
    {
        IDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Plain(kv.Value)),
        System.Collections.IEnumerable list and not string => list.Cast<object?>().Select(Plain).ToList(),
        _ => value,
    };

    private static GraphField Field(string name, IGraphType type, QueryArgument[] arguments, Func<IResolveFieldContext, Task<object?>> resolve) => new()
    {
        Name = name,
        ResolvedType = type,
        Arguments = new QueryArguments(arguments),
        Resolver = Resolve.Async(resolve),
    };
}
