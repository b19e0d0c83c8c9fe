using System.Text.Json;
using System.Text.Json.Serialization;
using Paas.Core.Metadata;

namespace Paas.Data.Metadata;

/// <summary>How object definitions are stored in the tenant's <c>_paas_objects</c> table.</summary>
public static class MetadataJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(ObjectDefinition definition) => JsonSerializer.Serialize(definition, Options);

    public static ObjectDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<ObjectDefinition>(json, Options) ?? throw new InvalidDataException("Empty object definition.");
}
