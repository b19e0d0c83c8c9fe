using Paas.Core.Security;

namespace Paas.Core.Metadata;

public enum NameType
{
    Text,
    AutoNumber,
}

/// <summary>An immutable object definition: its names, its table and all its fields (system fields included).</summary>
public sealed record ObjectDefinition
{
    public required string ApiName { get; init; }
    public required string Label { get; init; }
    public required string PluralLabel { get; init; }
    public required string PluralApiName { get; init; }
    public string? Description { get; init; }
    public NameType NameType { get; init; }
    public required string Table { get; init; }
    public required IReadOnlyList<FieldDefinition> Fields { get; init; }
    public IReadOnlyList<IndexDefinition> Indexes { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>The organisation-wide default for records of this object (a master-detail child follows its master).</summary>
    public SharingModel SharingModel { get; init; } = SharingModel.PublicReadWrite;

    /// <summary>The master-detail field that makes this object a child, if any.</summary>
    public FieldDefinition? MasterField => LiveFields.FirstOrDefault(f => f.Type == FieldType.MasterDetail);

    /// <summary>A counter for physical column names, so a rewritten column never reuses an old name.</summary>
    public int ColumnGeneration { get; init; }

    public bool IsDeleted => DeletedAt is not null;

    public IEnumerable<FieldDefinition> LiveFields => Fields.Where(f => !f.IsDeleted);

    public FieldDefinition? FindField(string apiName) =>
        Fields.FirstOrDefault(f => !f.IsDeleted && f.ApiName == apiName);

    public FieldDefinition? FindFieldIncludingDeleted(string apiName) =>
        Fields.FirstOrDefault(f => f.ApiName == apiName);

    public FieldDefinition IdField => Fields.First(f => f.ApiName == SystemFields.Id);

    public int CustomFieldCount => Fields.Count(f => !f.IsSystem);

    public ObjectDefinition WithField(FieldDefinition field)
    {
        var fields = Fields.ToList();
        var index = fields.FindIndex(f => f.ApiName == field.ApiName);
        if (index >= 0)
        {
            fields[index] = field;
        }
        else
        {
            fields.Add(field);
        }

        return this with { Fields = fields };
    }

    public ObjectDefinition WithoutField(string apiName) =>
        this with { Fields = Fields.Where(f => f.ApiName != apiName).ToList() };
}
