using Paas.Core.Metadata;

namespace Paas.Core.Tests;

/// <summary>Small builders for definitions used by the unit tests.</summary>
internal static class TestFields
{
    public static FieldDefinition Field(FieldType type, string apiName = "f") => new()
    {
        ApiName = apiName,
        Label = apiName,
        Type = type,
        Column = apiName,
    };

    public static ObjectDefinition Object(string apiName, params FieldDefinition[] custom) => new()
    {
        ApiName = apiName,
        Label = apiName,
        PluralLabel = apiName + "s",
        PluralApiName = ApiNames.Pluralize(ApiNames.ToCamelCase(apiName)),
        Table = "obj_" + apiName.ToLowerInvariant(),
        Fields = [.. SystemFields.Create(NameType.Text, null), .. custom],
    };

    public static TenantMetadata Metadata(params ObjectDefinition[] objects) => new(1, objects);
}
