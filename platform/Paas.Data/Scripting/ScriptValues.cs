using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;

namespace Paas.Data.Scripting;

/// <summary>Converts between the platform's canonical record values and the plain data that crosses into scripts.</summary>
public static class ScriptValues
{
    /// <summary>A record as a script sees it: API names to plain values (ids as strings, dates as ISO text, lists, objects).</summary>
    public static Dictionary<string, object?> ToPlain(IReadOnlyDictionary<string, object?> record)
    {
        var plain = new Dictionary<string, object?>(record.Count, StringComparer.Ordinal);
        foreach (var (name, value) in record)
        {
            plain[name] = ToPlainValue(value);
        }

        return plain;
    }

    public static object? ToPlainValue(object? value) => value switch
    {
        null => null,
        string or bool or long or int or double or decimal => value,
        Guid g => g.ToString(),
        DateOnly or DateTimeOffset => FieldValueCoercer.ToPlain(value),
        string[] items => items.Cast<object?>().ToList(),
        JsonElement json => FromJson(json),
        IReadOnlyDictionary<string, object?> nested => ToPlain(nested),
        IDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => ToPlainValue(kv.Value), StringComparer.Ordinal),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(ToPlainValue).ToList(),
        _ => value.ToString(),
    };

    /// <summary>A value a script produced, made acceptable to <see cref="FieldValueCoercer"/> for <paramref name="field"/>.</summary>
    public static object? FromScript(FieldDefinition field, object? value) => value switch
    {
        // JavaScript has only doubles: 110.00000000000001 for a currency is meant as 110.00.
        double d when field.Type.IsDecimal() && !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 7.9e27 =>
            Math.Round((decimal)d, field.EffectiveScale, MidpointRounding.ToEven),
        List<object?> list when field.Type == FieldType.MultiPicklist => list.Select(v => v?.ToString()).ToList(),
        Dictionary<string, object?> or List<object?> when field.Type == FieldType.Json => JsonSerializer.SerializeToElement(value),
        _ => value,
    };

    /// <summary>Coerces what a script set on <paramref name="field"/>; a bad value is the script's error, reported on the field.</summary>
    public static object? Coerce(FieldDefinition field, object? value, string path, FieldErrorList errors)
    {
        if (!FieldValueCoercer.TryCoerce(field, FromScript(field, value), out var coerced, out var problem))
        {
            errors.Add(path, problem!);
        }

        return coerced;
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
