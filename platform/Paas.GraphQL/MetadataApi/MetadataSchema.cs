using GraphQL;
using GraphQL.Types;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.GraphQL.Execution;

namespace Paas.GraphQL.MetadataApi;

/// <summary>The request context of the metadata API: the calling tenant admin and the metadata service.</summary>
public sealed class MetadataRequestContext(Caller caller, MetadataService service, Paas.Data.Scripting.ScriptService? scripts = null,
    RequestLimits? defaultLimits = null) : Dictionary<string, object?>
{
    public Caller Caller => caller;
    public Paas.Data.Scripting.ScriptService? Scripts => scripts;

    /// <summary>Workflow definitions; null when the host runs without workflows.</summary>
    public Paas.Workflows.Runtime.WorkflowDefinitionService? Workflows { get; init; }

    /// <summary>Stage processes; null when the host runs without workflows.</summary>
    public Paas.Workflows.Stages.StageProcessService? Stages { get; init; }

    public Paas.Workflows.Runtime.WorkflowSimulator? Simulator { get; init; }

    /// <summary>Webhook secrets and deliveries; null when the host runs without workflows.</summary>
    public Paas.Workflows.Webhooks.WebhookSecrets? WebhookSecrets { get; init; }

    public Paas.Workflows.Webhooks.WebhookDispatcher? Webhooks { get; init; }

    /// <summary>The platform's limits, for a tenant without its own.</summary>
    public RequestLimits DefaultLimits => defaultLimits ?? new RequestLimits();
    public MetadataService Service => service;
    public TenantInfo Tenant => caller.Tenant;

    public static MetadataRequestContext From(IResolveFieldContext context) => (MetadataRequestContext)context.UserContext;
}

