using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Paas.Workflows.Definitions;

/// <summary>Readable messages for NJsonSchema's error kinds, using the limits and hints of the schema that failed.</summary>
internal static class ErrorMessages
{
    private const string PatternHint = "patternErrorMessage";
    private const string PropertyNameHint = "propertyNameErrorMessage";

    /// <param name="alternative">The <c>oneOf</c> alternative being reported (a step or approver type), if any.</param>
    public static string Describe(ValidationError error, JsonSchema? alternative)
    {
        var schema = error.Schema;
        var within = alternative is not null && ReferenceEquals(schema, alternative) && alternative.Title is { } title ? title + "s" : null;
        var message = error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => within is null ? "This property is required." : $"This property is required for {within}.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => UnknownProperty(error, within),
            ValidationErrorKind.NotInEnumeration =>
                $"{Quote(error.Token)} is not allowed: expected one of {string.Join(", ", schema.Enumeration.Select(v => v?.ToString()))}.",
            ValidationErrorKind.PatternMismatch => $"{Quote(error.Token)} is not valid. {Hint(schema, PatternHint) ?? $"It must match {schema.Pattern}."}",
            ValidationErrorKind.StringTooLong => $"At most {schema.MaxLength} characters are allowed (got {Length(error.Token)}).",
            ValidationErrorKind.StringTooShort => schema.MinLength == 1 ? "Must not be empty." : $"At least {schema.MinLength} characters are required.",
            ValidationErrorKind.TooManyItems => $"At most {schema.MaxItems} entries are allowed (got {Count(error.Token)}).",
            ValidationErrorKind.TooFewItems => $"At least {schema.MinItems} {Entries(schema.MinItems)} required.",
            ValidationErrorKind.TooManyProperties => $"At most {schema.MaxProperties} entries are allowed (got {Count(error.Token)}).",
            ValidationErrorKind.TooFewProperties => $"At least {schema.MinProperties} {Entries(schema.MinProperties)} required.",
            ValidationErrorKind.NumberTooSmall => $"Must be at least {Number(schema.Minimum ?? schema.ExclusiveMinimum)}.",
            ValidationErrorKind.NumberTooBig => $"Must be at most {Number(schema.Maximum ?? schema.ExclusiveMaximum)}.",
            ValidationErrorKind.StringExpected => "Must be a string (text in double quotes).",
            ValidationErrorKind.NumberExpected => "Must be a number.",
            ValidationErrorKind.IntegerExpected => "Must be a whole number.",
            ValidationErrorKind.BooleanExpected => "Must be true or false.",
            ValidationErrorKind.ObjectExpected => "Must be an object ({ … }).",
            ValidationErrorKind.ArrayExpected => "Must be an array ([ … ]).",
            ValidationErrorKind.ItemsNotUnique => "The entries must be different from each other.",
            _ => $"Is not valid ({error.Kind}).",
        };
        return error.HasLineInfo ? $"{message} (line {error.LineNumber}, column {error.LinePosition})" : message;
    }

    /// <summary>" (line 3, column 14)" for a token read with line information, else nothing.</summary>
    public static string Position(IJsonLineInfo? token) =>
        token is { } info && info.HasLineInfo() ? $" (line {info.LineNumber}, column {info.LinePosition})" : "";

    /// <summary>A JSON value as it was written, shortened to 40 characters.</summary>
    public static string Quote(JToken? token)
    {
        var text = token?.ToString(Formatting.None) ?? "null";
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    private static string UnknownProperty(ValidationError error, string? within)
    {
        var name = Quote(new JValue(error.Property));
        if (error.Schema.PatternProperties.Count > 0)
        {
            return $"{name} is not a valid field name. {Hint(error.Schema, PropertyNameHint) ?? ""}".TrimEnd();
        }

        return within is null ? $"Unknown property {name}." : $"Unknown property {name}: not allowed for {within}.";
    }

    private static string? Hint(JsonSchema schema, string keyword) =>
        schema.ExtensionData is { } data && data.TryGetValue(keyword, out var hint) ? hint?.ToString() : null;

    private static string Entries(int count) => count == 1 ? "entry is" : "entries are";

    private static int Length(JToken? token) => token is JValue { Value: string s } ? s.Length : 0;

    private static int Count(JToken? token) => token is JContainer container ? container.Count : 0;

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
