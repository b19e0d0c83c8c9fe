namespace Paas.Core.Metadata;

/// <summary>The fields every object has.</summary>
public static class SystemFields
{
    public const string Id = "id";
    public const string Name = "name";
    public const string CreatedAt = "createdAt";
    public const string CreatedBy = "createdBy";
    public const string UpdatedAt = "updatedAt";
    public const string UpdatedBy = "updatedBy";
    public const string OwnerId = "ownerId";
    public const string Version = "version";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        Id, Name, CreatedAt, CreatedBy, UpdatedAt, UpdatedBy, OwnerId, Version,
    };

    public static IReadOnlyList<FieldDefinition> Create(NameType nameType, string? nameFormat)
    {
        static FieldDefinition System(string apiName, string label, FieldType type) => new()
        {
            ApiName = apiName, Label = label, Type = type, Column = apiName, IsSystem = true,
        };

        var name = nameType == NameType.AutoNumber
            ? System(Name, "Name", FieldType.AutoNumber) with { DisplayFormat = nameFormat ?? "{000000}", StartingNumber = 1 }
            : System(Name, "Name", FieldType.Text) with { Required = true, MaxLength = FieldTypeInfo.DefaultTextLength };

        return
        [
            System(Id, "Id", FieldType.Id),
            name,
            System(CreatedAt, "Created At", FieldType.DateTime),
            System(CreatedBy, "Created By", FieldType.Id),
            System(UpdatedAt, "Updated At", FieldType.DateTime),
            System(UpdatedBy, "Updated By", FieldType.Id),
            System(OwnerId, "Owner", FieldType.Id),
            System(Version, "Version", FieldType.Integer),
        ];
    }
}
