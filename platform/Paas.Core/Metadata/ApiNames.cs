using System.Text.RegularExpressions;

namespace Paas.Core.Metadata;

/// <summary>The naming rules of the contract and the names the platform keeps for itself.</summary>
public static partial class ApiNames
{
    public const int MaxLength = 40;

    [GeneratedRegex(@"^([a-z][a-z0-9]{1,14}__)?[A-Z][A-Za-z0-9]{0,39}\z")]
    private static partial Regex ObjectPattern();

    [GeneratedRegex(@"^([a-z][a-z0-9]{1,14}__)?[a-z][A-Za-z0-9]{0,39}\z")]
    private static partial Regex FieldPattern();

    [GeneratedRegex(@"^([a-z][a-z0-9]{1,14}__)?[a-z][A-Za-z0-9]{0,49}\z")]
    private static partial Regex PluralPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,38}[a-z0-9]\z")]
    private static partial Regex SlugPattern();

    /// <summary>Object names that would collide with the generated schema's own types.</summary>
    private static readonly HashSet<string> ReservedObjectNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Query", "Mutation", "Subscription", "String", "Int", "Float", "Boolean", "ID", "Long", "Decimal",
        "Date", "DateTime", "JSON", "PageInfo", "SortDirection", "Node", "Object", "Field", "Index", "Metadata",
        "Platform", "Tenant", "User", "Role", "Group", "Permission", "Record", "Schema", "Type", "Enum",
        "Directive", "Aggregate", "Connection", "Edge", "Filter", "Error", "System", "Table",
    };

    /// <summary>Generated type names end in these; an object name ending in one could collide with another object's types.</summary>
    private static readonly string[] ReservedObjectSuffixes =
    [
        "Filter", "OrderBy", "Connection", "Edge", "CreateInput", "UpdateInput", "AggregateGroup", "Aggregate",
        "MatchField", "GroupBy", "Input", "Fields",
    ];

    /// <summary>Field names taken by the platform or by the generated filter and connection types.</summary>
    private static readonly HashSet<string> ReservedFieldNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "cursor", "node", "nodes", "edges", "totalCount", "pageInfo", "history", "key",
        "count", "sum", "avg", "min", "max", "groupBy", "having", "owner", "deleted", "isDeleted", "deletedAt",
        "typename", "approvals", "stageHistory", "true", "false", "null", "isNull",
    };

    public static string? ValidateObjectName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "An object API name is required.";
        }

        if (!ObjectPattern().IsMatch(name))
        {
            return "An object API name must be PascalCase: a capital letter, then up to 39 letters or digits (optionally after a package prefix 'ns__').";
        }

        var bare = StripNamespace(name);
        if (ReservedObjectNames.Contains(bare))
        {
            return $"'{name}' is reserved by the platform.";
        }

        var suffix = ReservedObjectSuffixes.FirstOrDefault(s => bare.EndsWith(s, StringComparison.Ordinal) && bare.Length > s.Length);
        return suffix is null ? null : $"An object API name may not end in '{suffix}': the platform generates types with that suffix.";
    }

    public static string? ValidateFieldName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A field API name is required.";
        }

        if (!FieldPattern().IsMatch(name))
        {
            return "A field API name must be camelCase: a small letter, then up to 39 letters or digits (optionally after a package prefix 'ns__').";
        }

        return SystemFields.All.Contains(name) || ReservedFieldNames.Contains(name)
            ? $"'{name}' is reserved by the platform."
            : null;
    }

    /// <summary>Plurals may be a little longer than names, so that every valid 40-character name has its English plural.</summary>
    public static string? ValidatePluralName(string? name) =>
        string.IsNullOrEmpty(name) || !PluralPattern().IsMatch(name)
            ? "A plural API name must be camelCase: a small letter, then up to 49 letters or digits."
            : null;

    public static bool IsValidSlug(string? slug) => slug is not null && SlugPattern().IsMatch(slug) && !slug.Contains("--", StringComparison.Ordinal);

    /// <summary><c>Opportunity</c> → <c>opportunity</c>; <c>acme__Invoice</c> → <c>acme__invoice</c>.</summary>
    public static string ToCamelCase(string objectName)
    {
        var prefixEnd = objectName.IndexOf("__", StringComparison.Ordinal);
        var start = prefixEnd >= 0 ? prefixEnd + 2 : 0;
        return string.Concat(objectName.AsSpan(0, start), char.ToLowerInvariant(objectName[start]).ToString(), objectName.AsSpan(start + 1));
    }

    /// <summary>The English plural of a camelCase name: opportunity → opportunities, address → addresses.</summary>
    public static string Pluralize(string word)
    {
        static bool EndsWith(string w, string s) => w.EndsWith(s, StringComparison.OrdinalIgnoreCase);

        if (EndsWith(word, "y") && word.Length > 1 && !"aeiou".Contains(char.ToLowerInvariant(word[^2])))
        {
            return word[..^1] + "ies";
        }

        if (EndsWith(word, "s") || EndsWith(word, "x") || EndsWith(word, "z") || EndsWith(word, "ch") || EndsWith(word, "sh"))
        {
            return word + "es";
        }

        return word + "s";
    }

    private static string StripNamespace(string name)
    {
        var index = name.IndexOf("__", StringComparison.Ordinal);
        return index >= 0 ? name[(index + 2)..] : name;
    }
}
