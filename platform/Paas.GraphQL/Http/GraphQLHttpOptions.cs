using Paas.Core.Tenancy;

namespace Paas.GraphQL.Http;

/// <summary>Transport bounds (<c>Paas:GraphQL</c>) and the default request limits (<c>Paas:Limits</c>).</summary>
public sealed class GraphQLHttpOptions
{
    /// <summary>Largest accepted request body, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest accepted query document, in characters.</summary>
    public int MaxDocumentLength { get; set; } = 64 * 1024;

    /// <summary>
    /// Whether repeated plain reads of the data API run on the direct path (<see cref="Execution.DirectQuery"/>) instead of
    /// graphql-dotnet's execution tree. The answers are the same; turning it off is for diagnosing a suspected difference.
    /// </summary>
    public bool DirectExecution { get; set; } = true;

    /// <summary>Limits for tenants that have none of their own, and for the metadata and platform APIs.</summary>
    public RequestLimits DefaultLimits { get; set; } = new();
}
