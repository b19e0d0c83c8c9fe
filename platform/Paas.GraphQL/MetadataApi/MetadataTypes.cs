using GraphQL;
using GraphQL.Types;
using Paas.Core.Metadata;
using Paas.GraphQL.Types;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.GraphQL.MetadataApi;

/// <summary>The output and input types of the metadata API.</summary>
public sealed class MetadataTypes
{
    public EnumerationGraphType FieldTypeEnum { get; } = new() { Name = "FieldType" };
    public EnumerationGraphType NameTypeEnum { get; } = new() { Name = "NameType" };
    public ObjectGraphType Field { get; } = new() { Name = "FieldDefinition" };
    public ObjectGraphType Object { get; } = new() { Name = "ObjectDefinition" };
    public ObjectGraphType Index { get; } = new() { Name = "IndexDefinition" };
    public InputObjectGraphType CreateObjectInput { get; } = new() { Name = "CreateObjectInput" };
    public InputObjectGraphType UpdateObjectInput { get; } = new() { Name = "UpdateObjectInput" };
    public InputObjectGraphType CreateFieldInput { get; } = new() { Name = "CreateFieldInput" };
    public InputObjectGraphType UpdateFieldInput { get; } = new() { Name = "UpdateFieldInput" };
    public InputObjectGraphType CreateIndexInput { get; } = new() { Name = "CreateIndexInput" };
    public InputObjectGraphType RollupInput { get; } = new() { Name = "RollupInput" };
    public LenientScalar Long { get; } = LenientScalar.Long();
    public LenientScalar DateTime { get; } = LenientScalar.DateTime();

