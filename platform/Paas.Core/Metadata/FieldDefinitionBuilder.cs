using System.Text.RegularExpressions;
using Paas.Core.Errors;
using Paas.Core.Records;

namespace Paas.Core.Metadata;

/// <summary>Validates a field input against the tenant's metadata and produces the new definition.</summary>
public static partial class FieldDefinitionBuilder
{
    public const int MaxCustomFields = 500;
    public const int MaxPicklistValues = 1000;
    public const int MaxLabelLength = 80;

    [GeneratedRegex(@"\{0+\}")]
    private static partial Regex NumberToken();

    public static FieldDefinition Build(TenantMetadata metadata, ObjectDefinition owner, FieldInput input, FieldDefinition? existing)
    {
        var errors = new FieldErrorList();
        if (existing is null)
        {
            ValidateNewName(owner, input.ApiName, errors);
            if (input.Type is null)
            {
                errors.Add("type", "A field type is required.");
            }
            else if (input.Type == FieldType.Id)
            {
                errors.Add("type", "ID is reserved for system fields.");
            }
            else if (input.Type is FieldType.Formula or FieldType.Rollup)
            {
                // Computed fields are built by the data layer, which compiles their SQL.
                errors.Add("type", $"{input.Type.Value.ToContractName()} fields are computed and built with their formula or roll-up.");
            }

            if (owner.CustomFieldCount >= MaxCustomFields)
            {
                errors.Add("apiName", $"An object may have at most {MaxCustomFields} custom fields (deleted fields count until purged).");
            }
        }

        var label = input.Label ?? existing?.Label;
        if (errors.HasErrors)
        {
            ValidateLabel("label", label, errors);
        }

        errors.ThrowIfAny();
        var type = input.Type ?? existing!.Type;

        // On a type change, options that the new type does not take are dropped rather than reported.
        var keep = existing is not null && (existing.Type == type || SameOptionFamily(existing.Type, type)) ? existing : null;
        ValidateLabel("label", label, errors);

        var field = new FieldDefinition
        {
            ApiName = existing?.ApiName ?? input.ApiName!,
            Label = label ?? "",
            Type = type,
            Column = existing?.Column ?? input.ApiName!,
            IsSystem = existing?.IsSystem ?? false,
            Required = input.Required ?? existing?.Required ?? false,
            Unique = input.Unique ?? (type.IsIndexable() ? existing?.Unique : null) ?? false,
            Indexed = input.Indexed ?? (type.IsIndexable() ? existing?.Indexed : null) ?? false,
            DefaultValue = input.ClearDefaultValue ? null : input.DefaultValue ?? keep?.DefaultValue,
            MaxLength = input.MaxLength ?? keep?.MaxLength,
            Precision = input.Precision ?? keep?.Precision,
            Scale = input.Scale ?? keep?.Scale,
            Values = input.Values ?? keep?.Values ?? [],
            Target = input.Target ?? keep?.Target,
            CascadeDelete = input.CascadeDelete ?? (type == FieldType.MasterDetail ? keep?.CascadeDelete : null) ?? false,
            HelpText = input.HelpText ?? existing?.HelpText,
            Secured = input.Secured ?? existing?.Secured ?? false,
            TrackHistory = input.TrackHistory ?? existing?.TrackHistory ?? false,
            DisplayFormat = input.DisplayFormat ?? keep?.DisplayFormat,
            StartingNumber = input.StartingNumber ?? keep?.StartingNumber,
        };

        ValidateOptions(metadata, owner, field, existing, errors);
        errors.ThrowIfAny();
        return field;
    }

    public static string? ValidateAutoNumberFormat(string format) =>
        NumberToken().Matches(format).Count != 1 || format.Length > 40 || format.Any(char.IsControl)
            ? "An auto-number format needs exactly one number token such as {0000}, and at most 40 characters."
            : null;

    private static bool SameOptionFamily(FieldType a, FieldType b) =>
        (a.IsDecimal() && b.IsDecimal()) || (a.IsRelation() && b.IsRelation())
        || (a is FieldType.Picklist or FieldType.MultiPicklist && b is FieldType.Picklist or FieldType.MultiPicklist)
        || (a is FieldType.Text or FieldType.LongText && b is FieldType.Text or FieldType.LongText);

