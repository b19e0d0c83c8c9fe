namespace Paas.GraphQL.Http;

/// <summary>Bounds on one GraphQL HTTP request (<c>Paas:GraphQL</c> in configuration).</summary>
public sealed class GraphQLHttpOptions
{
    /// <summary>Largest accepted request body, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest accepted query document, in characters.</summary>
    public int MaxDocumentLength { get; set; } = 64 * 1024;

    /// <summary>Deepest accepted selection nesting.</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>Time after which a request is cancelled, its SQL included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
