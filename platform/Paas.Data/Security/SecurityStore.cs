using System.Text.Json;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Security;

/// <summary>
/// The security tables in each tenant's own storage, beside its data, so that record access can be decided inside the
/// same SQL statement: the security document (roles, groups, permission sets, sharing rules), users, manual shares,
/// field history and the audit log.
/// </summary>
public static class SecurityStore
{
    public const string DocumentTable = "_paas_security";
    public const string UsersTable = "_paas_users";
    public const string SharesTable = "_paas_shares";
    public const string HistoryTable = "_paas_field_history";
    public const string AuditTable = "_paas_audit";

    /// <summary>The type of id columns (as the object tables store ids).</summary>
    public static readonly FieldDefinition IdColumn = new() { ApiName = "id", Label = "Id", Type = FieldType.Id, Column = "id", IsSystem = true };

    public static readonly FieldDefinition TimeColumn = new() { ApiName = "at", Label = "At", Type = FieldType.DateTime, Column = "at", IsSystem = true };

    private sealed record Document(
        IReadOnlyList<RoleDefinition> Roles,
        IReadOnlyList<GroupDefinition> Groups,
        IReadOnlyList<PermissionSetDefinition> PermissionSets,
        IReadOnlyList<SharingRuleDefinition> SharingRules);

