using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using Paas.Data.Query;
using Paas.Data.Sql;

namespace Paas.Data.Metadata;

/// <summary>Validates a FORMULA or ROLLUP field against the metadata and produces its definition (no column is created).</summary>
public static class ComputedFieldBuilder
{
    private static readonly FieldType[] FormulaReturnTypes =
        [FieldType.Text, FieldType.Number, FieldType.Currency, FieldType.Percent, FieldType.Integer, FieldType.Boolean, FieldType.Date, FieldType.DateTime];

    public static FieldDefinition Build(TenantMetadata metadata, ObjectDefinition owner, FieldInput input, FieldDefinition? existing, ISqlDialect dialect)
    {
        var errors = new FieldErrorList();
        var type = existing?.Type ?? input.Type!.Value;
        if (existing is null)
        {
            if (ApiNames.ValidateFieldName(input.ApiName) is { } problem)
            {
                errors.Add("apiName", problem);
            }
            else if (owner.Fields.FirstOrDefault(f => string.Equals(f.ApiName, input.ApiName, StringComparison.OrdinalIgnoreCase)) is { } clash)
            {
                errors.Add("apiName", $"The object already has a field '{clash.ApiName}'.");
            }
        }
        else if (input.Type is not null && input.Type != existing.Type)
        {
            errors.Add("type", "A computed field's type cannot change; create a new field instead.");
        }

        foreach (var (given, name) in new[] { (input.Required is true, "required"), (input.Unique is true, "unique"), (input.Indexed is true, "indexed"),
                     (input.DefaultValue is not null, "defaultValue"), (input.TrackHistory is true, "trackHistory"), (input.Values is not null, "values"),
                     (input.Target is not null, "target") })
        {
            if (given)
            {
                errors.Add(name, $"A {type.ToContractName()} field is computed: it takes no '{name}'.");
            }
        }

        var label = input.Label ?? existing?.Label;
        FieldDefinitionBuilder.ValidateLabel("label", label, errors);
        errors.ThrowIfAny();

        var field = new FieldDefinition
        {
            ApiName = existing?.ApiName ?? input.ApiName!,
            Label = label!,
            Type = type,
            Column = existing?.Column ?? input.ApiName!,
            HelpText = input.HelpText ?? existing?.HelpText,
            Secured = input.Secured ?? existing?.Secured ?? false,
            Formula = input.Formula ?? existing?.Formula,
            ReturnType = input.ReturnType ?? existing?.ReturnType,
            Precision = input.Precision ?? existing?.Precision,
            Scale = input.Scale ?? existing?.Scale,
            Rollup = input.Rollup ?? existing?.Rollup,
        };
        if (field.HelpText is { Length: > 1000 })
        {
            throw PaasException.Validation("helpText", "Help text may be at most 1000 characters.");
        }

        return type == FieldType.Formula ? Formula(metadata, owner, field, dialect) : Rollup(metadata, owner, field, dialect);
    }

    private static FieldDefinition Formula(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition field, ISqlDialect dialect)
    {
        if (string.IsNullOrWhiteSpace(field.Formula))
        {
            throw PaasException.Validation("formula", "A FORMULA field needs a formula.");
        }

        if (field.ReturnType is not { } returnType || !FormulaReturnTypes.Contains(returnType))
        {
            throw PaasException.Validation("returnType", $"A formula returns one of {string.Join(", ", FormulaReturnTypes.Select(t => t.ToContractName()))}.");
        }

        if (returnType.IsDecimal() && field.Scale is { } scale && (scale < 0 || scale > 8))
        {
            throw PaasException.Validation("scale", "A formula's scale is from 0 to 8.");
        }

        field = field with { Scale = returnType.IsDecimal() ? field.Scale ?? 2 : null, Precision = returnType.IsDecimal() ? 18 : null };
        var analysis = FormulaCompiler.Analyze(metadata, owner.WithField(field), field);
        if (analysis.IsSqlCompilable)
        {
            // Render once for the dialect, so that a formula that cannot run is refused now rather than on every read.
            FormulaSql.Render(analysis, field, dialect, "r", o => dialect.Quote(o.Table));
        }
        else
        {
            // Computed after the read in the sandbox: the generated script must parse like any deployed script.
            FormulaScript.ToJavaScript(analysis, "ctx.record");
        }

        return field;
    }

    private static FieldDefinition Rollup(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition field, ISqlDialect dialect)
    {
        var rollup = field.Rollup ?? throw PaasException.Validation("rollup", "A ROLLUP field needs rollup: {childObject, relationship, function, field, filter}.");
        var child = metadata.FindObject(rollup.ChildObject) ?? throw PaasException.Validation("rollup.childObject", $"There is no object '{rollup.ChildObject}'.");
        var relation = child.FindField(rollup.Relationship);
        if (relation is not { Type: FieldType.MasterDetail } || relation.Target != owner.ApiName)
        {
            throw PaasException.Validation("rollup.relationship", $"'{child.ApiName}.{rollup.Relationship}' must be a MASTER_DETAIL field pointing at '{owner.ApiName}'.");
        }

        FieldType valueType;
        int? scale = null, precision = null;
        if (rollup.Function == RollupFunction.Count)
        {
            if (rollup.Field is not null)
            {
                throw PaasException.Validation("rollup.field", "COUNT counts records; it takes no field.");
            }

            valueType = FieldType.Integer;
        }
        else
        {
            var aggregated = rollup.Field is null ? null : child.FindField(rollup.Field);
            var allowed = rollup.Function == RollupFunction.Sum
                ? aggregated?.Type.IsNumeric() == true
                : aggregated is not null && (aggregated.Type.IsNumeric() || aggregated.Type.IsTemporal());
            if (!allowed || aggregated!.IsComputed)
            {
                throw PaasException.Validation("rollup.field", rollup.Function == RollupFunction.Sum
                    ? $"SUM needs a stored number field of '{child.ApiName}'."
                    : $"MIN and MAX need a stored number, date or date-time field of '{child.ApiName}'.");
            }

            valueType = aggregated.Type;
            scale = aggregated.Scale;
            precision = aggregated.Precision;
        }

        field = field with { ReturnType = valueType, Scale = scale, Precision = precision, Formula = null };
        if (rollup.Filter is not null)
        {
            if (rollup.Filter.Length > 10_000)
            {
                throw PaasException.Validation("rollup.filter", "A roll-up filter may be at most 10,000 characters.");
            }

            // Compiling it now reports unknown fields and bad operators at definition time.
            var statement = new SqlStatement(dialect);
            try
            {
                new FilterCompiler(statement, metadata, o => dialect.Quote(o.Table)).Compile(child, "c", ComputedFields.ParseFilter(rollup.Filter));
            }
            catch (System.Text.Json.JsonException)
            {
                throw PaasException.Validation("rollup.filter", "The roll-up filter is not valid JSON.");
            }
            catch (PaasException error) when (error.Code == ErrorCodes.ValidationFailed)
            {
                throw PaasException.Validation("rollup.filter", error.FieldErrors.Count > 0 ? error.FieldErrors[0].Message : error.Message);
            }
        }

        return field;
    }
}
