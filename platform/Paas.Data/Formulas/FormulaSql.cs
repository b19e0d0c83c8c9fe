using System.Text.RegularExpressions;
using Paas.Core.Metadata;
using Paas.Data.Sql;

namespace Paas.Data.Formulas;

/// <summary>
/// SQL for formulas: the value of a SQL-compilable formula per row, and the stored value of any path a formula reads.
/// Lookup paths become correlated scalar subqueries; text literals become escaped SQL literals; identifiers are only
/// quoted metadata columns and aliases derived from the caller's alias (<c>r_f1</c>, <c>r_f2</c>…, unique within one
/// call, so nested subqueries never shadow each other).
/// </summary>
/// <remarks>
/// Dialect notes. SQLite computes decimals exactly as 64-bit integers scaled by 10^decimals; a quotient keeps at least
/// 6 decimals (or the field's scale, or an operand's, if more) before the final rounding, products at most 9; so a
/// value times 10^decimals must stay within ±9.2e18 (a quotient at 6 decimals within ±9.2e12), as for stored decimals. UPPER on SQLite changes only ASCII letters;
/// LOWER uses <c>paas_fold</c>, registered on every tenant connection. PostgreSQL computes in numeric, converts
/// datetimes to UTC for date parts and month arithmetic, and compares text with the "C" collation (by code point, as
/// SQLite does). TODAY() and NOW() are the statement's time (UTC).
/// </remarks>
public static partial class FormulaSql
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,40}\z")]
    private static partial Regex AliasPattern();

    /// <summary>
    /// A SQL expression for the formula's value on the row of <paramref name="formulaField"/>'s owner aliased
    /// <paramref name="alias"/>, encoded as the dialect stores a column of the formula's value type
    /// (<c>formulaField with { Type = formulaField.ValueType }</c>): on SQLite decimals as integers scaled to the field's
    /// scale (rounded half away from zero), booleans as 0/1, dates and datetimes as ISO text; on PostgreSQL numeric
    /// rounded to the scale, bigint, boolean, text, date, timestamptz. So <see cref="ISqlDialect.FromDb"/>,
    /// <see cref="ISqlDialect.ComparableNumber"/>, filters, ORDER BY and keyset cursors work on it unchanged.
    /// </summary>
    /// <param name="table">The qualified table of an object, for the subqueries of lookup paths.</param>
    /// <exception cref="InvalidOperationException">The formula is not SQL-compilable.</exception>
    /// <exception cref="ArgumentException"><paramref name="formulaField"/>'s return type does not fit the formula, or the alias is not a plain name.</exception>
    public static string Render(FormulaAnalysis analysis, FieldDefinition formulaField, ISqlDialect dialect, string alias, Func<ObjectDefinition, string> table)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(formulaField);
        ArgumentNullException.ThrowIfNull(table);
        if (!analysis.IsSqlCompilable)
        {
            throw new InvalidOperationException($"The formula of '{formulaField.ApiName}' is not SQL-compilable: {analysis.NotCompilableReason}");
        }

        if (!analysis.Root.Type.FitsReturnType(formulaField.ValueType))
        {
            throw new ArgumentException($"The formula gives {analysis.Root.Type.Name()}, which '{formulaField.ApiName}' cannot return as {formulaField.ValueType.ToContractName()}.", nameof(formulaField));
        }

        return FormulaSqlWriter.For(dialect, CheckAlias(alias), table).Render(analysis.Root, formulaField with { Type = formulaField.ValueType });
    }

    /// <summary>
    /// A SQL expression selecting <paramref name="path"/>'s stored value, raw as its column holds it (decode it with
    /// <c>dialect.FromDb(path.Target, value)</c>), on the row aliased <paramref name="alias"/>: for fetching what a
    /// non-compilable formula needs in the same query.
    /// </summary>
    public static string RenderPath(FormulaPath path, ISqlDialect dialect, string alias, Func<ObjectDefinition, string> table)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(table);
        if (path.Hops.Count != path.Segments.Count - 1)
        {
            throw new ArgumentException("Use a path from FormulaAnalysis.Paths.", nameof(path));
        }

        return FormulaSqlWriter.For(dialect, CheckAlias(alias), table).RawPath(path);
    }

    private static string CheckAlias(string alias) => AliasPattern().IsMatch(alias)
        ? alias
        : throw new ArgumentException($"'{alias}' is not a plain SQL alias.", nameof(alias));
}
