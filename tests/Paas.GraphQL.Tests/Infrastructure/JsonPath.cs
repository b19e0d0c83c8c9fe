using System.Globalization;
using System.Text.Json;

namespace Paas.GraphQL.Tests.Infrastructure;

public static class JsonPath
{
    /// <summary>Walks a dotted path: <c>"opportunities.nodes.0.account.name"</c>.</summary>
    public static JsonElement At(this JsonElement element, string path)
    {
        var current = element;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                current = current[index];
            }
            else
            {
                Assert.True(current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out current),
                    $"No '{part}' in {element.GetRawText()} (path {path})");
            }
        }

        return current;
    }

    public static string? Str(this JsonElement element, string path) => element.At(path).GetString();

    public static IReadOnlyList<JsonElement> List(this JsonElement element, string path) => element.At(path).EnumerateArray().ToList();
}