    public static async Task CreateTablesAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = d.ColumnType(IdColumn);
        var time = d.ColumnType(TimeColumn);
        string[] statements =
        [
            $"CREATE TABLE IF NOT EXISTS {session.Table(DocumentTable)} ({d.Quote("id")} integer PRIMARY KEY, {d.Quote("definition")} text NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {session.Table(UsersTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("email")} varchar(254) NOT NULL UNIQUE, " +
            $"{d.Quote("role")} varchar(80) NULL, {d.Quote("definition")} text NOT NULL, {d.Quote("password_hash")} text NULL, {d.Quote("invitation_hash")} varchar(100) NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_users_role")} ON {session.Table(UsersTable)} ({d.Quote("role")})",
            $"CREATE TABLE IF NOT EXISTS {session.Table(SharesTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("object_name")} varchar(80) NOT NULL, " +
            $"{d.Quote("record_id")} {id} NOT NULL, {d.Quote("principal")} varchar(120) NOT NULL, {d.Quote("access")} varchar(10) NOT NULL, " +
            $"{d.Quote("created_by")} {id} NOT NULL, {d.Quote("created_at")} {time} NOT NULL, UNIQUE ({d.Quote("object_name")}, {d.Quote("record_id")}, {d.Quote("principal")}))",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_shares_principal")} ON {session.Table(SharesTable)} ({d.Quote("object_name")}, {d.Quote("principal")}, {d.Quote("record_id")})",
            $"CREATE TABLE IF NOT EXISTS {session.Table(HistoryTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("object_name")} varchar(80) NOT NULL, " +
            $"{d.Quote("record_id")} {id} NOT NULL, {d.Quote("field")} varchar(80) NOT NULL, {d.Quote("old_value")} text NULL, {d.Quote("new_value")} text NULL, " +
            $"{d.Quote("changed_by")} {id} NOT NULL, {d.Quote("changed_at")} {time} NOT NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_field_history_record")} ON {session.Table(HistoryTable)} ({d.Quote("record_id")}, {d.Quote("changed_at")})",
            $"CREATE TABLE IF NOT EXISTS {session.Table(AuditTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("at")} {time} NOT NULL, {d.Quote("actor")} {id} NULL, " +
            $"{d.Quote("credential")} varchar(120) NULL, {d.Quote("action")} varchar(60) NOT NULL, {d.Quote("target")} varchar(200) NULL, " +
            $"{d.Quote("details")} text NULL, {d.Quote("address")} varchar(64) NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_audit_at")} ON {session.Table(AuditTable)} ({d.Quote("at")}, {d.Quote("id")})",
        ];
        foreach (var sql in statements)
        {
            await session.ExecuteAsync(session.Statement().Append(sql), ct);
        }
    }

    public static async Task<SecurityModel> LoadAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var json = await session.ScalarAsync(session.Statement().Append($"SELECT {d.Quote("definition")} FROM {session.Table(DocumentTable)} WHERE {d.Quote("id")} = 1"), ct);
        var document = json is string text ? JsonSerializer.Deserialize<Document>(text, MetadataJson.Options) : null;
        var users = new List<UserInfo>();
        await using (var command = session.Command(session.Statement().Append($"SELECT {d.Quote("definition")} FROM {session.Table(UsersTable)} ORDER BY {d.Quote("email")}")))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                users.Add(JsonSerializer.Deserialize<UserInfo>(reader.GetString(0), MetadataJson.Options)!);
            }
        }

        return new SecurityModel(document?.Roles ?? [], document?.Groups ?? [], document?.PermissionSets ?? [], document?.SharingRules ?? [], users);
    }

    public static async Task SaveDocumentAsync(TenantSession session, SecurityModel model, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var json = statement.Parameter(null, JsonSerializer.Serialize(new Document(model.Roles, model.Groups, model.PermissionSets, model.SharingRules), MetadataJson.Options));
        statement.Append($"INSERT INTO {session.Table(DocumentTable)} ({d.Quote("id")}, {d.Quote("definition")}) VALUES (1, {json}) " +
                         $"ON CONFLICT ({d.Quote("id")}) DO UPDATE SET {d.Quote("definition")} = excluded.{d.Quote("definition")}");
        await session.ExecuteAsync(statement, ct);
    }

    /// <summary>Inserts or updates a user's profile data; the password and invitation are left as they are.</summary>
    public static async Task SaveUserAsync(TenantSession session, UserInfo user, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var id = statement.Parameter(IdColumn, user.Id);
        var email = statement.Parameter(null, user.Email);
        var role = statement.Parameter(null, user.Role);
        var json = statement.Parameter(null, JsonSerializer.Serialize(user, MetadataJson.Options));
        statement.Append($"INSERT INTO {session.Table(UsersTable)} ({d.Quote("id")}, {d.Quote("email")}, {d.Quote("role")}, {d.Quote("definition")}) VALUES ({id}, {email}, {role}, {json}) " +
                         $"ON CONFLICT ({d.Quote("id")}) DO UPDATE SET {d.Quote("email")} = excluded.{d.Quote("email")}, {d.Quote("role")} = excluded.{d.Quote("role")}, " +
                         $"{d.Quote("definition")} = excluded.{d.Quote("definition")}");
        await session.ExecuteAsync(statement, ct);
    }

    public static async Task SetCredentialAsync(TenantSession session, Guid userId, string column, string? value, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var hash = statement.Parameter(null, value);
        var id = statement.Parameter(IdColumn, userId);
        statement.Append($"UPDATE {session.Table(UsersTable)} SET {d.Quote(column)} = {hash} WHERE {d.Quote("id")} = {id}");
        await session.ExecuteAsync(statement, ct);
    }

    /// <summary>Clears a user's invitation if it is still <paramref name="hash"/>; false when another request used or replaced it.</summary>
    public static async Task<bool> ClearInvitationAsync(TenantSession session, Guid userId, string column, string hash, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var id = statement.Parameter(IdColumn, userId);
        var expected = statement.Parameter(null, hash);
        statement.Append($"UPDATE {session.Table(UsersTable)} SET {d.Quote(column)} = NULL WHERE {d.Quote("id")} = {id} AND {d.Quote(column)} = {expected}");
        return await session.ExecuteAsync(statement, ct) == 1;
    }

    /// <summary>The user id and stored hash for a credential lookup by email or invitation hash.</summary>
    public static async Task<(Guid UserId, string? Hash)?> FindCredentialAsync(TenantSession session, string column, string value, string hashColumn, CancellationToken ct)
    {
        var d = session.Dialect;
        var statement = session.Statement();
        var parameter = statement.Parameter(null, value);
        statement.Append($"SELECT {d.Quote("id")}, {d.Quote(hashColumn)} FROM {session.Table(UsersTable)} WHERE {d.Quote(column)} = {parameter}");
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var id = (Guid)d.FromDb(IdColumn, reader.GetValue(0))!;
        return (id, reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
