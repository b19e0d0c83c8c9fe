using Paas.Core.Tenancy;

namespace Paas.GraphQL.Http;

/// <summary>Transport bounds (<c>Paas:GraphQL</c>) and the default request limits (<c>Paas:Limits</c>).</summary>
public sealed class GraphQLHttpOptions
{
    /// <summary>Largest accepted request body, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest accepted query document, in characters.</summary>
    public int MaxDocumentLength { get; set; } = 64 * 1024;

    /// <summary>Limits for tenants that have none of their own, and for the metadata and platform APIs.</summary>
    public RequestLimits DefaultLimits { get; set; } = new();
}
