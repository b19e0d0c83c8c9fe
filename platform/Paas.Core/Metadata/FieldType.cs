namespace Paas.Core.Metadata;

/// <summary>The data types a field can have. <see cref="Id"/> is used only by system fields.</summary>
public enum FieldType
{
    Text,
    LongText,
    Email,
    Phone,
    Url,
    Integer,
    Number,
    Currency,
    Percent,
    Boolean,
    Date,
    DateTime,
    Picklist,
    MultiPicklist,
    Lookup,
    MasterDetail,
    AutoNumber,
    Json,
    Id,

    /// <summary>Computed from an expression over the record and its lookups (<see cref="FieldDefinition.Formula"/>).</summary>
    Formula,

    /// <summary>An aggregate of master-detail children (<see cref="FieldDefinition.Rollup"/>).</summary>
    Rollup,
}
