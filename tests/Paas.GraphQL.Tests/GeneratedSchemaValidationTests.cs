using Paas.Core.Metadata;
using Paas.GraphQL.Data;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.Tests;

/// <summary>
/// The server skips graphql-dotnet's structural validation when it builds a tenant schema (it costs a third of the
/// build); these tests run that validation in full over schemas that use every field type and relation shape.
/// </summary>
public sealed class GeneratedSchemaValidationTests
{
    [Fact]
    public void A_schema_with_every_field_type_and_relation_shape_passes_full_validation()
    {
        var account = Object("Account", "accounts",
        [
            Field("industry", FieldType.Picklist) with { Values = ["Software", "Retail"] },
            Field("parent", FieldType.Lookup) with { Target = "Account" },
            Field("code", FieldType.Text) with { Unique = true },
        ]);
        var opportunity = Object("Opportunity", "opportunities",
        [
            .. Enum.GetValues<FieldType>().Where(t => t is not (FieldType.Id or FieldType.Lookup or FieldType.MasterDetail or FieldType.Formula or FieldType.Rollup))
                .Select(t => Field("f" + t, t) with { Values = t is FieldType.Picklist or FieldType.MultiPicklist ? ["a", "b"] : [] }),
            Field("account", FieldType.MasterDetail) with { Target = "Account", CascadeDelete = true },
            Field("partner", FieldType.Lookup) with { Target = "Account" },
            Field("externalId", FieldType.Text) with { Unique = true },
        ]);
        var empty = Object("Note", "notes", []);
        var schema = (GeneratedSchema)DataSchemaBuilder.Build(new TenantMetadata(3, [account, opportunity, empty]));

        schema.ValidateFully();

        var accountType = schema.AllTypes["Account"] as global::GraphQL.Types.IObjectGraphType;
        Assert.NotNull(accountType?.GetField("opportunitiesByAccount"));
        Assert.NotNull(accountType?.GetField("opportunitiesByPartner"));
        Assert.NotNull(accountType?.GetField("accounts"));
        Assert.NotNull(schema.Query.GetField("opportunitiesAggregate"));
    }

    [Fact]
    public void An_empty_tenant_schema_passes_full_validation()
    {
        var schema = (GeneratedSchema)DataSchemaBuilder.Build(new TenantMetadata(0, []));
        schema.ValidateFully();
        Assert.Null(schema.Mutation);
    }

    private static FieldDefinition Field(string name, FieldType type) =>
        new() { ApiName = name, Label = name, Type = type, Column = name };

    private static ObjectDefinition Object(string name, string plural, IReadOnlyList<FieldDefinition> fields) => new()
    {
        ApiName = name,
        Label = name,
        PluralLabel = name + "s",
        PluralApiName = plural,
        Table = "o_" + name.ToLowerInvariant(),
        Fields = [.. SystemFields.Create(NameType.Text, null), .. fields],
    };
}
