using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Paas.GraphQL.Data;
using Paas.GraphQL.Http;
using Paas.GraphQL.MetadataApi;
using Paas.GraphQL.PlatformApi;

namespace Paas.GraphQL;

/// <summary>The three static or generated schemas and the HTTP handler that serves them.</summary>
public sealed record PaasSchemas(ISchema Metadata, ISchema Platform);

public static class GraphQLServiceCollectionExtensions
{
    public static IServiceCollection AddPaasGraphQL(this IServiceCollection services, GraphQLHttpOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<GraphQLHttpHandler>();
        services.AddSingleton<TenantSchemaCache>();
        services.AddSingleton(_ => new PaasSchemas(MetadataSchema.Build(), PlatformSchema.Build()));
        return services;
    }
}
