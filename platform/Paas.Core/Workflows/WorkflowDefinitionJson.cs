using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Paas.Core.Workflows;

/// <summary>A workflow's published version: what new instances start on.</summary>
public sealed record PublishedWorkflow(WorkflowDefinition Definition, int Version);

/// <summary>
/// The JSON form of a <see cref="WorkflowDefinition"/> (sdk/schemas/workflow.schema.json): camelCase properties,
/// UPPER_SNAKE_CASE enum values (<c>"UPDATE_FIELDS"</c>), nulls and empty maps/lists left out when writing, so that what
/// is written validates against the schema again.
/// </summary>
public static class WorkflowDefinitionJson
{
    /// <summary>The serializer options of the format (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, Options);
    }

    /// <summary>Reads a definition without validating it; throws <see cref="JsonException"/> when the JSON does not fit the model.</summary>
    public static WorkflowDefinition Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<WorkflowDefinition>(json, Options)
            ?? throw new JsonException("A workflow definition must be a JSON object, not null.");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
            MaxDepth = 32,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyCollections } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Empty <c>outcomes</c>, <c>fields</c> or <c>values</c> are not written: the schema does not allow them on every step type.</summary>
    private static void OmitEmptyCollections(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                property.ShouldSerialize = (_, value) => value is not ICollection { Count: 0 };
            }
        }
    }
}