    public MetadataTypes()
    {
        foreach (var type in Enum.GetValues<FieldType>())
        {
            FieldTypeEnum.Add(type.ToContractName(), type);
        }

        NameTypeEnum.Add("TEXT", NameType.Text);
        NameTypeEnum.Add("AUTO_NUMBER", NameType.AutoNumber);
        var direction = new EnumerationGraphType { Name = "SortDirection" };
        direction.Add("ASC", "ASC");
        direction.Add("DESC", "DESC");

        var str = new StringGraphType();
        var boolean = new BooleanGraphType();
        var integer = new IntGraphType();
        var strings = new ListGraphType(new NonNullGraphType(str));

        Add<FieldDefinition>(Field, "apiName", new NonNullGraphType(str), f => f.ApiName);
        Add<FieldDefinition>(Field, "label", new NonNullGraphType(str), f => f.Label);
        Add<FieldDefinition>(Field, "type", new NonNullGraphType(FieldTypeEnum), f => f.Type);
        Add<FieldDefinition>(Field, "system", new NonNullGraphType(boolean), f => f.IsSystem);
        Add<FieldDefinition>(Field, "required", new NonNullGraphType(boolean), f => f.Required);
        Add<FieldDefinition>(Field, "unique", new NonNullGraphType(boolean), f => f.Unique);
        Add<FieldDefinition>(Field, "indexed", new NonNullGraphType(boolean), f => f.Indexed || f.Unique || f.Type.IsRelation());
        Add<FieldDefinition>(Field, "defaultValue", str, f => f.DefaultValue);
        Add<FieldDefinition>(Field, "maxLength", integer, f => f.Type.IsTextual() && f.Type is not (FieldType.Picklist or FieldType.AutoNumber) ? f.EffectiveMaxLength : null);
        Add<FieldDefinition>(Field, "precision", integer, f => f.ValueType.IsDecimal() ? f.EffectivePrecision : null);
        Add<FieldDefinition>(Field, "scale", integer, f => f.ValueType.IsDecimal() ? f.EffectiveScale : null);
        Add<FieldDefinition>(Field, "values", strings, f => f.Values);
        Add<FieldDefinition>(Field, "target", str, f => f.Target);
        Add<FieldDefinition>(Field, "cascadeDelete", new NonNullGraphType(boolean), f => f.CascadeDelete);
        Add<FieldDefinition>(Field, "helpText", str, f => f.HelpText);
        Add<FieldDefinition>(Field, "secured", new NonNullGraphType(boolean), f => f.Secured);
        Add<FieldDefinition>(Field, "trackHistory", new NonNullGraphType(boolean), f => f.TrackHistory);
        Add<FieldDefinition>(Field, "displayFormat", str, f => f.DisplayFormat);
        var rollupFunction = new EnumerationGraphType { Name = "RollupFunction" };
        rollupFunction.Add("COUNT", RollupFunction.Count);
        rollupFunction.Add("SUM", RollupFunction.Sum);
        rollupFunction.Add("MIN", RollupFunction.Min);
        rollupFunction.Add("MAX", RollupFunction.Max);
        var rollup = new ObjectGraphType { Name = "RollupDefinition" };
        Add<RollupDefinition>(rollup, "childObject", new NonNullGraphType(str), r => r.ChildObject);
        Add<RollupDefinition>(rollup, "relationship", new NonNullGraphType(str), r => r.Relationship);
        Add<RollupDefinition>(rollup, "function", new NonNullGraphType(rollupFunction), r => r.Function);
        Add<RollupDefinition>(rollup, "field", str, r => r.Field);
        Add<RollupDefinition>(rollup, "filter", str, r => r.Filter);
        Add<FieldDefinition>(Field, "formula", str, f => f.Formula);
        Add<FieldDefinition>(Field, "returnType", FieldTypeEnum, f => f.IsComputed ? f.ValueType : null);
        Add<FieldDefinition>(Field, "rollup", rollup, f => f.Rollup);
        Add<FieldDefinition>(Field, "deleted", new NonNullGraphType(boolean), f => f.IsDeleted);
        Add<FieldDefinition>(Field, "deletedAt", DateTime, f => f.DeletedAt);

        var indexColumn = new ObjectGraphType { Name = "IndexField" };
        Add<IndexColumn>(indexColumn, "field", new NonNullGraphType(str), c => c.Field);
        Add<IndexColumn>(indexColumn, "direction", new NonNullGraphType(direction), c => c.Descending ? "DESC" : "ASC");
        Add<IndexDefinition>(Index, "name", new NonNullGraphType(str), i => i.Name);
        Add<IndexDefinition>(Index, "unique", new NonNullGraphType(boolean), i => i.Unique);
        Add<IndexDefinition>(Index, "fields", new NonNullGraphType(new ListGraphType(new NonNullGraphType(indexColumn))), i => i.Fields);

        Add<ObjectDefinition>(Object, "apiName", new NonNullGraphType(str), o => o.ApiName);
        Add<ObjectDefinition>(Object, "label", new NonNullGraphType(str), o => o.Label);
        Add<ObjectDefinition>(Object, "pluralLabel", new NonNullGraphType(str), o => o.PluralLabel);
        Add<ObjectDefinition>(Object, "pluralApiName", new NonNullGraphType(str), o => o.PluralApiName);
        Add<ObjectDefinition>(Object, "description", str, o => o.Description);
        Add<ObjectDefinition>(Object, "nameType", new NonNullGraphType(NameTypeEnum), o => o.NameType);
        Add<ObjectDefinition>(Object, "deleted", new NonNullGraphType(boolean), o => o.IsDeleted);
        Add<ObjectDefinition>(Object, "deletedAt", DateTime, o => o.DeletedAt);
        Add<ObjectDefinition>(Object, "createdAt", DateTime, o => o.CreatedAt);
        Add<ObjectDefinition>(Object, "sharingModel", new NonNullGraphType(str), o => SecuritySchema.ContractName(o.MasterField is null ? o.SharingModel : Core.Security.SharingModel.ControlledByParent));
        Add<ObjectDefinition>(Object, "indexes", new NonNullGraphType(new ListGraphType(new NonNullGraphType(Index))), o => o.Indexes);
        Object.AddField(new GraphField
        {
            Name = "fields",
            ResolvedType = new NonNullGraphType(new ListGraphType(new NonNullGraphType(Field))),
            Arguments = new QueryArguments(new QueryArgument(boolean) { Name = "includeDeleted", DefaultValue = false }),
            Resolver = Execution.Resolve.Sync(c => ((ObjectDefinition)c.Source!).Fields.Where(f => c.GetArgument<bool>("includeDeleted") || !f.IsDeleted).ToList()),
        });

        foreach (var (input, creating) in new[] { (CreateObjectInput, true), (UpdateObjectInput, false) })
        {
            if (creating)
            {
                input.AddField(new GraphField { Name = "apiName", ResolvedType = new NonNullGraphType(str), Description = "PascalCase, e.g. Invoice; cannot change later." });
                input.AddField(new GraphField { Name = "nameType", ResolvedType = NameTypeEnum });
                input.AddField(new GraphField { Name = "nameFormat", ResolvedType = str, Description = "For nameType AUTO_NUMBER, e.g. INV-{0000}." });
            }

            input.AddField(new GraphField { Name = "label", ResolvedType = creating ? new NonNullGraphType(str) : str });
            input.AddField(new GraphField { Name = "pluralLabel", ResolvedType = str });
            input.AddField(new GraphField { Name = "pluralApiName", ResolvedType = str });
            input.AddField(new GraphField { Name = "description", ResolvedType = str });
        }

        RollupInput.AddField(new GraphField { Name = "childObject", ResolvedType = new NonNullGraphType(str) });
        RollupInput.AddField(new GraphField { Name = "relationship", ResolvedType = new NonNullGraphType(str), Description = "The child's MASTER_DETAIL field." });
        RollupInput.AddField(new GraphField { Name = "function", ResolvedType = new NonNullGraphType(rollupFunction) });
        RollupInput.AddField(new GraphField { Name = "field", ResolvedType = str, Description = "The child field aggregated (not for COUNT)." });
        RollupInput.AddField(new GraphField { Name = "filter", ResolvedType = str, Description = "Only children matching this data-API filter, as JSON text." });

        foreach (var (input, creating) in new[] { (CreateFieldInput, true), (UpdateFieldInput, false) })
        {
            input.AddField(new GraphField { Name = "object", ResolvedType = new NonNullGraphType(str) });
            input.AddField(new GraphField { Name = "apiName", ResolvedType = new NonNullGraphType(str) });
            input.AddField(new GraphField { Name = "label", ResolvedType = creating ? new NonNullGraphType(str) : str });
            input.AddField(new GraphField { Name = "type", ResolvedType = creating ? new NonNullGraphType(FieldTypeEnum) : FieldTypeEnum });
            input.AddField(new GraphField { Name = "required", ResolvedType = boolean });
            input.AddField(new GraphField { Name = "unique", ResolvedType = boolean });
            input.AddField(new GraphField { Name = "indexed", ResolvedType = boolean });
            input.AddField(new GraphField { Name = "defaultValue", ResolvedType = str, Description = "Written as text and checked against the type; null on update clears it." });
            input.AddField(new GraphField { Name = "maxLength", ResolvedType = integer });
            input.AddField(new GraphField { Name = "precision", ResolvedType = integer });
            input.AddField(new GraphField { Name = "scale", ResolvedType = integer });
            input.AddField(new GraphField { Name = "values", ResolvedType = strings });
            input.AddField(new GraphField { Name = "target", ResolvedType = str });
            input.AddField(new GraphField { Name = "cascadeDelete", ResolvedType = boolean });
            input.AddField(new GraphField { Name = "helpText", ResolvedType = str });
            input.AddField(new GraphField { Name = "secured", ResolvedType = boolean, Description = "Field-level security: readable and writable only through a field grant." });
            input.AddField(new GraphField { Name = "trackHistory", ResolvedType = boolean, Description = "Keep every change in the record's history." });
            input.AddField(new GraphField { Name = "displayFormat", ResolvedType = str });
            input.AddField(new GraphField { Name = "startingNumber", ResolvedType = Long });
            input.AddField(new GraphField { Name = "formula", ResolvedType = str, Description = "FORMULA: the expression (docs/scripting.md)." });
            input.AddField(new GraphField { Name = "returnType", ResolvedType = FieldTypeEnum, Description = "FORMULA: the type of its value." });
            input.AddField(new GraphField { Name = "rollup", ResolvedType = RollupInput });
        }

        var indexFieldInput = new InputObjectGraphType { Name = "IndexFieldInput" };
        indexFieldInput.AddField(new GraphField { Name = "field", ResolvedType = new NonNullGraphType(str) });
        indexFieldInput.AddField(new GraphField { Name = "direction", ResolvedType = direction });
        CreateIndexInput.AddField(new GraphField { Name = "object", ResolvedType = new NonNullGraphType(str) });
        CreateIndexInput.AddField(new GraphField { Name = "fields", ResolvedType = new NonNullGraphType(new ListGraphType(new NonNullGraphType(indexFieldInput))) });
        CreateIndexInput.AddField(new GraphField { Name = "unique", ResolvedType = boolean });
    }

    private static void Add<T>(ObjectGraphType type, string name, IGraphType graphType, Func<T, object?> read) =>
        SharedTypes.AddField(type, name, graphType, source => read((T)source!));
}
