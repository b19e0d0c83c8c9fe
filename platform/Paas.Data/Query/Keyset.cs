using Paas.Data.Sql;

namespace Paas.Data.Query;

/// <summary>
/// ORDER BY and the "rows after this cursor" predicate. NULL sorts as the largest value in both engines
/// (ASC NULLS LAST, DESC NULLS FIRST, PostgreSQL's default), so the predicate and the order always agree.
/// </summary>
public static class Keyset
{
    // The id is never null: without a NULLS clause its term matches a plain index order on every engine.
    public static string OrderBy(ISqlDialect d, string alias, IReadOnlyList<SortKey> order) =>
        string.Join(", ", order.Select(k => k.Term(d, alias) + " " + (k.Field.ApiName == Paas.Core.Metadata.SystemFields.Id
            ? (k.Descending ? "DESC" : "ASC")
            : (k.Descending ? "DESC NULLS FIRST" : "ASC NULLS LAST"))));

    public static string After(SqlStatement statement, string alias, IReadOnlyList<SortKey> order, IReadOnlyList<object?> values)
    {
        var d = statement.Dialect;
        var alternatives = new List<string>();
        for (var i = 0; i < order.Count; i++)
        {
            var terms = new List<string>();
            for (var j = 0; j < i; j++)
            {
                terms.Add(Equal(statement, order[j].Term(d, alias), order[j], values[j]));
            }

            terms.Add(Beyond(statement, order[i].Term(d, alias), order[i], values[i]));
            if (!terms.Contains("1=0"))
            {
                alternatives.Add("(" + string.Join(" AND ", terms) + ")");
            }
        }

        if (alternatives.Count == 0)
        {
            return "1=0";
        }

        // A redundant bound on the first key lets the database seek an index to the cursor instead of filtering from the top.
        var first = order[0].Term(d, alias);
        var seek = values[0] is null
            ? null
            : order[0].Descending
                ? $"{first} <= {statement.Parameter(order[0].ValueField, values[0])}"
                : $"({first} >= {statement.Parameter(order[0].ValueField, values[0])} OR {first} IS NULL)";
        var predicate = "(" + string.Join(" OR ", alternatives) + ")";
        return seek is null ? predicate : $"{seek} AND {predicate}";
    }

    private static string Equal(SqlStatement statement, string column, SortKey key, object? value) =>
        value is null ? $"{column} IS NULL" : $"{column} = {statement.Parameter(key.ValueField, value)}";

    private static string Beyond(SqlStatement statement, string column, SortKey key, object? value)
    {
        if (key.Descending)
        {
            // DESC NULLS FIRST: after a null come the non-nulls; after a value come the smaller values.
            return value is null ? $"{column} IS NOT NULL" : $"{column} < {statement.Parameter(key.ValueField, value)}";
        }

        // ASC NULLS LAST: after a value come the larger values and the nulls; nothing comes after a null.
        // The id is never null, which keeps the last term a plain range.
        return value is null ? "1=0"
            : key.Field.ApiName == Paas.Core.Metadata.SystemFields.Id
                ? $"{column} > {statement.Parameter(key.ValueField, value)}"
                : $"({column} > {statement.Parameter(key.ValueField, value)} OR {column} IS NULL)";
    }
}