/// <summary>The static schema of <c>/graphql/metadata</c>: objects, fields and indexes of the calling tenant.</summary>
public static class MetadataSchema
{
    public static ISchema Build()
    {
        var types = new MetadataTypes();
        var str = new NonNullGraphType(new StringGraphType());
        var ok = new NonNullGraphType(new BooleanGraphType());
        var query = new ObjectGraphType { Name = "Query" };
        query.AddField(Field("objects", new NonNullGraphType(new ListGraphType(new NonNullGraphType(types.Object))),
            [new QueryArgument(new BooleanGraphType()) { Name = "includeDeleted", DefaultValue = false }],
            async c =>
            {
                var metadata = await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken);
                var objects = c.GetArgument<bool>("includeDeleted") ? metadata.AllObjects : metadata.LiveObjects.ToList();
                return objects.Select(o => AsSeenBy(Ctx(c).Caller, o)).OfType<ObjectDefinition>().ToList();
            }));
        query.AddField(Field("object", types.Object, [new QueryArgument(str) { Name = "apiName" }],
            async c => AsSeenBy(Ctx(c).Caller, (await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken)).FindObjectIncludingDeleted(c.GetArgument<string>("apiName")))));
        query.AddField(Field("metadataVersion", new NonNullGraphType(types.Long), [],
            async c => (await Ctx(c).Service.GetAsync(Ctx(c).Tenant, c.CancellationToken)).Version));

        var mutation = new ObjectGraphType { Name = "Mutation" };
        var objectType = new NonNullGraphType(types.Object);
        var fieldType = new NonNullGraphType(types.Field);
        QueryArgument Arg(IGraphType type, string name) => new(type) { Name = name };

        mutation.AddField(Field("createObject", objectType, [Arg(new NonNullGraphType(types.CreateObjectInput), "input")],
            async c => await Ctx(c).Service.CreateObjectAsync(Ctx(c).Tenant, ObjectInputFrom(Input(c)), c.CancellationToken)));
        mutation.AddField(Field("updateObject", objectType, [Arg(str, "apiName"), Arg(new NonNullGraphType(types.UpdateObjectInput), "input")],
            async c => await Ctx(c).Service.UpdateObjectAsync(Ctx(c).Tenant, c.GetArgument<string>("apiName"), ObjectInputFrom(Input(c)), c.CancellationToken)));
        mutation.AddField(Field("deleteObject", ok, [Arg(str, "apiName")],
            async c => await Ctx(c).Service.DeleteObjectAsync(Ctx(c).Tenant, c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("restoreObject", objectType, [Arg(str, "apiName")],
            async c => await Ctx(c).Service.RestoreObjectAsync(Ctx(c).Tenant, c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("purgeObject", ok, [Arg(str, "apiName")],
            async c => await Ctx(c).Service.PurgeObjectAsync(Ctx(c).Tenant, c.GetArgument<string>("apiName"), c.CancellationToken)));

        mutation.AddField(Field("createField", fieldType, [Arg(new NonNullGraphType(types.CreateFieldInput), "input")],
            async c => await Ctx(c).Service.CreateFieldAsync(Ctx(c).Tenant, FieldInputFrom(Input(c)), c.CancellationToken)));
        mutation.AddField(Field("updateField", fieldType, [Arg(new NonNullGraphType(types.UpdateFieldInput), "input")],
            async c =>
            {
                var input = FieldInputFrom(Input(c));
                return await Ctx(c).Service.UpdateFieldAsync(Ctx(c).Tenant, input.Object!, input.ApiName!, input with { Object = null, ApiName = null }, c.CancellationToken);
            }));
        mutation.AddField(Field("deleteField", ok, [Arg(str, "object"), Arg(str, "apiName")],
            async c => await Ctx(c).Service.DeleteFieldAsync(Ctx(c).Tenant, c.GetArgument<string>("object"), c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("restoreField", fieldType, [Arg(str, "object"), Arg(str, "apiName")],
            async c => await Ctx(c).Service.RestoreFieldAsync(Ctx(c).Tenant, c.GetArgument<string>("object"), c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("purgeField", ok, [Arg(str, "object"), Arg(str, "apiName")],
            async c => await Ctx(c).Service.PurgeFieldAsync(Ctx(c).Tenant, c.GetArgument<string>("object"), c.GetArgument<string>("apiName"), c.CancellationToken)));

        mutation.AddField(Field("createIndex", new NonNullGraphType(types.Index), [Arg(new NonNullGraphType(types.CreateIndexInput), "input")],
            async c => await Ctx(c).Service.CreateIndexAsync(Ctx(c).Tenant, IndexInputFrom(Input(c)), c.CancellationToken)));
        mutation.AddField(Field("deleteIndex", ok, [Arg(str, "object"), Arg(str, "name")],
            async c => await Ctx(c).Service.DeleteIndexAsync(Ctx(c).Tenant, c.GetArgument<string>("object"), c.GetArgument<string>("name"), c.CancellationToken)));

        ScriptSchema.AddTo(query, mutation, types);
        WorkflowMetadataSchema.AddTo(query, mutation, types);
        foreach (var field in mutation.Fields)
        {
            // Objects, fields, indexes and scripts: the Manage Metadata permission.
            var inner = field.Resolver!;
            field.Resolver = Resolve.Async(async c =>
            {
                if (Ctx(c).Caller.Access is { System.ManageMetadata: false })
                {
                    throw PaasException.Forbidden("Changing objects, fields and indexes needs the Manage Metadata permission.");
                }

                // The change writes its audit entry (who, which operation, with what arguments) in its own transaction.
                // Secrets are never written to the audit log: only that one was given.
                using var audit = MetadataAudit.Begin(Ctx(c).Caller, c.FieldDefinition.Name,
                    c.Arguments?.ToDictionary(a => a.Key, a => a.Key == "secret" ? (a.Value.Value is null ? null : "(hidden)") : a.Value.Value));
                return await inner.ResolveAsync(c);
            });
        }

        SecuritySchema.AddTo(query, mutation, types);
        OAuthSchema.AddTo(query, mutation);
        var schema = new Schema { Query = query, Mutation = mutation };
        schema.Initialize();
        return schema;
    }

    private static MetadataRequestContext Ctx(IResolveFieldContext context) => MetadataRequestContext.From(context);

    /// <summary>
    /// What a caller may know of an object's definition: everything with Manage Metadata or Manage Users; otherwise only
    /// the objects and fields they may read, so describing the schema is no oracle for hidden objects and secured fields.
    /// </summary>
    private static ObjectDefinition? AsSeenBy(Caller caller, ObjectDefinition? definition)
    {
        if (definition is null || caller.Access is not { } access || access.System.ManageMetadata || access.System.ManageUsers)
        {
            return definition;
        }

        if (definition.IsDeleted || !access.CanRead(definition))
        {
            return null;
        }

        return definition with { Fields = definition.Fields.Where(f => !f.IsDeleted && access.CanReadField(definition, f)).ToList(), Indexes = [] };
    }

    private static GraphField Field(string name, IGraphType type, QueryArgument[] arguments, Func<IResolveFieldContext, Task<object?>> resolve) => new()
    {
        Name = name,
        ResolvedType = type,
        Arguments = new QueryArguments(arguments),
        Resolver = Resolve.Async(resolve),
    };

    private static IDictionary<string, object?> Input(IResolveFieldContext context) =>
        context.GetArgument<object?>("input") as IDictionary<string, object?> ?? throw PaasException.Validation("input", "An input object is required.");

    private static T? Get<T>(IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is not null ? (T)value : default;

    private static ObjectInput ObjectInputFrom(IDictionary<string, object?> input) => new()
    {
        ApiName = Get<string>(input, "apiName"),
        Label = Get<string>(input, "label"),
        PluralLabel = Get<string>(input, "pluralLabel"),
        PluralApiName = Get<string>(input, "pluralApiName"),
        Description = Get<string>(input, "description"),
        NameType = input.TryGetValue("nameType", out var nameType) && nameType is NameType n ? n : null,
        NameFormat = Get<string>(input, "nameFormat"),
    };

    private static FieldInput FieldInputFrom(IDictionary<string, object?> input)
    {
        long? startingNumber = null;
        if (input.TryGetValue("startingNumber", out var start) && start is not null)
        {
            startingNumber = start switch
            {
                long l => l,
                int i => i,
                string s when long.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => throw PaasException.Validation("startingNumber", "Expected a whole number."),
            };
        }

        return new FieldInput
        {
            Object = Get<string>(input, "object"),
            ApiName = Get<string>(input, "apiName"),
            Label = Get<string>(input, "label"),
            Type = input.TryGetValue("type", out var type) && type is Core.Metadata.FieldType t ? t : null,
            Required = input.TryGetValue("required", out var r) ? (bool?)r : null,
            Unique = input.TryGetValue("unique", out var u) ? (bool?)u : null,
            Indexed = input.TryGetValue("indexed", out var ix) ? (bool?)ix : null,
            DefaultValue = Get<string>(input, "defaultValue"),
            ClearDefaultValue = input.TryGetValue("defaultValue", out var d) && d is null,
            MaxLength = input.TryGetValue("maxLength", out var ml) ? (int?)ml : null,
            Precision = input.TryGetValue("precision", out var p) ? (int?)p : null,
            Scale = input.TryGetValue("scale", out var sc) ? (int?)sc : null,
            Values = input.TryGetValue("values", out var values) && values is System.Collections.IEnumerable list ? list.Cast<object?>().Select(v => v?.ToString() ?? "").ToList() : null,
            Target = Get<string>(input, "target"),
            CascadeDelete = input.TryGetValue("cascadeDelete", out var cd) ? (bool?)cd : null,
            HelpText = Get<string>(input, "helpText"),
            Secured = input.TryGetValue("secured", out var sec) ? (bool?)sec : null,
            TrackHistory = input.TryGetValue("trackHistory", out var th) ? (bool?)th : null,
            DisplayFormat = Get<string>(input, "displayFormat"),
            StartingNumber = startingNumber,
            Formula = Get<string>(input, "formula"),
            ReturnType = input.TryGetValue("returnType", out var rt) && rt is Core.Metadata.FieldType returnType ? returnType : null,
            Rollup = input.TryGetValue("rollup", out var ru) && ru is IDictionary<string, object?> rollup
                ? new RollupDefinition
                {
                    ChildObject = Get<string>(rollup, "childObject") ?? "",
                    Relationship = Get<string>(rollup, "relationship") ?? "",
                    Function = rollup.TryGetValue("function", out var fn) && fn is RollupFunction function ? function : RollupFunction.Count,
                    Field = Get<string>(rollup, "field"),
                    Filter = Get<string>(rollup, "filter"),
                }
                : null,
        };
    }

    private static IndexInput IndexInputFrom(IDictionary<string, object?> input) => new()
    {
        Object = Get<string>(input, "object"),
        Unique = Get<bool>(input, "unique"),
        Fields = (input.TryGetValue("fields", out var fields) && fields is System.Collections.IEnumerable list ? list.Cast<IDictionary<string, object?>>() : [])
            .Select(f => new IndexColumn(Get<string>(f, "field") ?? "", Get<string>(f, "direction") == "DESC")).ToList(),
    };
}
