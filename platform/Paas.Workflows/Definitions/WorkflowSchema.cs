using NJsonSchema;

namespace Paas.Workflows.Definitions;

/// <summary>The embedded <c>workflow.schema.json</c>: its text and, loaded once, its NJsonSchema form.</summary>
internal static class WorkflowSchema
{
    private const string ResourceName = "workflow.schema.json";

    public static string Text { get; } = ReadResource();

    private static readonly Lazy<JsonSchema> Loaded = new(() => Load(Text), LazyThreadSafetyMode.ExecutionAndPublication);

    public static JsonSchema Schema => Loaded.Value;

    /// <summary>Parses a schema whose references must all be local (see <see cref="LocalReferenceResolver"/>).</summary>
    public static JsonSchema Load(string json) =>
        JsonSchema.FromJsonAsync(json, documentPath: null, root => new LocalReferenceResolver(root), CancellationToken.None)
            .GetAwaiter().GetResult();

    private static string ReadResource()
    {
        using var stream = typeof(WorkflowSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource '{ResourceName}' is missing from {typeof(WorkflowSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
