using System.Text.Json;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Data.Query;
using Paas.Data.Sql;
using Paas.Data.Storage;

namespace Paas.Data.Security;

/// <summary>
/// Record-level access as a SQL predicate over one table alias: the single place where sharing is decided. Every read
/// (lists, totalCount, aggregates, lookups, reverse relations, relation filters) and every write check adds it, so the
/// database never returns a row the caller may not see. Null means the caller sees every record at that level.
/// </summary>
public static class RecordAccess
{
    private const int MaxParentDepth = 8;

    public static string? Predicate(TenantSession session, SqlStatement statement, ObjectDefinition definition, string alias, AccessLevel level) =>
        Predicate(session, statement, definition, alias, level, 0);

    private static string? Predicate(TenantSession session, SqlStatement statement, ObjectDefinition definition, string alias, AccessLevel level, int depth)
    {
        if (session.Access is not { } access)
        {
            return null;
        }

        var d = session.Dialect;
        if (!access.CanRead(definition))
        {
            return "1=0";
        }

        if (!access.IsRestricted(definition, level))
        {
            return null;
        }

        if (definition.MasterField is { } master)
        {
            // A detail record is visible (editable) exactly when its master is.
            if (depth >= MaxParentDepth || session.Metadata.FindObject(master.Target!) is not { } parent)
            {
                return "1=0";
            }

            var inner = statement.Alias("m");
            var parentPredicate = Predicate(session, statement, parent, inner, level, depth + 1);
            return parentPredicate is null
                ? null
                : $"{alias}.{d.Quote(master.Column)} IN (SELECT {inner}.{d.Quote(parent.IdField.Column)} FROM {session.Table(parent)} {inner} WHERE {parentPredicate})";
        }

        var owner = $"{alias}.{d.Quote(SystemFields.OwnerId)}";
        var parts = new List<string> { $"{owner} = {statement.Parameter(SecurityStore.IdColumn, access.UserId)}" };
        if (access.SubordinateRoles.Count > 0)
        {
            parts.Add($"{owner} IN ({UsersInRoles(session, statement, access.SubordinateRoles)})");
        }

        var shares = statement.Alias("s");
        var principals = string.Join(", ", access.Principals.Select(p => statement.Parameter(null, p)));
        parts.Add($"{alias}.{d.Quote(definition.IdField.Column)} IN (SELECT {shares}.{d.Quote("record_id")} FROM {session.Table(SecurityStore.SharesTable)} {shares} " +
                  $"WHERE {shares}.{d.Quote("object_name")} = {statement.Parameter(null, definition.ApiName)} AND {shares}.{d.Quote("principal")} IN ({principals})" +
                  (level == AccessLevel.Edit ? $" AND {shares}.{d.Quote("access")} = {statement.Parameter(null, nameof(AccessLevel.Edit).ToUpperInvariant())})" : ")"));

        var security = session.Metadata.Security;
        foreach (var rule in access.RulesFor(definition, level))
        {
            if (rule.OwnedBy is { } ownedBy)
            {
                parts.Add(ownedBy.Kind switch
                {
                    PrincipalKind.Role => $"{owner} IN ({UsersInRoles(session, statement, [ownedBy.Name])})",
                    PrincipalKind.RoleAndSubordinates => $"{owner} IN ({UsersInRoles(session, statement, security.RoleAndSubordinates(ownedBy.Name))})",
                    _ => security.Members(ownedBy).Select(u => statement.Parameter(SecurityStore.IdColumn, u.Id)).ToList() is { Count: > 0 } members
                        ? $"{owner} IN ({string.Join(", ", members)})"
                        : "1=0",
                });
            }
            else if (rule.Criteria is { } criteria)
            {
                var filter = ParseCriteria(criteria);
                parts.Add("(" + new FilterCompiler(statement, session.Metadata, session.Table).Compile(definition, alias, filter) + ")");
            }
        }

        return "(" + string.Join(" OR ", parts) + ")";
    }

    private static string UsersInRoles(TenantSession session, SqlStatement statement, IReadOnlyList<string> roles)
    {
        var d = session.Dialect;
        var users = statement.Alias("u");
        var list = string.Join(", ", roles.Select(r => statement.Parameter(null, r)));
        return $"SELECT {users}.{d.Quote("id")} FROM {session.Table(SecurityStore.UsersTable)} {users} WHERE {users}.{d.Quote("role")} IN ({list})";
    }

    /// <summary>A criteria rule's filter, stored as JSON in the data API's filter syntax.</summary>
    public static IReadOnlyDictionary<string, object?> ParseCriteria(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? (IReadOnlyDictionary<string, object?>)Convert(document.RootElement)!
            : throw new JsonException("The criteria must be a JSON object.");
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
