using NJsonSchema;
using NJsonSchema.References;

namespace Paas.Workflows.Definitions;

/// <summary>
/// Resolves only references inside the schema document itself (<c>#/definitions/...</c>). A reference to a file or a
/// URL is refused before anything is read or fetched: the schema is our own embedded file and must be self-contained.
/// </summary>
internal sealed class LocalReferenceResolver(JsonSchema root)
    : JsonReferenceResolver(new JsonSchemaAppender(root, new DefaultTypeNameGenerator()))
{
    public override string ResolveFilePath(string documentPath, string jsonPath) => throw Refused(jsonPath);

    public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
        throw Refused(filePath);

    public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
        throw Refused(url);

    private static InvalidOperationException Refused(string reference) =>
        new($"The workflow schema may only refer to its own definitions, not to '{reference}'.");
}
