using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Paas.GraphQL.Data;
using Paas.GraphQL.Http;
using Paas.GraphQL.MetadataApi;
using Paas.GraphQL.PlatformApi;

namespace Paas.GraphQL;

/// <summary>The three static or generated schemas and the HTTP handler that serves them.</summary>
public sealed record PaasSchemas(ISchema Metadata, ISchema Platform);

/// <summary><c>Paas:SchemaCache</c>: how many tenants' schemas, and how much estimated memory, one server keeps.</summary>
public sealed class SchemaCacheOptions
{
    public int MaxTenants { get; set; } = 1000;
    public int MaxMegabytes { get; set; } = 512;
}

public static class GraphQLServiceCollectionExtensions
{
    public static IServiceCollection AddPaasGraphQL(this IServiceCollection services, GraphQLHttpOptions options, SchemaCacheOptions? cache = null)
    {
        cache ??= new SchemaCacheOptions();
        services.AddSingleton(options);
        services.AddMetrics();
        services.AddSingleton<GraphQLMetrics>();
        services.AddSingleton<GraphQLHttpHandler>();
        services.AddSingleton(sp => new TenantSchemaCache(
            sp.GetRequiredService<Paas.Data.Metadata.MetadataCache>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TenantSchemaCache>>(),
            Math.Max(1, cache.MaxTenants),
            Math.Max(1, cache.MaxMegabytes) * 1024L * 1024));
        services.AddSingleton(_ => new PaasSchemas(MetadataSchema.Build(), PlatformSchema.Build()));
        return services;
    }
}
