using System.Text.RegularExpressions;
using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>
/// JavaScript for formulas the SQL cannot compute (<see cref="FormulaAnalysis.IsSqlCompilable"/> false), to run in the
/// sandbox after the read with the same semantics: the prelude's functions and operator helpers treat empty values
/// as SQL does (null propagates, <c>==</c> is null-safe, <c>&amp;&amp;</c>/<c>||</c> are three-valued).
/// </summary>
/// <remarks>
/// The record is plain data keyed by top-level API names, relations as objects (<c>{id: …, industry: …}</c>), as
/// <see cref="BuildRecord"/> makes it from the values of <see cref="FormulaAnalysis.Paths"/>. In JavaScript a DATE is
/// 'yyyy-MM-dd', a DATETIME an ISO-8601 string, an id a string, a number a double. The result is null or of the
/// formula's return type: a number rounded to the field's scale (half away from zero), text, a boolean, a DATE as
/// 'yyyy-MM-dd', a DATETIME as 'yyyy-MM-ddTHH:mm:ss.ffffffZ' (UTC); a result of another type is a TypeError.
/// Numbers are doubles here, so a non-compilable formula's arithmetic is not decimal-exact.
/// </remarks>
public static partial class FormulaScript
{
    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*\z")]
    private static partial Regex ReferencePattern();

    /// <summary>
    /// Statements (for a Body-mode script, before the code that uses them) declaring <c>__formula</c> and the formula
    /// functions IF, CASE, ISBLANK, BLANKVALUE, AND, OR, NOT, UPPER, LOWER, TRIM, LEN, LEFT, RIGHT, MID, CONTAINS,
    /// BEGINS, SUBSTITUTE, TEXT, VALUE, ROUND, FLOOR, CEILING, ABS, MIN, MAX, MOD, TODAY, NOW, YEAR, MONTH, DAY, DATE,
    /// ADD_DAYS, ADD_MONTHS, DAYS_BETWEEN, with the semantics documented on <see cref="FormulaCompiler"/>.
    /// </summary>
    public static string Prelude => FormulaPrelude.Source;

    /// <summary>
    /// A JavaScript function expression, <c>function (record) { "use strict"; return …; }</c>, computing the formula
    /// from a record; it needs <see cref="Prelude"/> in scope.
    /// </summary>
    public static string ToFunction(FormulaAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var value = FormulaScriptWriter.Convert(FormulaScriptWriter.Expression(analysis.Root), analysis.Field);
        return $"function (record) {{\n  \"use strict\";\n  return {value};\n}}";
    }

    /// <summary>
    /// An Expression-mode snippet that evaluates to the formula's value, self-contained (it carries the prelude), with
    /// the record read from <paramref name="record"/>: a variable or dotted property path in scope, <c>record</c> by
    /// default, <c>ctx.record</c> for a script whose context has it.
    /// </summary>
    public static string ToJavaScript(FormulaAnalysis analysis, string record = "record")
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if (!ReferencePattern().IsMatch(record))
        {
            throw new ArgumentException($"'{record}' is not a variable or property path.", nameof(record));
        }

        return $"(function (__record) {{\n{Prelude}\nreturn ({ToFunction(analysis)})(__record);\n}})({record})";
    }

    /// <summary>
    /// The record for <see cref="ToFunction"/>: <paramref name="values"/>[i] is the canonical value of
    /// <see cref="FormulaAnalysis.Paths"/>[i] (as <c>dialect.FromDb(path.Target, raw)</c> gives it), nested along the
    /// path; a relation field's value (its id) goes under <c>id</c>, as records hold relations.
    /// </summary>
    public static Dictionary<string, object?> BuildRecord(FormulaAnalysis analysis, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != analysis.Paths.Count)
        {
            throw new ArgumentException($"Expected {analysis.Paths.Count} values, one per path.", nameof(values));
        }

        var record = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            var path = analysis.Paths[i];
            var segments = path.Target.Type.IsRelation() ? [.. path.Segments, SystemFields.Id] : path.Segments.ToList();
            var node = record;
            foreach (var segment in segments.Take(segments.Count - 1))
            {
                if (node.GetValueOrDefault(segment) is not Dictionary<string, object?> child)
                {
                    child = new Dictionary<string, object?>(StringComparer.Ordinal);
                    node[segment] = child;
                }

                node = child;
            }

            node[segments[^1]] = values[i];
        }

        return record;
    }
}
