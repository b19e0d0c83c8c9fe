using System.Collections;
using GraphQL;
using GraphQL.Types;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Data.Scripting;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;

namespace Paas.GraphQL.MetadataApi;

/// <summary>
/// Scripts in the metadata API: deploy (checked for syntax, versioned), enable, disable, restore a version, delete,
/// test-run, and read their versions and execution log. All of it needs the Manage Metadata permission.
/// </summary>
public static class ScriptSchema
{
    public static void AddTo(ObjectGraphType query, ObjectGraphType mutation, MetadataTypes types)
    {
        var str = new StringGraphType();
        var nonNullStr = new NonNullGraphType(str);
        var boolean = new BooleanGraphType();
        var integer = new IntGraphType();
        var json = LenientScalar.Json();
        var kind = Enum<ScriptKind>("ScriptKind", ("TRIGGER", ScriptKind.Trigger), ("VALIDATION_RULE", ScriptKind.ValidationRule), ("ACTION", ScriptKind.Action), ("SCHEDULED", ScriptKind.Scheduled));
        var timing = Enum<TriggerTiming>("TriggerTiming", ("BEFORE", TriggerTiming.Before), ("AFTER", TriggerTiming.After));
        var trigger = Enum<TriggerEvent>("TriggerEvent", ("CREATE", TriggerEvent.Create), ("UPDATE", TriggerEvent.Update), ("DELETE", TriggerEvent.Delete));
        var runAs = Enum<ScriptRunAs>("ScriptRunAs", ("USER", ScriptRunAs.User), ("SYSTEM", ScriptRunAs.System));

        var parameter = new ObjectGraphType { Name = "ActionParameter" };
        SharedTypes.AddField(parameter, "name", nonNullStr, p => ((ActionParameter)p!).Name);
        SharedTypes.AddField(parameter, "type", new NonNullGraphType(types.FieldTypeEnum), p => ((ActionParameter)p!).Type);
        SharedTypes.AddField(parameter, "required", new NonNullGraphType(boolean), p => ((ActionParameter)p!).Required);
        SharedTypes.AddField(parameter, "description", str, p => ((ActionParameter)p!).Description);
        var parameters = new ListGraphType(new NonNullGraphType(parameter));

        var script = new ObjectGraphType { Name = "Script" };
        SharedTypes.AddField(script, "apiName", nonNullStr, s => ((ScriptDefinition)s!).ApiName);
        SharedTypes.AddField(script, "kind", new NonNullGraphType(kind), s => ((ScriptDefinition)s!).Kind);
        SharedTypes.AddField(script, "object", str, s => ((ScriptDefinition)s!).Object);
        SharedTypes.AddField(script, "description", str, s => ((ScriptDefinition)s!).Description);
        SharedTypes.AddField(script, "code", nonNullStr, s => ((ScriptDefinition)s!).Code);
        SharedTypes.AddField(script, "active", new NonNullGraphType(boolean), s => ((ScriptDefinition)s!).Active);
        SharedTypes.AddField(script, "version", new NonNullGraphType(integer), s => ((ScriptDefinition)s!).Version);
        SharedTypes.AddField(script, "runAs", new NonNullGraphType(runAs), s => ((ScriptDefinition)s!).RunAs);
        SharedTypes.AddField(script, "order", new NonNullGraphType(integer), s => ((ScriptDefinition)s!).Order);
        SharedTypes.AddField(script, "timing", timing, s => ((ScriptDefinition)s!).Timing);
        SharedTypes.AddField(script, "events", new NonNullGraphType(new ListGraphType(new NonNullGraphType(trigger))), s => ((ScriptDefinition)s!).Events);
        SharedTypes.AddField(script, "errorField", str, s => ((ScriptDefinition)s!).ErrorField);
        SharedTypes.AddField(script, "errorMessage", str, s => ((ScriptDefinition)s!).ErrorMessage);
        SharedTypes.AddField(script, "onRecord", new NonNullGraphType(boolean), s => ((ScriptDefinition)s!).OnRecord);
        SharedTypes.AddField(script, "input", new NonNullGraphType(parameters), s => ((ScriptDefinition)s!).Input);
        SharedTypes.AddField(script, "output", new NonNullGraphType(parameters), s => ((ScriptDefinition)s!).Output);
        SharedTypes.AddField(script, "cron", str, s => ((ScriptDefinition)s!).Cron);
        SharedTypes.AddField(script, "mutation", str, s => ((ScriptDefinition)s!) is { Kind: ScriptKind.Action } a ? ScriptDefinitionBuilder.ActionMutationName(a) : null,
            "For an action: the data API mutation that runs it.");
        SharedTypes.AddField(script, "updatedAt", new NonNullGraphType(types.DateTime), s => ((ScriptDefinition)s!).UpdatedAt);
        SharedTypes.AddField(script, "updatedBy", str, s => ((ScriptDefinition)s!).UpdatedBy?.ToString());

        var log = new ObjectGraphType { Name = "ScriptLogEntry" };
        SharedTypes.AddField(log, "level", nonNullStr, l => ((ScriptLogEntry)l!).Level);
        SharedTypes.AddField(log, "message", nonNullStr, l => ((ScriptLogEntry)l!).Message);
        SharedTypes.AddField(log, "at", new NonNullGraphType(types.DateTime), l => ((ScriptLogEntry)l!).At);
        var logs = new NonNullGraphType(new ListGraphType(new NonNullGraphType(log)));

        var run = new ObjectGraphType { Name = "ScriptRun" };
        SharedTypes.AddField(run, "id", nonNullStr, r => ((ScriptRun)r!).Id.ToString());
        SharedTypes.AddField(run, "script", nonNullStr, r => ((ScriptRun)r!).Script);
        SharedTypes.AddField(run, "version", new NonNullGraphType(integer), r => ((ScriptRun)r!).Version);
        SharedTypes.AddField(run, "kind", nonNullStr, r => ((ScriptRun)r!).Kind);
        SharedTypes.AddField(run, "at", new NonNullGraphType(types.DateTime), r => ((ScriptRun)r!).At);
        SharedTypes.AddField(run, "userId", str, r => ((ScriptRun)r!).UserId?.ToString());
        SharedTypes.AddField(run, "timeMs", new NonNullGraphType(new FloatGraphType()), r => Math.Round(((ScriptRun)r!).Duration.TotalMilliseconds, 3));
        SharedTypes.AddField(run, "statements", new NonNullGraphType(types.Long), r => ((ScriptRun)r!).Statements);
        SharedTypes.AddField(run, "queries", new NonNullGraphType(integer), r => ((ScriptRun)r!).Queries);
        SharedTypes.AddField(run, "dmlRows", new NonNullGraphType(integer), r => ((ScriptRun)r!).DmlRows);
        SharedTypes.AddField(run, "errorCode", str, r => ((ScriptRun)r!).ErrorCode);
        SharedTypes.AddField(run, "error", str, r => ((ScriptRun)r!).Error);
        SharedTypes.AddField(run, "logs", logs, r => ((ScriptRun)r!).Logs);

        var fieldError = new ObjectGraphType { Name = "ScriptFieldError" };
        SharedTypes.AddField(fieldError, "field", str, e => ((ScriptFieldError)e!).Field);
        SharedTypes.AddField(fieldError, "message", nonNullStr, e => ((ScriptFieldError)e!).Message);
        SharedTypes.AddField(fieldError, "index", integer, e => ((ScriptFieldError)e!).Index);
        var tested = new ObjectGraphType { Name = "ScriptTestResult" };
        SharedTypes.AddField(tested, "result", json, t => ((ScriptTestResult)t!).Result);
        SharedTypes.AddField(tested, "errors", new NonNullGraphType(new ListGraphType(new NonNullGraphType(fieldError))), t => ((ScriptTestResult)t!).Errors);
        SharedTypes.AddField(tested, "logs", logs, t => ((ScriptTestResult)t!).Logs);
        SharedTypes.AddField(tested, "cost", new NonNullGraphType(json), t => ScriptCostReport.From(((ScriptTestResult)t!).Costs), "As in extensions.scriptCost.");
        SharedTypes.AddField(tested, "errorCode", str, t => ((ScriptTestResult)t!).ErrorCode, "SCRIPT_ERROR, LIMIT_EXCEEDED, … when the run failed.");
        SharedTypes.AddField(tested, "errorMessage", str, t => ((ScriptTestResult)t!).ErrorMessage);

        var parameterInput = new InputObjectGraphType { Name = "ActionParameterInput" };
        parameterInput.AddField(new GraphField { Name = "name", ResolvedType = nonNullStr });
        parameterInput.AddField(new GraphField { Name = "type", ResolvedType = new NonNullGraphType(types.FieldTypeEnum) });
        parameterInput.AddField(new GraphField { Name = "required", ResolvedType = boolean });
        parameterInput.AddField(new GraphField { Name = "description", ResolvedType = str });
        var deploy = new InputObjectGraphType { Name = "DeployScriptInput" };
        deploy.AddField(new GraphField { Name = "apiName", ResolvedType = nonNullStr });
        deploy.AddField(new GraphField { Name = "kind", ResolvedType = kind, Description = "Required for a new script; cannot change." });
        deploy.AddField(new GraphField { Name = "object", ResolvedType = str });
        deploy.AddField(new GraphField { Name = "description", ResolvedType = str });
        deploy.AddField(new GraphField { Name = "code", ResolvedType = str });
        deploy.AddField(new GraphField { Name = "active", ResolvedType = boolean });
        deploy.AddField(new GraphField { Name = "runAs", ResolvedType = runAs });
        deploy.AddField(new GraphField { Name = "order", ResolvedType = integer });
        deploy.AddField(new GraphField { Name = "timing", ResolvedType = timing });
        deploy.AddField(new GraphField { Name = "events", ResolvedType = new ListGraphType(new NonNullGraphType(trigger)) });
        deploy.AddField(new GraphField { Name = "errorField", ResolvedType = str });
        deploy.AddField(new GraphField { Name = "errorMessage", ResolvedType = str });
        deploy.AddField(new GraphField { Name = "onRecord", ResolvedType = boolean });
        deploy.AddField(new GraphField { Name = "input", ResolvedType = new ListGraphType(new NonNullGraphType(parameterInput)) });
        deploy.AddField(new GraphField { Name = "output", ResolvedType = new ListGraphType(new NonNullGraphType(parameterInput)) });
        deploy.AddField(new GraphField { Name = "cron", ResolvedType = str });

        var scriptList = new NonNullGraphType(new ListGraphType(new NonNullGraphType(script)));
        query.AddField(Field("scripts", scriptList, [Arg(str, "object"), Arg(kind, "kind")], async c =>
        {
            Require(c);
            var metadata = await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken);
            var objectName = c.GetArgument<string?>("object");
            var wanted = c.GetArgument<object?>("kind") as ScriptKind?;
            return metadata.Scripts.Where(s => (objectName is null || s.Object == objectName) && (wanted is null || s.Kind == wanted)).ToList();
        }));
        query.AddField(Field("script", script, [Arg(nonNullStr, "apiName")], async c =>
        {
            Require(c);
            return (await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken)).FindScript(c.GetArgument<string>("apiName"));
        }));
        query.AddField(Field("scriptVersions", scriptList, [Arg(nonNullStr, "apiName")], async c =>
        {
            Require(c);
            return await Scripts(c).VersionsAsync(Ctx(c).Tenant, c.GetArgument<string>("apiName"), c.CancellationToken);
        }));
        query.AddField(Field("scriptRuns", new NonNullGraphType(new ListGraphType(new NonNullGraphType(run))),
            [Arg(str, "script"), new QueryArgument(integer) { Name = "first", DefaultValue = 50 }], async c =>
            {
                Require(c);
                return await Scripts(c).RunsAsync(Ctx(c).Tenant, c.GetArgument<string?>("script"), c.GetArgument<int?>("first") ?? 50, c.CancellationToken);
            }));

        var scriptResult = new NonNullGraphType(script);
        mutation.AddField(Field("deployScript", scriptResult, [Arg(new NonNullGraphType(deploy), "input")],
            async c => await Scripts(c).DeployAsync(Ctx(c).Caller, InputFrom(c.GetArgument<object?>("input") as IDictionary<string, object?>
                ?? throw PaasException.Validation("input", "An input object is required.")), c.CancellationToken)));
        mutation.AddField(Field("enableScript", scriptResult, [Arg(nonNullStr, "apiName")],
            async c => await Scripts(c).SetActiveAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), true, c.CancellationToken)));
        mutation.AddField(Field("disableScript", scriptResult, [Arg(nonNullStr, "apiName")],
            async c => await Scripts(c).SetActiveAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), false, c.CancellationToken)));
        mutation.AddField(Field("restoreScriptVersion", scriptResult, [Arg(nonNullStr, "apiName"), Arg(new NonNullGraphType(integer), "version")],
            async c => await Scripts(c).RestoreVersionAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), c.GetArgument<int>("version"), c.CancellationToken)));
        mutation.AddField(Field("deleteScript", new NonNullGraphType(boolean), [Arg(nonNullStr, "apiName")],
            async c => await Scripts(c).DeleteAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("testScript", new NonNullGraphType(tested), [Arg(nonNullStr, "apiName"), Arg(json, "context"), Arg(str, "code")], async c =>
        {
            var context = c.GetArgument<object?>("context") switch
            {
                null => new Dictionary<string, object?>(),
                IDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                _ => throw PaasException.Validation("context", "The context is a JSON object: the properties of ctx."),
            };
            return await Scripts(c).TestAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), context, c.GetArgument<string?>("code"),
                Ctx(c).Tenant.Limits ?? Ctx(c).DefaultLimits, c.CancellationToken);
        }));
    }

    private static MetadataRequestContext Ctx(IResolveFieldContext context) => MetadataRequestContext.From(context);

    private static ScriptService Scripts(IResolveFieldContext context) =>
        Ctx(context).Scripts ?? throw new InvalidOperationException("The metadata API was built without the script service.");

    /// <summary>Script code and execution logs are for admins only.</summary>
    private static void Require(IResolveFieldContext context)
    {
        if (Ctx(context).Caller.Access is { System.ManageMetadata: false })
        {
            throw PaasException.Forbidden("Reading scripts needs the Manage Metadata permission.");
        }
    }

    private static QueryArgument Arg(IGraphType type, string name) => new(type) { Name = name };

    private static GraphField Field(string name, IGraphType type, QueryArgument[] arguments, Func<IResolveFieldContext, Task<object?>> resolve) => new()
    {
        Name = name,
        ResolvedType = type,
        Arguments = new QueryArguments(arguments),
        Resolver = Resolve.Async(resolve),
    };

    private static EnumerationGraphType Enum<T>(string name, params (string Name, T Value)[] values)
    {
        var type = new EnumerationGraphType { Name = name };
        foreach (var (valueName, value) in values)
        {
            type.Add(valueName, value);
        }

        return type;
    }

    private static ScriptInput InputFrom(IDictionary<string, object?> input)
    {
        T? Get<T>(string name) => input.TryGetValue(name, out var value) && value is T typed ? typed : default;
        IReadOnlyList<ActionParameter>? Parameters(string name) => input.TryGetValue(name, out var value) && value is IEnumerable list
            ? list.Cast<IDictionary<string, object?>>().Select(p => new ActionParameter
            {
                Name = p.TryGetValue("name", out var n) ? n as string ?? "" : "",
                Type = p.TryGetValue("type", out var t) && t is Core.Metadata.FieldType ft ? ft : Core.Metadata.FieldType.Text,
                Required = p.TryGetValue("required", out var r) && r is true,
                Description = p.TryGetValue("description", out var d) ? d as string : null,
            }).ToList()
            : null;

        return new ScriptInput
        {
            ApiName = Get<string>("apiName"),
            Kind = input.TryGetValue("kind", out var k) && k is ScriptKind kind ? kind : null,
            Object = Get<string>("object"),
            Description = Get<string>("description"),
            Code = Get<string>("code"),
            Active = input.TryGetValue("active", out var a) && a is bool active ? active : null,
            RunAs = input.TryGetValue("runAs", out var ra) && ra is ScriptRunAs runAs ? runAs : null,
            Order = input.TryGetValue("order", out var o) && o is int order ? order : null,
            Timing = input.TryGetValue("timing", out var t) && t is TriggerTiming timing ? timing : null,
            Events = input.TryGetValue("events", out var e) && e is IEnumerable events ? events.Cast<TriggerEvent>().ToList() : null,
            ErrorField = Get<string>("errorField"),
            ErrorMessage = Get<string>("errorMessage"),
            OnRecord = input.TryGetValue("onRecord", out var r) && r is bool onRecord ? onRecord : null,
            Input = Parameters("input"),
            Output = Parameters("output"),
            Cron = Get<string>("cron"),
        };
    }
}