    public static void ValidateLabel(string path, string? label, FieldErrorList errors)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            errors.Add(path, "A label is required.");
        }
        else if (label.Length > MaxLabelLength)
        {
            errors.Add(path, $"A label may be at most {MaxLabelLength} characters.");
        }
        else if (label.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(path, "A label may not contain NUL characters.");
        }
    }

    private static void ValidateNewName(ObjectDefinition owner, string? apiName, FieldErrorList errors)
    {
        var problem = ApiNames.ValidateFieldName(apiName);
        if (problem is not null)
        {
            errors.Add("apiName", problem);
            return;
        }

        // Column names are compared without case because SQLite identifiers are case-insensitive.
        var clash = owner.Fields.FirstOrDefault(f => string.Equals(f.ApiName, apiName, StringComparison.OrdinalIgnoreCase));
        if (clash is not null)
        {
            errors.Add("apiName", clash.IsDeleted
                ? $"A deleted field '{clash.ApiName}' still holds this name; restore or purge it first."
                : $"The object already has a field '{clash.ApiName}'.");
        }
    }

    private static void ValidateOptions(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition field, FieldDefinition? existing, FieldErrorList errors)
    {
        var type = field.Type;
        if (field.HelpText is { Length: > 1000 } || field.HelpText?.Contains('\0', StringComparison.Ordinal) == true)
        {
            errors.Add("helpText", "Help text may be at most 1000 characters, without NUL characters.");
        }

        if (field.MaxLength is { } max)
        {
            var limit = type == FieldType.LongText ? FieldTypeInfo.MaxLongTextLength : FieldTypeInfo.MaxTextLength;
            if (!type.IsTextual() || type is FieldType.Picklist or FieldType.AutoNumber)
            {
                errors.Add("maxLength", $"maxLength applies only to text fields, not {type.ToContractName()}.");
            }
            else if (max < 1 || max > limit)
            {
                errors.Add("maxLength", $"maxLength must be between 1 and {limit}.");
            }
        }

        if (field.Precision is not null || field.Scale is not null)
        {
            if (!type.IsDecimal())
            {
                errors.Add("precision", $"precision and scale apply only to NUMBER, CURRENCY and PERCENT, not {type.ToContractName()}.");
            }
            else if (field.EffectivePrecision is < 1 or > FieldTypeInfo.MaxPrecision)
            {
                errors.Add("precision", $"precision must be between 1 and {FieldTypeInfo.MaxPrecision}.");
            }
            else if (field.EffectiveScale < 0 || field.EffectiveScale > field.EffectivePrecision)
            {
                errors.Add("scale", "scale must be between 0 and the precision.");
            }
        }

        ValidatePicklist(field, errors);
        ValidateRelation(metadata, owner, field, existing, errors);

        if ((field.Unique || field.Indexed) && !type.IsIndexable())
        {
            errors.Add(field.Unique ? "unique" : "indexed", $"{type.ToContractName()} fields cannot be indexed or unique.");
        }

        if (field.CascadeDelete && type != FieldType.MasterDetail)
        {
            errors.Add("cascadeDelete", "cascadeDelete applies only to MASTER_DETAIL fields.");
        }

        if (type == FieldType.AutoNumber)
        {
            if (ValidateAutoNumberFormat(field.DisplayFormat ?? "{000000}") is { } formatProblem)
            {
                errors.Add("displayFormat", formatProblem);
            }

            if (field.StartingNumber is < 0)
            {
                errors.Add("startingNumber", "The starting number may not be negative.");
            }

            if (field.Required || field.DefaultValue is not null)
            {
                errors.Add("type", "AUTO_NUMBER fields are filled by the platform: they take no required flag or default.");
            }
        }
        else if (field.DisplayFormat is not null || field.StartingNumber is not null)
        {
            errors.Add("displayFormat", "displayFormat and startingNumber apply only to AUTO_NUMBER fields.");
        }

        if (field.DefaultValue is not null)
        {
            if (!type.AcceptsDefault())
            {
                errors.Add("defaultValue", $"{type.ToContractName()} fields take no default value.");
            }
            else if (!FieldValueCoercer.TryCoerce(field, field.DefaultValue, out _, out var problem))
            {
                errors.Add("defaultValue", problem!);
            }
        }
    }

    private static void ValidatePicklist(FieldDefinition field, FieldErrorList errors)
    {
        var isPicklist = field.Type is FieldType.Picklist or FieldType.MultiPicklist;
        if (!isPicklist)
        {
            if (field.Values.Count > 0)
            {
                errors.Add("values", "values apply only to PICKLIST and MULTI_PICKLIST fields.");
            }

            return;
        }

        if (field.Values.Count == 0)
        {
            errors.Add("values", "A picklist needs at least one value.");
        }
        else if (field.Values.Count > MaxPicklistValues)
        {
            errors.Add("values", $"A picklist may have at most {MaxPicklistValues} values.");
        }
        else if (field.Values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 255 || v.Any(char.IsControl)
                     || (field.Type == FieldType.MultiPicklist && v.Contains(';', StringComparison.Ordinal))))
        {
            errors.Add("values", "Picklist values must be non-blank, at most 255 characters, free of control characters and (for multi-picklists) of ';'.");
        }
        else if (field.Values.Distinct(StringComparer.Ordinal).Count() != field.Values.Count)
        {
            errors.Add("values", "Picklist values must be unique.");
        }
    }

    private static void ValidateRelation(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition field, FieldDefinition? existing, FieldErrorList errors)
    {
        if (!field.Type.IsRelation())
        {
            if (field.Target is not null)
            {
                errors.Add("target", "target applies only to LOOKUP and MASTER_DETAIL fields.");
            }

            return;
        }

        if (field.Target is null)
        {
            errors.Add("target", "A relation needs a target object.");
            return;
        }

        if (existing is not null && existing.Type.IsRelation() && existing.Target != field.Target)
        {
            errors.Add("target", "The target of a relation cannot change; create a new field instead.");
        }

        if (metadata.FindObject(field.Target) is null && field.Target != owner.ApiName)
        {
            errors.Add("target", $"There is no object '{field.Target}'.");
        }

        if (field.Type == FieldType.MasterDetail && field.Target == owner.ApiName)
        {
            errors.Add("target", "A master-detail relation cannot point at its own object.");
        }
    }
}
