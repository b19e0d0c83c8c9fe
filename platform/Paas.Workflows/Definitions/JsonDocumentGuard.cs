using System.Text;
using System.Text.Json;
using Paas.Core.Errors;

namespace Paas.Workflows.Definitions;

/// <summary>
/// The checks made before a definition is parsed for real: its size, that it is one well-formed JSON value, its nesting
/// depth and duplicate property names (which parsers resolve differently). Reads the text once, without building a tree.
/// </summary>
internal static class JsonDocumentGuard
{
    public const int MaxBytes = 256 * 1024;
    public const int MaxDepth = 32;

    private const string InvalidText = "Is not valid Unicode text: it has an unpaired surrogate (such as \\ud800).";

    /// <summary>The problems found; empty when the document may be parsed.</summary>
    public static IReadOnlyList<FieldError> Check(string json)
    {
        if (json.Length > MaxBytes || Encoding.UTF8.GetByteCount(json) > MaxBytes)
        {
            return [new FieldError(DefinitionPaths.Root, $"The definition is too large: at most {MaxBytes / 1024} KB of JSON are accepted.")];
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = MaxDepth * 2 });
        var scope = new JsonPathTracker();
        var errors = new List<FieldError>();
        try
        {
            while (reader.Read())
            {
                if (Visit(ref reader, scope, errors) is { } tooDeep)
                {
                    return [tooDeep];
                }
            }
        }
        catch (JsonException ex)
        {
            var position = ex is { LineNumber: { } line, BytePositionInLine: { } column }
                ? $" near line {line + 1}, position {column + 1}"
                : "";
            return [new FieldError(DefinitionPaths.Root, $"The definition is not valid JSON{position}.")];
        }

        return errors;
    }

    private static FieldError? Visit(ref Utf8JsonReader reader, JsonPathTracker scope, List<FieldError> errors)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                if (reader.CurrentDepth >= MaxDepth)
                {
                    return new FieldError(DefinitionPaths.Root, $"The definition is nested too deeply: at most {MaxDepth} levels are accepted.");
                }

                scope.Enter(reader.TokenType == JsonTokenType.StartArray);
                break;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                scope.Leave();
                break;
            case JsonTokenType.PropertyName:
                var name = Text(ref reader);
                if (name is null)
                {
                    _ = scope.Name("\uFFFD");
                    errors.Add(new FieldError(scope.Path(), InvalidText));
                }
                else if (!scope.Name(name))
                {
                    errors.Add(new FieldError(scope.Path(), $"The property '{Shorten(name)}' appears more than once."));
                }

                break;
            case JsonTokenType.String when Text(ref reader) is null:
                errors.Add(new FieldError(scope.Path(), InvalidText));
                scope.ValueDone();
                break;
            default:
                scope.ValueDone();
                break;
        }

        return null;
    }

    /// <summary>The string, or null when its escapes are not valid UTF-16 (an unpaired surrogate such as <c>\ud800</c>).</summary>
    private static string? Text(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
