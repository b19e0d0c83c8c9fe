using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Platform;
using Paas.Data.Scripting;
using Paas.Workflows.Runtime;
using Paas.Data.Storage;
using Paas.GraphQL;
using Paas.GraphQL.Data;
using Paas.GraphQL.Http;
using Paas.GraphQL.MetadataApi;
using Paas.GraphQL.PlatformApi;
using Paas.Server.Hosting;
using Paas.Server.Security;

namespace Paas.Server.Endpoints;

/// <summary>The three GraphQL endpoints. Each checks that the credential is of the right kind before anything runs.</summary>
public static class GraphQLEndpoints
{
    public static IEndpointRouteBuilder MapPaasGraphQL(this IEndpointRouteBuilder app)
    {
        string[] methods = ["GET", "POST"];
        app.MapMethods("/graphql", methods, DataAsync).RequireAuthorization();
        app.MapMethods("/graphql/metadata", methods, MetadataAsync).RequireAuthorization();
        app.MapMethods("/graphql/platform", methods, PlatformAsync).RequireAuthorization();
        return app;
    }

    private static async Task DataAsync(HttpContext http, GraphQLHttpHandler handler, MetadataCache metadata, TenantSchemaCache schemas,
        IDatabaseConnector connector, TimeProvider time, GraphQLHttpOptions options, ScriptService scripts, WorkflowRuntime workflows)
    {
        if (await TenantCallerAsync(http, metadata) is not { } caller)
        {
            return;
        }

        var snapshot = await metadata.GetAsync(caller.Tenant, http.RequestAborted);
        var schema = await schemas.GetAsync(caller.Tenant, snapshot, caller.Access);
        var limits = caller.Tenant.Limits ?? options.DefaultLimits;
        await handler.HandleAsync(http, schema, new DataRequestContext(caller, snapshot, connector, time, limits, scripts) { Workflows = workflows }, CorrelationId.Of(http), limits);
    }

    private static async Task MetadataAsync(HttpContext http, GraphQLHttpHandler handler, PaasSchemas schemas, MetadataService service, MetadataCache metadata,
        ScriptService scripts, GraphQLHttpOptions options, WorkflowDefinitionService workflows, Paas.Workflows.Stages.StageProcessService stages,
        WorkflowSimulator simulator, Paas.Workflows.Webhooks.WebhookSecrets webhookSecrets, Paas.Workflows.Webhooks.WebhookDispatcher webhooks)
    {
        if (await TenantCallerAsync(http, metadata) is not { } caller)
        {
            return;
        }

        await handler.HandleAsync(http, schemas.Metadata, new MetadataRequestContext(caller, service, scripts, options.DefaultLimits) { Workflows = workflows, Stages = stages, Simulator = simulator, WebhookSecrets = webhookSecrets, Webhooks = webhooks }, CorrelationId.Of(http), caller.Tenant.Limits);
    }

    private static async Task PlatformAsync(HttpContext http, GraphQLHttpHandler handler, PaasSchemas schemas, TenantCatalog catalog)
    {
        var identity = (KeyIdentity)http.Items[ApiKeyAuthenticationHandler.IdentityItem]!;
        if (identity.Scope != ApiKeyScopes.Operator)
        {
            await Forbid(http, "Only the platform operator's key may use /graphql/platform.");
            return;
        }

        await handler.HandleAsync(http, schemas.Platform, new PlatformRequestContext(catalog), CorrelationId.Of(http));
    }

    /// <summary>
    /// The caller of a tenant endpoint: its tenant is the credential's tenant, which must be active, and its user the
    /// credential's user, who must be active (a deactivated user's keys stop working at once).
    /// </summary>
    public static async Task<Caller?> TenantCallerAsync(HttpContext http, MetadataCache metadata)
    {
        var identity = (KeyIdentity)http.Items[ApiKeyAuthenticationHandler.IdentityItem]!;
        if (identity.Tenant is null || identity.UserId is null)
        {
            await Forbid(http, "This key belongs to no tenant; use a tenant's key for this endpoint.");
            return null;
        }

        if (!identity.Tenant.IsActive)
        {
            await Forbid(http, $"The tenant '{identity.Tenant.Slug}' is suspended.");
            return null;
        }

        var snapshot = await metadata.GetAsync(identity.Tenant, http.RequestAborted);
        if (Paas.Core.Security.AccessContext.Cached(snapshot, identity.UserId.Value) is not { } access)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await GraphQLHttpHandler.WriteErrorAsync(http, StatusCodes.Status401Unauthorized, GraphQLHttpHandler.Json, ErrorCodes.Unauthenticated,
                "Authentication required: send Authorization: Bearer <API key or access token>.");
            return null;
        }

        return new Caller(identity.Tenant, access.UserId, identity.Name)
        {
            Access = access,
            Credential = "key:" + identity.KeyId,
            Address = http.Connection.RemoteIpAddress?.ToString(),
        };
    }

    private static Task Forbid(HttpContext http, string message) =>
        GraphQLHttpHandler.WriteErrorAsync(http, StatusCodes.Status403Forbidden, GraphQLHttpHandler.Json, ErrorCodes.Forbidden, message);
}
