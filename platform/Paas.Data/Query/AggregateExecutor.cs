using System.Globalization;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;
using Paas.Data.Sql;
using Paas.Data.Storage;

namespace Paas.Data.Query;

/// <summary>
/// GROUP BY queries over one object, built on the same filter compiler as lists (so record access rules will
/// apply to both the same way): one statement per request.
/// </summary>
public static class AggregateExecutor
{
    private const string Root = "t0";

    public static async Task<IReadOnlyList<AggregateGroup>> RunAsync(TenantSession session, AggregateRequest request, CancellationToken ct)
    {
        var d = session.Dialect;
        var definition = request.Object;
        var statement = session.Statement();
        var keys = request.GroupBy.Select(k => (Key: k, Sql: KeySql(d, k))).ToList();
        var metrics = request.Metrics.Append(new Metric(AggregateFunction.Count, null)).DistinctBy(m => m.Name).ToList();
        var columns = keys.Select(k => k.Sql).Concat(metrics.Select(m => MetricSql(d, m))).ToList();

        statement.Append($"SELECT {string.Join(", ", columns)} FROM {session.Table(definition)} {Root}");
        var where = new List<string>();
        if (request.Filter is { Count: > 0 })
        {
            where.Add(session.Filters(statement).Compile(definition, Root, request.Filter));
        }

        if (session.AccessPredicate(statement, definition, Root) is { } visible)
        {
            where.Add(visible);
        }

        if (where.Count > 0)
        {
            statement.Append(" WHERE " + string.Join(" AND ", where));
        }

        if (keys.Count > 0)
        {
            statement.Append(" GROUP BY " + string.Join(", ", keys.Select(k => k.Sql)));
        }

        var having = request.Having.SelectMany(h => h.Operators.Where(o => o.Value is not null).Select(o => Compare(statement, d, h.Metric, o.Key, o.Value!))).ToList();
        if (having.Count > 0)
        {
            statement.Append(" HAVING " + string.Join(" AND ", having));
        }

        var order = request.OrderBy.Select(o => (o.Key is not null ? KeySql(d, o.Key) : MetricSql(d, o.Metric!)) + (o.Descending ? " DESC NULLS FIRST" : " ASC NULLS LAST"))
            .Concat(keys.Select(k => k.Sql + " ASC NULLS LAST")).ToList();
        if (order.Count > 0)
        {
            statement.Append(" ORDER BY " + string.Join(", ", order));
        }

        statement.Append(" LIMIT " + Math.Clamp(request.Limit, 1, QueryLimits.MaxGroups).ToString(CultureInfo.InvariantCulture));

        var groups = new List<AggregateGroup>();
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < keys.Count; i++)
            {
                var raw = reader.GetValue(i);
                key[keys[i].Key.Name] = keys[i].Key.Part is null
                    ? d.FromDb(keys[i].Key.Field, raw)
                    : raw is DBNull ? null : Convert.ToInt64(raw, CultureInfo.InvariantCulture);
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < metrics.Count; i++)
            {
                values[metrics[i].Name] = Read(d, metrics[i], reader.GetValue(keys.Count + i));
            }

            groups.Add(new AggregateGroup(key, values));
        }

        return groups;
    }

    private static string Column(ISqlDialect d, FieldDefinition field) => $"{Root}.{d.Quote(field.Column)}";

    private static string KeySql(ISqlDialect d, GroupKey key)
    {
        var column = Column(d, key.Field);
        if (key.Part is not { } part)
        {
            return column;
        }

        if (d.Provider == DatabaseProvider.Postgres)
        {
            var source = key.Field.Type == FieldType.DateTime ? $"({column} AT TIME ZONE 'UTC')" : column;
            return $"CAST(EXTRACT({part.ToString().ToUpperInvariant()} FROM {source}) AS bigint)";
        }

        // SQLite keeps dates and times as ISO text in UTC: the parts are fixed positions.
        return part switch
        {
            DatePart.Year => $"CAST(substr({column}, 1, 4) AS INTEGER)",
            DatePart.Month => $"CAST(substr({column}, 6, 2) AS INTEGER)",
            _ => $"((CAST(substr({column}, 6, 2) AS INTEGER) + 2) / 3)",
        };
    }

    private static string MetricSql(ISqlDialect d, Metric metric) => metric.Function switch
    {
        AggregateFunction.Count => "COUNT(*)",
        AggregateFunction.Avg when d.Provider == DatabaseProvider.Sqlite => $"AVG(CAST({Column(d, metric.Field!)} AS REAL))",
        _ => $"{metric.Function.ToString().ToUpperInvariant()}({Column(d, metric.Field!)})",
    };

    private static object? Read(ISqlDialect d, Metric metric, object raw)
    {
        if (raw is DBNull)
        {
            return null;
        }

        var field = metric.Field;
        return metric.Function switch
        {
            AggregateFunction.Count => Convert.ToInt64(raw, CultureInfo.InvariantCulture),
            AggregateFunction.Avg => Average(d, field!, raw),
            AggregateFunction.Sum when field!.Type == FieldType.Integer => Convert.ToInt64(raw, CultureInfo.InvariantCulture),
            _ => d.FromDb(field!, raw),
        };
    }

    /// <summary>Averages come back as decimals rounded to six places (SQLite: the scaled integer average unscaled).</summary>
    private static decimal Average(ISqlDialect d, FieldDefinition field, object raw)
    {
        var value = Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
        if (d.Provider == DatabaseProvider.Sqlite && field.Type.IsDecimal())
        {
            for (var i = 0; i < field.EffectiveScale; i++)
            {
                value /= 10;
            }
        }

        return Math.Round(value, 6, MidpointRounding.ToEven);
    }

    private static string Compare(SqlStatement statement, ISqlDialect d, Metric metric, string op, object value)
    {
        var sql = MetricSql(d, metric);
        var comparand = metric.Field is null || metric.Function == AggregateFunction.Avg
            ? ToNumber(value, op)
            : Coerce(metric.Field, value, op);
        var parameter = metric.Function == AggregateFunction.Avg && d.Provider == DatabaseProvider.Sqlite && metric.Field!.Type.IsDecimal()
            ? statement.Parameter(null, (double)(decimal)comparand * Math.Pow(10, metric.Field.EffectiveScale))
            : statement.Parameter(metric.Field is null || metric.Function == AggregateFunction.Avg ? null : metric.Field, comparand);

        return op switch
        {
            "eq" => $"{sql} = {parameter}",
            "neq" => $"{sql} <> {parameter}",
            "gt" => $"{sql} > {parameter}",
            "gte" => $"{sql} >= {parameter}",
            "lt" => $"{sql} < {parameter}",
            "lte" => $"{sql} <= {parameter}",
            _ => throw PaasException.Validation($"having.{op}", $"Unknown comparison '{op}'."),
        };
    }

    private static object Coerce(FieldDefinition field, object value, string op)
    {
        var relaxed = field.Type.IsDecimal() ? field with { Precision = FieldTypeInfo.MaxPrecision, Scale = field.EffectiveScale } : field;
        return FieldValueCoercer.TryCoerce(relaxed, value, out var coerced, out var problem) && coerced is not null
            ? coerced
            : throw PaasException.Validation($"having.{op}", problem ?? "A value is required.");
    }

    private static decimal ToNumber(object value, string op) =>
        value switch
        {
            long l => l,
            int i => i,
            decimal m => m,
            double x => (decimal)x,
            string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw PaasException.Validation($"having.{op}", "Expected a number."),
        };
}
