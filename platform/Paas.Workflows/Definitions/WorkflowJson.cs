using System.Text.Json;
using Paas.Core.Workflows;

namespace Paas.Workflows.Definitions;

/// <summary>
/// The JSON form of a <see cref="WorkflowDefinition"/>, as <see cref="WorkflowDefinitionJson"/> (in Core, where the
/// stored definitions are read) defines it: camelCase properties, UPPER_SNAKE_CASE enum values, nulls and empty
/// maps/lists left out when writing, so that what is written validates against <c>workflow.schema.json</c> again.
/// </summary>
public static class WorkflowJson
{
    /// <summary>The serializer options of the format (read-only).</summary>
    public static JsonSerializerOptions Options => WorkflowDefinitionJson.Options;

    /// <summary>Writes a definition in its JSON form.</summary>
    public static string Serialize(WorkflowDefinition definition) => WorkflowDefinitionJson.Serialize(definition);

    /// <summary>
    /// Reads a definition without validating it (see <see cref="WorkflowValidator"/>); throws <see cref="JsonException"/>
    /// when the JSON does not fit the model.
    /// </summary>
    public static WorkflowDefinition Deserialize(string json) => WorkflowDefinitionJson.Deserialize(json);
}
