using System.Text.Json;

namespace Paas.Data.Tests.Support;

/// <summary>
/// Builds the plain values a GraphQL resolver hands to the data layer (maps, lists, strings, longs, decimals, booleans)
/// from JSON text, so that filters and record inputs read like the requests that carry them.
/// </summary>
public static class Json
{
    /// <summary>A JSON object as a map of plain values.</summary>
    public static Dictionary<string, object?> Map(string json)
    {
        using var document = JsonDocument.Parse(json);
        return (Dictionary<string, object?>)Plain(document.RootElement)!;
    }

    /// <summary>A JSON array of objects as a list of maps.</summary>
    public static List<IReadOnlyDictionary<string, object?>> Maps(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(e => (IReadOnlyDictionary<string, object?>)Plain(e)!).ToList();
    }

    /// <summary>A JSON value (as the canonical JsonElement a JSON field holds).</summary>
    public static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

public static class JsonTextExtensions
{
    /// <summary>Replaces the tokens <c>@0</c>, <c>@1</c>… of a JSON text with the given values (ids and the like).</summary>
    public static string With(this string json, params object[] values)
    {
        for (var i = values.Length - 1; i >= 0; i--)
        {
            json = json.Replace("@" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return json;
    }
}
