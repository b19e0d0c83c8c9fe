namespace Paas.Workflows.Definitions;

/// <summary>Field paths of errors in a definition: <c>definition.steps[2].outcomes.rejected</c>.</summary>
internal static class DefinitionPaths
{
    public const string Root = "definition";

    public static string Step(int index) => $"{Root}.steps[{index}]";

    public static string Child(string parent, string property) => $"{parent}.{property}";

    /// <summary>A NJsonSchema path (<c>#/steps[1].name</c>) or a System.Text.Json path (<c>$.steps[1].name</c>) as a field path.</summary>
    public static string FromDocumentPath(string? path)
    {
        var rest = path ?? "";
        foreach (var prefix in (string[])["#/", "#", "$.", "$"])
        {
            if (rest.StartsWith(prefix, StringComparison.Ordinal) && !(prefix == "$" && rest.Length > 1 && rest[1] != '['))
            {
                rest = rest[prefix.Length..];
                break;
            }
        }

        if (rest.Length == 0)
        {
            return Root;
        }

        return rest[0] == '[' ? Root + rest : Root + "." + rest.TrimStart('.');
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsWithin(string path, string ancestor) =>
        path == ancestor
        || (path.Length > ancestor.Length && path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] is '.' or '[');
}
