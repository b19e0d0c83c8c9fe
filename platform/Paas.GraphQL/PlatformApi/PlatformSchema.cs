using GraphQL;
using GraphQL.Types;
using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.Data.Platform;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;

namespace Paas.GraphQL.PlatformApi;

/// <summary>The request context of the operator API.</summary>
public sealed class PlatformRequestContext(TenantCatalog catalog) : Dictionary<string, object?>
{
    public TenantCatalog Catalog => catalog;
}

/// <summary>The static schema of <c>/graphql/platform</c>: tenants, for the platform operator only.</summary>
public static class PlatformSchema
{
    public static ISchema Build()
    {
        var str = new StringGraphType();
        var tenant = new ObjectGraphType { Name = "Tenant" };
        SharedTypes.AddField(tenant, "id", new NonNullGraphType(new IdGraphType()), t => ((TenantInfo)t!).Id);
        SharedTypes.AddField(tenant, "slug", new NonNullGraphType(str), t => ((TenantInfo)t!).Slug);
        SharedTypes.AddField(tenant, "name", new NonNullGraphType(str), t => ((TenantInfo)t!).Name);
        SharedTypes.AddField(tenant, "status", new NonNullGraphType(str), t => ((TenantInfo)t!).Status);

        var limitsType = new ObjectGraphType { Name = "RequestLimits" };
        var integer = new IntGraphType();
        SharedTypes.AddField(limitsType, "maxDepth", new NonNullGraphType(integer), l => ((RequestLimits)l!).MaxDepth);
        SharedTypes.AddField(limitsType, "maxComplexity", new NonNullGraphType(integer), l => ((RequestLimits)l!).MaxComplexity);
        SharedTypes.AddField(limitsType, "maxFields", new NonNullGraphType(integer), l => ((RequestLimits)l!).MaxFields);
        SharedTypes.AddField(limitsType, "maxPageSize", new NonNullGraphType(integer), l => ((RequestLimits)l!).MaxPageSize);
        SharedTypes.AddField(limitsType, "requestTimeoutSeconds", new NonNullGraphType(integer), l => ((RequestLimits)l!).RequestTimeoutSeconds);
        SharedTypes.AddField(limitsType, "scriptCpuMilliseconds", new NonNullGraphType(integer), l => ((RequestLimits)l!).ScriptCpuMilliseconds);
        SharedTypes.AddField(limitsType, "actionCpuSeconds", new NonNullGraphType(integer), l => ((RequestLimits)l!).ActionCpuSeconds);
        SharedTypes.AddField(limitsType, "scriptMaxQueries", new NonNullGraphType(integer), l => ((RequestLimits)l!).ScriptMaxQueries);
        SharedTypes.AddField(limitsType, "scriptMaxDmlStatements", new NonNullGraphType(integer), l => ((RequestLimits)l!).ScriptMaxDmlStatements);
        SharedTypes.AddField(limitsType, "scriptMaxDmlRows", new NonNullGraphType(integer), l => ((RequestLimits)l!).ScriptMaxDmlRows);
        SharedTypes.AddField(limitsType, "maxTriggerDepth", new NonNullGraphType(integer), l => ((RequestLimits)l!).MaxTriggerDepth);
        SharedTypes.AddField(tenant, "limits", limitsType, t => ((TenantInfo)t!).Limits, "The tenant's own request limits; null when it uses the platform defaults.");
        var limitsInput = new InputObjectGraphType { Name = "RequestLimitsInput" };
        foreach (var name in new[] { "maxDepth", "maxComplexity", "maxFields", "maxPageSize", "requestTimeoutSeconds" })
        {
            limitsInput.AddField(new GraphField { Name = name, ResolvedType = new NonNullGraphType(integer) });
        }

        // Script limits are optional: left out, they keep the platform defaults.
        foreach (var name in new[] { "scriptCpuMilliseconds", "actionCpuSeconds", "scriptMaxQueries", "scriptMaxDmlStatements", "scriptMaxDmlRows", "maxTriggerDepth" })
        {
            limitsInput.AddField(new GraphField { Name = name, ResolvedType = integer });
        }

        var created = new ObjectGraphType { Name = "CreateTenantPayload" };
        SharedTypes.AddField(created, "tenant", new NonNullGraphType(tenant), p => ((CreatedTenant)p!).Tenant);
        SharedTypes.AddField(created, "adminApiKey", new NonNullGraphType(str), p => ((CreatedTenant)p!).AdminApiKey,
            "The tenant admin's API key. It is shown only here: the platform keeps only its hash.");

        var input = new InputObjectGraphType { Name = "CreateTenantInput" };
        input.AddField(new GraphField { Name = "slug", ResolvedType = new NonNullGraphType(str) });
        input.AddField(new GraphField { Name = "name", ResolvedType = new NonNullGraphType(str) });
        input.AddField(new GraphField { Name = "modules", ResolvedType = new ListGraphType(new NonNullGraphType(str)) });

        var query = new ObjectGraphType { Name = "Query" };
        query.AddField(new GraphField
        {
            Name = "tenants",
            ResolvedType = new NonNullGraphType(new ListGraphType(new NonNullGraphType(tenant))),
            Resolver = Resolve.Async(async c => await Catalog(c).ListAsync(c.CancellationToken)),
        });
        query.AddField(new GraphField
        {
            Name = "tenant",
            ResolvedType = tenant,
            Arguments = new QueryArguments(new QueryArgument(new NonNullGraphType(str)) { Name = "slug" }),
            Resolver = Resolve.Async(async c => await Catalog(c).FindAsync(c.GetArgument<string>("slug"), c.CancellationToken)),
        });

        var mutation = new ObjectGraphType { Name = "Mutation" };
        mutation.AddField(new GraphField
        {
            Name = "createTenant",
            ResolvedType = new NonNullGraphType(created),
            Arguments = new QueryArguments(new QueryArgument(new NonNullGraphType(input)) { Name = "input" }),
            Resolver = Resolve.Async(async c =>
            {
                var values = (c.GetArgument<object?>("input") as IDictionary<string, object?>)?.AsReadOnly() ?? throw PaasException.Validation("input", "An input object is required.");
                var modules = (values.GetValueOrDefault("modules") as System.Collections.IEnumerable)?.Cast<object?>().Select(m => m?.ToString() ?? "").ToList();
                var (info, key) = await Catalog(c).CreateAsync(values.GetValueOrDefault("slug") as string, values.GetValueOrDefault("name") as string, modules, null, c.CancellationToken);
                return new CreatedTenant(info, key);
            }),
        });
        foreach (var (name, status) in new[] { ("suspendTenant", TenantStatus.Suspended), ("activateTenant", TenantStatus.Active) })
        {
            mutation.AddField(new GraphField
            {
                Name = name,
                ResolvedType = new NonNullGraphType(tenant),
                Arguments = new QueryArguments(new QueryArgument(new NonNullGraphType(str)) { Name = "slug" }),
                Resolver = Resolve.Async(async c => await Catalog(c).SetStatusAsync(c.GetArgument<string>("slug"), status, c.CancellationToken)),
            });
        }

        mutation.AddField(new GraphField
        {
            Name = "setTenantLimits",
            Description = "Sets a tenant's own request limits; null returns it to the platform defaults.",
            ResolvedType = new NonNullGraphType(tenant),
            Arguments = new QueryArguments(
                new QueryArgument(new NonNullGraphType(str)) { Name = "slug" },
                new QueryArgument(limitsInput) { Name = "limits" }),
            Resolver = Resolve.Async(async c =>
            {
                var values = c.GetArgument<object?>("limits") as IDictionary<string, object?>;
                var limits = values is null ? null : new RequestLimits
                {
                    MaxDepth = (int)values["maxDepth"]!,
                    MaxComplexity = (int)values["maxComplexity"]!,
                    MaxFields = (int)values["maxFields"]!,
                    MaxPageSize = (int)values["maxPageSize"]!,
                    RequestTimeoutSeconds = (int)values["requestTimeoutSeconds"]!,
                };
                if (limits is not null)
                {
                    var defaults = new RequestLimits();
                    int Or(string name, int fallback) => values!.TryGetValue(name, out var v) && v is int i ? i : fallback;
                    limits = limits with
                    {
                        ScriptCpuMilliseconds = Or("scriptCpuMilliseconds", defaults.ScriptCpuMilliseconds),
                        ActionCpuSeconds = Or("actionCpuSeconds", defaults.ActionCpuSeconds),
                        ScriptMaxQueries = Or("scriptMaxQueries", defaults.ScriptMaxQueries),
                        ScriptMaxDmlStatements = Or("scriptMaxDmlStatements", defaults.ScriptMaxDmlStatements),
                        ScriptMaxDmlRows = Or("scriptMaxDmlRows", defaults.ScriptMaxDmlRows),
                        MaxTriggerDepth = Or("maxTriggerDepth", defaults.MaxTriggerDepth),
                    };
                }

                return await Catalog(c).SetLimitsAsync(c.GetArgument<string>("slug"), limits, c.CancellationToken);
            }),
        });

        var schema = new Schema { Query = query, Mutation = mutation };
        schema.Initialize();
        return schema;
    }

    private static TenantCatalog Catalog(IResolveFieldContext context) => ((PlatformRequestContext)context.UserContext).Catalog;

    private sealed record CreatedTenant(TenantInfo Tenant, string AdminApiKey);
}
