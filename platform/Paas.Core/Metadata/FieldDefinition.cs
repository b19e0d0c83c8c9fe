namespace Paas.Core.Metadata;

/// <summary>An immutable field definition as stored in the tenant's metadata.</summary>
public sealed record FieldDefinition
{
    public required string ApiName { get; init; }
    public required string Label { get; init; }
    public required FieldType Type { get; init; }

    /// <summary>The physical column. Differs from the API name after a type change rewrote the column.</summary>
    public required string Column { get; init; }

    public bool IsSystem { get; init; }
    public bool Required { get; init; }
    public bool Unique { get; init; }
    public bool Indexed { get; init; }
    public string? DefaultValue { get; init; }
    public int? MaxLength { get; init; }
    public int? Precision { get; init; }
    public int? Scale { get; init; }
    public IReadOnlyList<string> Values { get; init; } = [];
    public string? Target { get; init; }
    public bool CascadeDelete { get; init; }
    public string? HelpText { get; init; }

    /// <summary>Field-level security: readable and writable only through a field grant in a permission set.</summary>
    public bool Secured { get; init; }

    /// <summary>Changes to the field are kept in the record's history (old value, new value, who, when).</summary>
    public bool TrackHistory { get; init; }

    /// <summary>For AUTO_NUMBER: the display format, e.g. <c>INV-{0000}</c>.</summary>
    public string? DisplayFormat { get; init; }
    public long? StartingNumber { get; init; }

    /// <summary>For FORMULA: the expression (docs/scripting.md, "Formulas").</summary>
    public string? Formula { get; init; }

    /// <summary>For FORMULA and ROLLUP: the type of the computed value (a scalar type: TEXT, NUMBER, CURRENCY, PERCENT, INTEGER, BOOLEAN, DATE, DATETIME).</summary>
    public FieldType? ReturnType { get; init; }

    /// <summary>For ROLLUP: what is aggregated.</summary>
    public RollupDefinition? Rollup { get; init; }

    /// <summary>Set when the field was deleted: hidden from the API, data kept until a purge.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    public bool IsDeleted => DeletedAt is not null;

    /// <summary>FORMULA and ROLLUP fields have no column of their own: their value is computed when read.</summary>
    public bool IsComputed => Type is FieldType.Formula or FieldType.Rollup;

    /// <summary>The type values have when read: the return type of a computed field, else the field's type.</summary>
    public FieldType ValueType => IsComputed ? ReturnType ?? FieldType.Number : Type;

    /// <summary>Whether clients may write the field (system fields and auto-numbers are read-only).</summary>
    public bool IsWritable => (!IsSystem || ApiName == SystemFields.Name || ApiName == SystemFields.OwnerId)
        && Type != FieldType.AutoNumber && !IsComputed;

    public int EffectiveMaxLength => MaxLength ?? Type switch
    {
        FieldType.LongText => FieldTypeInfo.DefaultLongTextLength,
        FieldType.Email => 254,
        FieldType.Phone => 40,
        FieldType.Url => 2048,
        _ => FieldTypeInfo.DefaultTextLength,
    };

    public int EffectivePrecision => Precision ?? FieldTypeInfo.MaxPrecision;

    public int EffectiveScale => Scale ?? (Type == FieldType.Integer ? 0 : 2);
}
