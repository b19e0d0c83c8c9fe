using Paas.Core.Metadata;

namespace Paas.Data.Tests.Formulas;

/// <summary>In-memory metadata for formula analysis: Account (industry, parent, rating…) and Opportunity (amount, account…).</summary>
public static class FormulaMetadata
{
    public static FieldDefinition Field(string apiName, FieldType type, Func<FieldDefinition, FieldDefinition>? configure = null)
    {
        var field = new FieldDefinition { ApiName = apiName, Label = apiName, Type = type, Column = apiName };
        return configure is null ? field : configure(field);
    }

    public static FieldDefinition Formula(string apiName, string formula, FieldType returnType, int? scale = null) =>
        Field(apiName, FieldType.Formula, f => f with { Formula = formula, ReturnType = returnType, Scale = scale });

    public static ObjectDefinition Object(string apiName, params FieldDefinition[] fields) => new()
    {
        ApiName = apiName,
        Label = apiName,
        PluralLabel = apiName + "s",
        PluralApiName = apiName.ToLowerInvariant() + "s",
        Table = "o_" + apiName.ToLowerInvariant(),
        Fields = [.. SystemFields.Create(NameType.Text, null), .. fields],
    };

    public static ObjectDefinition Account(params FieldDefinition[] extra) => Object("Account",
    [
        Field("industry", FieldType.Picklist, f => f with { Values = ["Tech", "Retail", "Energy"] }),
        Field("parent", FieldType.Lookup, f => f with { Target = "Account" }),
        Field("rating", FieldType.Integer),
        Field("revenue", FieldType.Rollup, f => f with { ReturnType = FieldType.Currency }),
        Field("profile", FieldType.Json),
        Field("tags", FieldType.MultiPicklist, f => f with { Values = ["a", "b"] }),
        .. extra,
    ]);

    public static ObjectDefinition Opportunity(params FieldDefinition[] extra) => Object("Opportunity",
    [
        Field("amount", FieldType.Currency, f => f with { Precision = 18, Scale = 2 }),
        Field("probability", FieldType.Integer),
        Field("closeDate", FieldType.Date),
        Field("signedAt", FieldType.DateTime),
        Field("won", FieldType.Boolean),
        Field("stage", FieldType.Picklist, f => f with { Values = ["Open", "Won", "Lost"] }),
        Field("notes", FieldType.LongText),
        Field("account", FieldType.Lookup, f => f with { Target = "Account" }),
        .. extra,
    ]);

    public static TenantMetadata Metadata(params ObjectDefinition[] objects) => new(1, objects);

    /// <summary>The standard pair, with extra fields on either object.</summary>
    public static TenantMetadata Crm(FieldDefinition[]? opportunity = null, FieldDefinition[]? account = null) =>
        Metadata(Account(account ?? []), Opportunity(opportunity ?? []));
}
