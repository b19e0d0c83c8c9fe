using System.Collections;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Data.Sql;

namespace Paas.Data.Query;

/// <summary>
/// Compiles a GraphQL filter (<c>{amount: {gt: 5}, or: [...], account: {industry: {eq: "x"}}}</c>) into a SQL predicate.
/// Field names are looked up in metadata (never copied into SQL); values become parameters.
/// </summary>
/// <param name="access">The caller's read predicate for a related object's alias, applied inside relation conditions.</param>
public sealed class FilterCompiler(SqlStatement statement, TenantMetadata metadata, Func<ObjectDefinition, string> table,
    Func<ObjectDefinition, string, string?>? access = null)
{
    private readonly ISqlDialect _d = statement.Dialect;
    private int _conditions;
    private int _aliases;

    public string Compile(ObjectDefinition definition, string alias, IReadOnlyDictionary<string, object?> filter) =>
        CompileObject(definition, alias, filter, "filter", 0);

    private string CompileObject(ObjectDefinition definition, string alias, IReadOnlyDictionary<string, object?> filter, string path, int depth)
    {
        if (depth > QueryLimits.MaxFilterDepth)
        {
            throw PaasException.LimitExceeded("filterDepth", $"A filter may nest at most {QueryLimits.MaxFilterDepth} levels.");
        }

        var parts = new List<string>();
        foreach (var (key, value) in filter)
        {
            var at = $"{path}.{key}";
            if (value is null)
            {
                continue;
            }

            switch (key)
            {
                case "and":
                case "or":
                    var items = AsList(value, at).Select((item, i) => CompileObject(definition, alias, AsMap(item, $"{at}[{i}]"), $"{at}[{i}]", depth + 1)).ToList();
                    if (items.Count > 0)
                    {
                        parts.Add("(" + string.Join(key == "and" ? " AND " : " OR ", items) + ")");
                    }
                    else if (key == "or")
                    {
                        parts.Add("1=0");
                    }

                    break;
                case "not":
                    // IS NOT TRUE rather than NOT: a condition that is unknown for empty values must not hide those records.
                    parts.Add("(" + CompileObject(definition, alias, AsMap(value, at), at, depth + 1) + ") IS NOT TRUE");
                    break;
                case "isNull":
                    // A record reached at the top level always exists; under a relation this is handled on the relation column.
                    parts.Add(value is true ? "1=0" : "1=1");
                    break;
                default:
                    var field = definition.FindField(key) ?? throw PaasException.Validation(at, $"'{definition.ApiName}' has no field '{key}'.");
                    parts.Add(field.Type.IsRelation()
                        ? CompileRelation(field, alias, AsMap(value, at), at, depth)
                        : field.IsComputed
                            ? CompileField(ComputedFields.ValueField(field), ComputedFields.Expression(statement, metadata, table, definition, field, alias), AsMap(value, at), at)
                            : CompileField(field, $"{alias}.{_d.Quote(field.Column)}", AsMap(value, at), at));
                    break;
            }
        }

        return parts.Count == 0 ? "1=1" : string.Join(" AND ", parts);
    }

    /// <summary>Conditions on the related record's id apply to the relation column itself; others go through a subquery.</summary>
    private string CompileRelation(FieldDefinition field, string alias, IReadOnlyDictionary<string, object?> filter, string path, int depth)
    {
        var target = metadata.FindObject(field.Target!) ?? throw PaasException.Validation(path, $"'{field.Target}' is not available.");
        var column = $"{alias}.{_d.Quote(field.Column)}";
        var parts = new List<string>();
        var rest = new Dictionary<string, object?>();
        foreach (var (key, value) in filter)
        {
            if (key == SystemFields.Id && value is not null)
            {
                parts.Add(CompileField(field with { Type = FieldType.Id }, column, AsMap(value, $"{path}.id"), $"{path}.id"));
            }
            else if (key == "isNull" && value is bool isNull)
            {
                parts.Add(isNull ? $"{column} IS NULL" : $"{column} IS NOT NULL");
            }
            else
            {
                rest[key] = value;
            }
        }

        if (rest.Count > 0)
        {
            var sub = "r" + (++_aliases).ToString(System.Globalization.CultureInfo.InvariantCulture) + "_" + depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var inner = CompileObject(target, sub, rest, path, depth + 1);
            if (access?.Invoke(target, sub) is { } visible)
            {
                inner = $"({inner}) AND {visible}";
            }

            parts.Add($"{column} IN (SELECT {sub}.{_d.Quote(target.IdField.Column)} FROM {table(target)} {sub} WHERE {inner})");
        }

        return parts.Count == 0 ? "1=1" : string.Join(" AND ", parts);
    }

    private string CompileField(FieldDefinition field, string column, IReadOnlyDictionary<string, object?> operators, string path)
    {
        var parts = new List<string>();
        var comparable = CursorCodec.RelaxedForComparison(field);
        foreach (var (op, value) in operators)
        {
            if (++_conditions > QueryLimits.MaxFilterConditions)
            {
                throw PaasException.LimitExceeded("filterConditions", $"A filter may have at most {QueryLimits.MaxFilterConditions} conditions.");
            }

            var at = $"{path}.{op}";
            if (value is null && op != "isNull")
            {
                continue;
            }

            parts.Add(op switch
            {
                "eq" => $"{column} = {Bound(comparable, value, at)}",
                "neq" => $"({column} <> {Bound(comparable, value, at)} OR {column} IS NULL)",
                "gt" => $"{column} > {Bound(comparable, value, at)}",
                "gte" => $"{column} >= {Bound(comparable, value, at)}",
                "lt" => $"{column} < {Bound(comparable, value, at)}",
                "lte" => $"{column} <= {Bound(comparable, value, at)}",
                "in" => InList(comparable, column, value, at, negate: false),
                "nin" => InList(comparable, column, value, at, negate: true),
                "isNull" => value is true ? $"{column} IS NULL" : $"{column} IS NOT NULL",
                "contains" => _d.ILike(column, Pattern(value, at, "%", "%")),
                "startsWith" => _d.ILike(column, Pattern(value, at, "", "%")),
                "endsWith" => _d.ILike(column, Pattern(value, at, "%", "")),
                "containsAny" => _d.JsonArrayContainsAny(column, Strings(value, at)),
                "containsAll" => _d.JsonArrayContainsAll(column, Strings(value, at)),
                _ => throw PaasException.Validation(at, $"Unknown filter operator '{op}'."),
            });
        }

        return parts.Count == 0 ? "1=1" : string.Join(" AND ", parts);
    }

    private string Value(FieldDefinition field, object? value, string path)
    {
        if (!FieldValueCoercer.TryCoerce(field, value, out var coerced, out var problem))
        {
            throw PaasException.Validation(path, problem!);
        }

        return statement.Parameter(field, coerced);
    }

    /// <summary>
    /// A range bound. Numbers are compared by value even when more precise than the field (<c>qty gt 1.5</c> on an
    /// integer), so they are not held to the field's scale.
    /// </summary>
    private string Bound(FieldDefinition field, object? value, string path)
    {
        if (!field.Type.IsNumeric())
        {
            return Value(field, value, path);
        }

        decimal? number = value switch
        {
            decimal d => d,
            long l => l,
            int i => i,
            double x when !double.IsNaN(x) && !double.IsInfinity(x) && Math.Abs(x) < 7.9e28 => (decimal)x,
            string text when decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return number is null
            ? throw PaasException.Validation(path, $"'{value}' is not a number.")
            : statement.Parameter(null, _d.ComparableNumber(field, number.Value));
    }

    private string InList(FieldDefinition field, string column, object? value, string path, bool negate)
    {
        var items = AsList(value, path);
        if (items.Count > QueryLimits.MaxInListSize)
        {
            throw PaasException.LimitExceeded("inListSize", $"An in/nin list may have at most {QueryLimits.MaxInListSize} values.");
        }

        if (items.Count == 0)
        {
            return negate ? "1=1" : "1=0";
        }

        var parameters = items.Select((item, i) => Value(field, item, $"{path}[{i}]"));
        var list = $"{column} {(negate ? "NOT IN" : "IN")} ({string.Join(", ", parameters)})";
        return negate ? $"({list} OR {column} IS NULL)" : list;
    }

    private string Pattern(object? value, string path, string prefix, string suffix)
    {
        if (value is not string text)
        {
            throw PaasException.Validation(path, "Expected text.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw PaasException.Validation(path, "Must not contain NUL characters.");
        }

        if (text.Length > QueryLimits.MaxPatternLength)
        {
            throw PaasException.LimitExceeded("patternLength", $"A text pattern may be at most {QueryLimits.MaxPatternLength} characters.");
        }

        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        return statement.Parameter(null, prefix + escaped + suffix);
    }

    private List<string> Strings(object? value, string path)
    {
        var items = AsList(value, path);
        if (items.Count is 0 or > QueryLimits.MaxInListSize)
        {
            throw PaasException.Validation(path, $"Give between 1 and {QueryLimits.MaxInListSize} values.");
        }

        return items.Select((item, i) => item is string s
            ? statement.Parameter(null, s)
            : throw PaasException.Validation($"{path}[{i}]", "Expected text.")).ToList();
    }

    private static IReadOnlyDictionary<string, object?> AsMap(object? value, string path) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map,
        IDictionary<string, object?> map => map.AsReadOnly(),
        _ => throw PaasException.Validation(path, "Expected an object."),
    };

    private static List<object?> AsList(object? value, string path) => value switch
    {
        string => [value],
        IEnumerable items => items.Cast<object?>().ToList(),
        null => [],
        _ => [value],
    };
}
