namespace Paas.Core.Metadata;

/// <summary>What each field type supports; one place so that DDL, coercion, filters and the schema agree.</summary>
public static class FieldTypeInfo
{
    public const int DefaultTextLength = 255;
    public const int MaxTextLength = 4000;
    public const int DefaultLongTextLength = 32_768;
    public const int MaxLongTextLength = 131_072;
    public const int MaxJsonBytes = 131_072;
    public const int MaxPrecision = 18;

    public static bool IsTextual(this FieldType type) => type is FieldType.Text or FieldType.LongText
        or FieldType.Email or FieldType.Phone or FieldType.Url or FieldType.Picklist or FieldType.AutoNumber;

    public static bool IsDecimal(this FieldType type) => type is FieldType.Number or FieldType.Currency or FieldType.Percent;

    public static bool IsNumeric(this FieldType type) => type == FieldType.Integer || type.IsDecimal();

    public static bool IsRelation(this FieldType type) => type is FieldType.Lookup or FieldType.MasterDetail;

    public static bool IsTemporal(this FieldType type) => type is FieldType.Date or FieldType.DateTime;

    /// <summary>Types whose values can be compared with gt/gte/lt/lte.</summary>
    public static bool IsOrdered(this FieldType type) =>
        type.IsNumeric() || type.IsTemporal() || (type.IsTextual() && type != FieldType.LongText);

    public static bool IsSortable(this FieldType type) =>
        type.IsOrdered() || type is FieldType.Boolean or FieldType.Id;

    /// <summary>Types an admin may index or make unique.</summary>
    public static bool IsIndexable(this FieldType type) =>
        type is not (FieldType.LongText or FieldType.Json or FieldType.MultiPicklist);

    /// <summary>Types that carry a default value.</summary>
    public static bool AcceptsDefault(this FieldType type) =>
        type is not (FieldType.AutoNumber or FieldType.Lookup or FieldType.MasterDetail or FieldType.Id);

    /// <summary>The contract spelling: TEXT, LONG_TEXT, MULTI_PICKLIST…</summary>
    public static string ToContractName(this FieldType type) => type switch
    {
        FieldType.LongText => "LONG_TEXT",
        FieldType.DateTime => "DATETIME",
        FieldType.MultiPicklist => "MULTI_PICKLIST",
        FieldType.MasterDetail => "MASTER_DETAIL",
        FieldType.AutoNumber => "AUTO_NUMBER",
        _ => type.ToString().ToUpperInvariant(),
    };
}
