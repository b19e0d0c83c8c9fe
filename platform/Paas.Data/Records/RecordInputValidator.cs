using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;

namespace Paas.Data.Records;

/// <summary>Coerces and validates one record's input against its object's fields, collecting every bad field.</summary>
public static class RecordInputValidator
{
    /// <param name="creating">On create, defaults apply and required fields must be present.</param>
    public static Dictionary<string, object?> Validate(ObjectDefinition definition, IReadOnlyDictionary<string, object?> input, bool creating, string prefix, FieldErrorList errors)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, raw) in input)
        {
            var path = prefix + key;
            var field = definition.FindField(key);
            if (field is null)
            {
                errors.Add(path, $"'{definition.ApiName}' has no field '{key}'.");
                continue;
            }

            if (!field.IsWritable)
            {
                errors.Add(path, field.Type == FieldType.AutoNumber ? "The platform numbers this field; it cannot be set." : "This system field is read-only.");
                continue;
            }

            if (FieldValueCoercer.TryCoerce(field, raw, out var value, out var problem))
            {
                values[key] = value;
            }
            else
            {
                errors.Add(path, problem!);
            }
        }

        foreach (var field in definition.LiveFields.Where(f => f.IsWritable))
        {
            var given = input.ContainsKey(field.ApiName);
            if (creating && !given && field.DefaultValue is not null && FieldValueCoercer.TryCoerce(field, field.DefaultValue, out var fallback, out _))
            {
                values[field.ApiName] = fallback;
            }

            var missing = creating ? values.GetValueOrDefault(field.ApiName) is null : given && values.TryGetValue(field.ApiName, out var v) && v is null;
            if (field.Required && missing && !errors.Errors.Any(e => e.Field == prefix + field.ApiName))
            {
                errors.Add(prefix + field.ApiName, "A value is required.");
            }
        }

        return values;
    }
}
