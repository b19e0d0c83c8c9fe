using System.Globalization;
using Paas.Core.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Query;

/// <summary>
/// Reads the children of many parents at once (a reverse relation such as <c>account { opportunities(first: 10) }</c>):
/// one statement numbers each parent's children with ROW_NUMBER() and keeps the first n+1 of each, and one more
/// counts them per parent when totalCount is asked. So a page of 500 parents costs two statements, not 500.
/// </summary>
public static class ChildListExecutor
{
    private const string Root = "t0";

    public static async Task<Dictionary<Guid, RecordPage>> ListAsync(TenantSession session, ListRequest request, FieldDefinition parentField, IReadOnlyCollection<Guid> parentIds, CancellationToken ct)
    {
        var definition = request.Selection.Object;
        var d = session.Dialect;
        var order = RecordQueryExecutor.CompleteOrder(definition, request.OrderBy);
        var (size, backwards) = RecordQueryExecutor.PageSize(request);
        var cursor = backwards ? request.Before : request.After;
        var cursorValues = cursor is null ? null : CursorCodec.Decode(backwards ? "before" : "after", cursor, order);
        var pages = parentIds.ToDictionary(id => id, _ => new List<RecordRow>());
        var totals = request.IncludeTotalCount ? await CountAsync(session, request, parentField, parentIds, ct) : null;
        if (request.IncludeRows && parentIds.Count > 0)
        {
            var selection = request.Selection with { Fields = [.. request.Selection.Fields, .. order.Select(k => k.Field)] };
            var statement = session.Statement();
            var select = new SelectBuilder(session, statement, selection, Root);
            var scanOrder = SortKey.Bind(backwards ? order.Select(k => k with { Descending = !k.Descending }).ToList() : order, session, statement, definition, Root);
            var where = Conditions(session, statement, request, parentField, parentIds);
            if (cursorValues is not null)
            {
                where.Add(Keyset.After(statement, Root, scanOrder, cursorValues));
            }

            var parentColumn = $"{Root}.{d.Quote(parentField.Column)}";
            var parentOrdinal = select.ColumnCount;
            statement.Append($"SELECT * FROM (SELECT {select.AliasedColumns}, {parentColumn} AS c{parentOrdinal.ToString(CultureInfo.InvariantCulture)}, ");
            statement.Append($"ROW_NUMBER() OVER (PARTITION BY {parentColumn} ORDER BY {Keyset.OrderBy(d, Root, scanOrder)}) AS rn ");
            statement.Append($"FROM {session.Table(definition)} {Root} {select.Joins} WHERE {string.Join(" AND ", where)}) ranked ");
            statement.Append($"WHERE rn <= {(size + 1).ToString(CultureInfo.InvariantCulture)} ORDER BY c{parentOrdinal.ToString(CultureInfo.InvariantCulture)}, rn");
            await using var command = session.Command(statement);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var values = select.ReadRow(reader);
                var parent = (Guid)d.FromDb(parentField, reader.GetValue(parentOrdinal))!;
                pages[parent].Add(new RecordRow(values, order));
            }
        }

        return pages.ToDictionary(kv => kv.Key, kv =>
        {
            var rows = kv.Value;
            var more = rows.Count > size;
            if (more)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            long? total = totals is null ? null : totals.GetValueOrDefault(kv.Key);
            if (backwards)
            {
                rows.Reverse();
                return new RecordPage(rows, request.Before is not null, more, total);
            }

            return new RecordPage(rows, more, request.After is not null, total);
        });
    }

    private static async Task<Dictionary<Guid, long>> CountAsync(TenantSession session, ListRequest request, FieldDefinition parentField, IReadOnlyCollection<Guid> parentIds, CancellationToken ct)
    {
        var d = session.Dialect;
        var totals = new Dictionary<Guid, long>();
        if (parentIds.Count == 0)
        {
            return totals;
        }

        var statement = session.Statement();
        var where = Conditions(session, statement, request, parentField, parentIds);
        var parentColumn = $"{Root}.{d.Quote(parentField.Column)}";
        statement.Append($"SELECT {parentColumn}, COUNT(*) FROM {session.Table(request.Selection.Object)} {Root} WHERE {string.Join(" AND ", where)} GROUP BY {parentColumn}");
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            totals[(Guid)d.FromDb(parentField, reader.GetValue(0))!] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return totals;
    }

    private static List<string> Conditions(TenantSession session, Sql.SqlStatement statement, ListRequest request, FieldDefinition parentField, IReadOnlyCollection<Guid> parentIds)
    {
        var d = session.Dialect;
        var ids = string.Join(", ", parentIds.Select(id => statement.Parameter(parentField, id)));
        var where = new List<string> { $"{Root}.{d.Quote(parentField.Column)} IN ({ids})" };
        if (request.Filter is { Count: > 0 })
        {
            where.Add(session.Filters(statement).Compile(request.Selection.Object, Root, request.Filter));
        }

        if (session.AccessPredicate(statement, request.Selection.Object, Root) is { } visible)
        {
            where.Add(visible);
        }

        return where;
    }
}
