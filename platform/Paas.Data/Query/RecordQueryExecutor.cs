using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Query;

/// <summary>Runs list and get requests: one statement for the page (with its relations joined) and one for totalCount if asked.</summary>
public static class RecordQueryExecutor
{
    private const string Root = "t0";

    public static async Task<Dictionary<string, object?>?> GetAsync(TenantSession session, RecordSelection selection, Guid id, CancellationToken ct)
    {
        var definition = selection.Object;
        var d = session.Dialect;
        var statement = session.Statement();
        var select = new SelectBuilder(session, statement, WithId(selection), Root);
        var parameter = statement.Parameter(definition.IdField, id);
        statement.Append($"SELECT {select.Columns} FROM {session.Table(definition)} {Root} {select.Joins} WHERE {Root}.{d.Quote(definition.IdField.Column)} = {parameter}");
        if (session.AccessPredicate(statement, definition, Root) is { } visible)
        {
            statement.Append(" AND " + visible);
        }

        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? select.Read(reader) : null;
    }

    /// <summary>Reads records by id (in chunks), for mutations that return what they wrote. Missing ids are left out.</summary>
    public static async Task<Dictionary<Guid, Dictionary<string, object?>>> GetManyAsync(TenantSession session, RecordSelection selection, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var definition = selection.Object;
        var d = session.Dialect;
        var result = new Dictionary<Guid, Dictionary<string, object?>>(ids.Count);
        foreach (var chunk in ids.Chunk(500))
        {
            var statement = session.Statement();
            var select = new SelectBuilder(session, statement, WithId(selection), Root);
            statement.Append($"SELECT {select.Columns} FROM {session.Table(definition)} {Root} {select.Joins} WHERE {statement.IdIn($"{Root}.{d.Quote(definition.IdField.Column)}", definition.IdField, chunk)}");
            if (session.AccessPredicate(statement, definition, Root) is { } visible)
            {
                statement.Append(" AND " + visible);
            }

            await using var command = session.Command(statement);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var values = select.Read(reader);
                result[(Guid)values[SystemFields.Id]!] = values;
            }
        }

        return result;
    }

    public static async Task<RecordPage> ListAsync(TenantSession session, ListRequest request, CancellationToken ct)
    {
        var definition = request.Selection.Object;
        var order = CompleteOrder(definition, request.OrderBy);
        var (size, backwards) = PageSize(request);
        var cursor = backwards ? request.Before : request.After;
        var cursorValues = cursor is null ? null : CursorCodec.Decode(backwards ? "before" : "after", cursor, order);

        long? total = request.IncludeTotalCount ? await CountAsync(session, definition, request.Filter, ct) : null;
        if (!request.IncludeRows)
        {
            return new RecordPage([], false, false, total);
        }

        var selection = request.Selection with { Fields = [.. request.Selection.Fields, .. order.Select(k => k.Field)] };
        var statement = session.Statement();
        var select = new SelectBuilder(session, statement, selection, Root);
        var where = new List<string>();
        if (request.Filter is { Count: > 0 })
        {
            where.Add(session.Filters(statement).Compile(definition, Root, request.Filter));
        }

        if (session.AccessPredicate(statement, definition, Root) is { } visible)
        {
            where.Add(visible);
        }

        var scanOrder = SortKey.Bind(backwards ? order.Select(k => k with { Descending = !k.Descending }).ToList() : order, session, statement, definition, Root);
        if (cursorValues is not null)
        {
            where.Add(Keyset.After(statement, Root, scanOrder, cursorValues));
        }

        statement.Append($"SELECT {select.Columns} FROM {session.Table(definition)} {Root} {select.Joins}");
        if (where.Count > 0)
        {
            statement.Append(" WHERE " + string.Join(" AND ", where));
        }

        statement.Append(" ORDER BY " + Keyset.OrderBy(session.Dialect, Root, scanOrder));
        statement.Append(" LIMIT " + (size + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var rows = new List<RecordRow>(size + 1);
        await using (var command = session.Command(statement))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new RecordRow(select.ReadRow(reader), order));
            }
        }

        var more = rows.Count > size;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (backwards)
        {
            rows.Reverse();
            return new RecordPage(rows, HasNextPage: request.Before is not null, HasPreviousPage: more, total);
        }

        return new RecordPage(rows, HasNextPage: more, HasPreviousPage: request.After is not null, total);
    }

    public static async Task<long> CountAsync(TenantSession session, ObjectDefinition definition, IReadOnlyDictionary<string, object?>? filter, CancellationToken ct)
    {
        var statement = session.Statement();
        var where = filter is { Count: > 0 } ? session.Filters(statement).Compile(definition, Root, filter) : null;
        if (session.AccessPredicate(statement, definition, Root) is { } visible)
        {
            where = where is null ? visible : $"{where} AND {visible}";
        }

        statement.Append($"SELECT COUNT(*) FROM {session.Table(definition)} {Root}");
        if (where is not null)
        {
            statement.Append(" WHERE " + where);
        }

        return Convert.ToInt64(await session.ScalarAsync(statement, ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The requested order with <c>id</c> as its last key, so that every order is total.</summary>
    public static List<SortKey> CompleteOrder(ObjectDefinition definition, IReadOnlyList<SortKey> orderBy) =>
        orderBy.Where(k => k.Field.ApiName != SystemFields.Id).Append(
            new SortKey(definition.IdField, orderBy.FirstOrDefault(k => k.Field.ApiName == SystemFields.Id)?.Descending ?? false)).ToList();

    private static RecordSelection WithId(RecordSelection selection) =>
        selection.Fields.Any(f => f.ApiName == SystemFields.Id) ? selection : selection with { Fields = [selection.Object.IdField, .. selection.Fields] };

    public static (int Size, bool Backwards) PageSize(ListRequest request)
    {
        if (request.First is not null && request.Last is not null)
        {
            throw PaasException.Validation("first", "Give either first or last, not both.");
        }

        if (request.Last is null && request.Before is not null && request.First is not null)
        {
            throw PaasException.Validation("before", "before goes with last.");
        }

        var backwards = request.Last is not null || (request.Before is not null && request.First is null);
        var size = request.Last ?? request.First ?? Math.Min(QueryLimits.DefaultPageSize, request.MaxPageSize);
        if (size < 0)
        {
            throw PaasException.Validation(backwards ? "last" : "first", "The page size may not be negative.");
        }

        if (size > request.MaxPageSize)
        {
            throw PaasException.LimitExceeded("maxPageSize", $"A page may hold at most {request.MaxPageSize} records (asked for {size}).");
        }

        return (size, backwards);
    }
}
