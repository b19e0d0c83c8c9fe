using System.Net.Mail;
using System.Text.RegularExpressions;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Security;

/// <summary>
/// Changes to the security model — users, roles, groups, permission sets, sharing rules, organisation-wide defaults —
/// each validated and applied as a metadata change (one transaction, a new metadata version, visible on every node),
/// and written to the audit log.
/// </summary>
public sealed partial class SecurityService(MetadataService metadata, IDatabaseConnector connector, TimeProvider time)
{
    public const string AdministratorProfile = "SystemAdministrator";
    public const string StandardProfile = "StandardUser";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,39}\z")]
    private static partial Regex NamePattern();

    /// <summary>The built-in profiles and the first administrator of a new tenant; returns the administrator's id.</summary>
    public Task<Guid> EnsureAdministratorAsync(TenantInfo tenant, CancellationToken ct) =>
        metadata.ChangeAsync(tenant, change =>
        {
            var security = change.Security;
            var sets = security.PermissionSets.ToList();
            if (security.FindPermissionSet(AdministratorProfile) is null)
            {
                sets.Add(new PermissionSetDefinition
                {
                    ApiName = AdministratorProfile,
                    Label = "System Administrator",
                    IsProfile = true,
                    Description = "Every right on every object and field, and the administration of the tenant.",
                    System = new SystemPermissions { ModifyAllData = true, ViewAllData = true, ManageMetadata = true, ManageUsers = true },
                });
            }

            if (security.FindPermissionSet(StandardProfile) is null)
            {
                sets.Add(new PermissionSetDefinition
                {
                    ApiName = StandardProfile,
                    Label = "Standard User",
                    IsProfile = true,
                    Description = "No rights of its own: grant objects to it, or add permission sets to its users.",
                });
            }

            change.SaveSecurity(security.With(permissionSets: sets));
            var admin = change.Security.Users.FirstOrDefault(u => u.Profile == AdministratorProfile && u.IsActive);
            if (admin is null)
            {
                admin = new UserInfo
                {
                    Id = Guid.CreateVersion7(time.GetUtcNow()),
                    Name = "Administrator",
                    Email = $"admin@{tenant.Slug}.invalid",
                    Profile = AdministratorProfile,
                    CreatedAt = time.GetUtcNow(),
                };
                change.SaveUser(admin);
            }

            return Task.FromResult(admin.Id);
        }, ct);

    public Task<UserInfo> SaveUserAsync(Caller caller, UserInput input, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var security = change.Security;
            var existing = input.Id is { } id ? security.FindUser(id) ?? throw PaasException.NotFound($"There is no user with id {id}.") : null;
            var errors = new FieldErrorList();
            var email = (input.Email ?? existing?.Email)?.Trim();
            if (email is null || email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            {
                errors.Add("email", "A valid email address is required.");
            }
            else if (security.Users.Any(u => u.Id != existing?.Id && string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add("email", "Another user has this email address.");
            }

            var name = (input.Name ?? existing?.Name)?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 100)
            {
                errors.Add("name", "A name of 1 to 100 characters is required.");
            }

            var profile = input.Profile ?? existing?.Profile ?? StandardProfile;
            if (security.FindPermissionSet(profile) is not { IsProfile: true })
            {
                errors.Add("profile", $"There is no profile '{profile}'.");
            }

            var role = input.Role is null ? existing?.Role : input.Role.Length == 0 ? null : input.Role;
            if (role is not null && security.FindRole(role) is null)
            {
                errors.Add("role", $"There is no role '{role}'.");
            }

            var sets = input.PermissionSets ?? existing?.PermissionSets ?? [];
            foreach (var set in sets.Where(s => security.FindPermissionSet(s) is not { IsProfile: false }))
            {
                errors.Add("permissionSets", $"There is no permission set '{set}'.");
            }

            var groups = input.Groups ?? existing?.Groups ?? [];
            foreach (var group in groups.Where(g => security.FindGroup(g) is null))
            {
                errors.Add("groups", $"There is no group '{group}'.");
            }

            var manager = input.Manager ?? existing?.Manager;
            if (manager is { } m && (security.FindUser(m) is null || m == existing?.Id))
            {
                errors.Add("manager", "The manager must be another user of the tenant.");
            }

            var active = input.IsActive ?? existing?.IsActive ?? true;
            if (existing is not null && existing.Id == caller.UserId && !active)
            {
                errors.Add("isActive", "You cannot deactivate yourself.");
            }

            errors.ThrowIfAny();
            var user = new UserInfo
            {
                Id = existing?.Id ?? Guid.CreateVersion7(time.GetUtcNow()),
                Name = name!,
                Email = email!,
                IsActive = active,
                Role = role,
                Profile = profile,
                PermissionSets = sets.Distinct(StringComparer.Ordinal).ToList(),
                Groups = groups.Distinct(StringComparer.Ordinal).ToList(),
                Manager = manager,
                CreatedAt = existing?.CreatedAt ?? time.GetUtcNow(),
            };
            change.SaveUser(user);
            LeavesAnAdministrator(change.Security);
            await AuditLog.WriteAsync(change.Session, caller, existing is null ? "user.created" : "user.updated", user.Email,
                new { user.Id, user.Role, user.Profile, user.PermissionSets, user.Groups, user.IsActive }, time.GetUtcNow(), ct);
            return user;
        }, ct);

    public Task<RoleDefinition> SaveRoleAsync(Caller caller, RoleDefinition role, bool creating, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var security = change.Security;
            var errors = new FieldErrorList();
            ValidateName(role.ApiName, errors);
            ValidateLabel(role.Label, errors);
            var existing = security.FindRole(role.ApiName);
            if (creating && existing is not null)
            {
                errors.Add("apiName", $"A role '{role.ApiName}' already exists.");
            }
            else if (!creating && existing is null)
            {
                throw PaasException.NotFound($"There is no role '{role.ApiName}'.");
            }

            if (role.Parent is { } parent && (security.FindRole(parent) is null || security.RoleAndSubordinates(role.ApiName).Contains(parent)))
            {
                errors.Add("parent", parent == role.ApiName || security.FindRole(parent) is not null
                    ? "A role cannot report to itself or to a role below it."
                    : $"There is no role '{parent}'.");
            }

            errors.ThrowIfAny();
            change.SaveSecurity(security.With(roles: security.Roles.Where(r => r.ApiName != role.ApiName).Append(role).ToList()));
            await AuditLog.WriteAsync(change.Session, caller, creating ? "role.created" : "role.updated", role.ApiName, role, time.GetUtcNow(), ct);
            return role;
        }, ct);

    public Task<bool> DeleteRoleAsync(Caller caller, string apiName, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var security = change.Security;
            _ = security.FindRole(apiName) ?? throw PaasException.NotFound($"There is no role '{apiName}'.");
            if (security.Users.Any(u => u.Role == apiName) || security.Roles.Any(r => r.Parent == apiName)
                || security.SharingRules.Any(r => r.SharedWith.Name == apiName || r.OwnedBy?.Name == apiName))
            {
                throw PaasException.Validation("apiName", "The role still has users, sub-roles or sharing rules; move or delete them first.");
            }

            change.SaveSecurity(security.With(roles: security.Roles.Where(r => r.ApiName != apiName).ToList()));
            await AuditLog.WriteAsync(change.Session, caller, "role.deleted", apiName, null, time.GetUtcNow(), ct);
            return true;
        }, ct);

    public Task<GroupDefinition> CreateGroupAsync(Caller caller, GroupDefinition group, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var errors = new FieldErrorList();
            ValidateName(group.ApiName, errors);
            ValidateLabel(group.Label, errors);
            if (change.Security.FindGroup(group.ApiName) is not null)
            {
                errors.Add("apiName", $"A group '{group.ApiName}' already exists.");
            }

            errors.ThrowIfAny();
            change.SaveSecurity(change.Security.With(groups: change.Security.Groups.Append(group).ToList()));
            await AuditLog.WriteAsync(change.Session, caller, "group.created", group.ApiName, group, time.GetUtcNow(), ct);
            return group;
        }, ct);

    public Task<PermissionSetDefinition> SavePermissionSetAsync(Caller caller, PermissionSetDefinition set, bool creating, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var security = change.Security;
            var errors = new FieldErrorList();
            ValidateName(set.ApiName, errors);
            ValidateLabel(set.Label, errors);
            var existing = security.FindPermissionSet(set.ApiName);
            if (creating && existing is not null)
            {
                errors.Add("apiName", $"A permission set '{set.ApiName}' already exists.");
            }
            else if (!creating && existing is null)
            {
                throw PaasException.NotFound($"There is no permission set '{set.ApiName}'.");
            }
            else if (existing is not null && existing.IsProfile != set.IsProfile)
            {
                errors.Add("isProfile", "A profile stays a profile, and a permission set a permission set.");
            }

            foreach (var name in set.Objects.Keys.Where(o => change.Before.FindObject(o) is null))
            {
                errors.Add("objects", $"There is no object '{name}'.");
            }

            foreach (var key in set.Fields.Keys)
            {
                var parts = key.Split('.');
                if (parts.Length != 2 || change.Before.FindObject(parts[0])?.FindField(parts[1]) is null)
                {
                    errors.Add("fields", $"There is no field '{key}'.");
                }
            }

            errors.ThrowIfAny();
            change.SaveSecurity(security.With(permissionSets: security.PermissionSets.Where(p => p.ApiName != set.ApiName).Append(set).ToList()));
            LeavesAnAdministrator(change.Security);
            await AuditLog.WriteAsync(change.Session, caller, creating ? "permissionSet.created" : "permissionSet.updated", set.ApiName, set, time.GetUtcNow(), ct);
            return set;
        }, ct);

    public Task<SharingRuleDefinition> CreateSharingRuleAsync(Caller caller, SharingRuleDefinition rule, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var security = change.Security;
            var errors = new FieldErrorList();
            ValidateName(rule.ApiName, errors);
            if (security.SharingRules.Any(r => r.ApiName == rule.ApiName))
            {
                errors.Add("apiName", $"A sharing rule '{rule.ApiName}' already exists.");
            }

            var target = change.Before.FindObject(rule.Object);
            if (target is null)
            {
                errors.Add("object", $"There is no object '{rule.Object}'.");
            }
            else if (target.MasterField is not null)
            {
                errors.Add("object", $"'{rule.Object}' is a master-detail child: its records follow their master's sharing.");
            }

            ValidatePrincipal(security, rule.SharedWith, "sharedWith", errors, allowUser: false);
            if ((rule.OwnedBy is null) == (rule.Criteria is null))
            {
                errors.Add("ownedBy", "Give either ownedBy (owner-based) or criteria (criteria-based).");
            }
            else if (rule.OwnedBy is { } ownedBy)
            {
                ValidatePrincipal(security, ownedBy, "ownedBy", errors, allowUser: false);
            }
            else if (target is not null)
            {
                try
                {
                    // Compile once to prove every field and operator exists.
                    var statement = new Sql.SqlStatement(connector.Dialect);
                    _ = new Query.FilterCompiler(statement, change.Before, _ => "t").Compile(target, "t", RecordAccess.ParseCriteria(rule.Criteria!));
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or PaasException)
                {
                    errors.Add("criteria", e is PaasException p ? p.Message : "The criteria must be a JSON object in the filter syntax of the data API.");
                }
            }

            errors.ThrowIfAny();
            change.SaveSecurity(security.With(sharingRules: security.SharingRules.Append(rule).ToList()));
            await AuditLog.WriteAsync(change.Session, caller, "sharingRule.created", rule.ApiName, rule, time.GetUtcNow(), ct);
            return rule;
        }, ct);

    public Task<bool> DeleteSharingRuleAsync(Caller caller, string apiName, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            if (change.Security.SharingRules.All(r => r.ApiName != apiName))
            {
                throw PaasException.NotFound($"There is no sharing rule '{apiName}'.");
            }

            change.SaveSecurity(change.Security.With(sharingRules: change.Security.SharingRules.Where(r => r.ApiName != apiName).ToList()));
            await AuditLog.WriteAsync(change.Session, caller, "sharingRule.deleted", apiName, null, time.GetUtcNow(), ct);
            return true;
        }, ct);

    /// <summary>Sets an object's organisation-wide default.</summary>
    public Task<ObjectDefinition> SetSharingModelAsync(Caller caller, string objectName, SharingModel model, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            RequireManageUsers(caller);
            var definition = change.Before.FindObject(objectName) ?? throw PaasException.Validation("object", $"There is no object '{objectName}'.");
            if (definition.MasterField is not null || model == SharingModel.ControlledByParent)
            {
                throw PaasException.Validation("sharingModel", definition.MasterField is not null
                    ? $"'{objectName}' is a master-detail child: its records follow their master's sharing."
                    : "CONTROLLED_BY_PARENT comes from a master-detail field; it is not set directly.");
            }

            var updated = definition with { SharingModel = model };
            change.Save(updated);
            await AuditLog.WriteAsync(change.Session, caller, "object.sharingModel", objectName, new { model }, time.GetUtcNow(), ct);
            return updated;
        }, ct);

    public static void RequireManageUsers(Caller caller)
    {
        if (caller.Access is { System.ManageUsers: false })
        {
            throw PaasException.Forbidden("Managing users, roles, permissions and sharing needs the Manage Users permission.");
        }
    }

    /// <summary>A tenant never loses its last active administrator.</summary>
    private static void LeavesAnAdministrator(SecurityModel security)
    {
        var admins = security.Users.Where(u => u.IsActive && u.PermissionSets.Prepend(u.Profile)
            .Any(s => security.FindPermissionSet(s) is { System: { ManageUsers: true } })).ToList();
        if (admins.Count == 0)
        {
            throw PaasException.Validation("profile", "The tenant would be left without an active user who may manage users.");
        }
    }

    private static void ValidatePrincipal(SecurityModel security, Principal principal, string field, FieldErrorList errors, bool allowUser)
    {
        var exists = principal.Kind switch
        {
            PrincipalKind.User => allowUser && Guid.TryParse(principal.Name, out var id) && security.FindUser(id) is not null,
            PrincipalKind.Group => security.FindGroup(principal.Name) is not null,
            _ => security.FindRole(principal.Name) is not null,
        };
        if (!exists)
        {
            errors.Add(field, $"There is no {principal.Kind.ToString().ToLowerInvariant()} '{principal.Name}'.");
        }
    }

    private static void ValidateName(string? name, FieldErrorList errors)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            errors.Add("apiName", "An API name starts with a letter and has at most 40 letters, digits and underscores.");
        }
    }

    private static void ValidateLabel(string? label, FieldErrorList errors)
    {
        if (string.IsNullOrWhiteSpace(label) || label.Length > 100)
        {
            errors.Add("label", "A label of 1 to 100 characters is required.");
        }
    }
}

/// <summary>A user to create (no id) or change (id; absent values stay as they are).</summary>
public sealed record UserInput
{
    public Guid? Id { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Role { get; init; }
    public string? Profile { get; init; }
    public IReadOnlyList<string>? PermissionSets { get; init; }
    public IReadOnlyList<string>? Groups { get; init; }
    public Guid? Manager { get; init; }
    public bool? IsActive { get; init; }
}

/// <summary>Record operations of the security model: transfer of ownership and manual shares.</summary>
public sealed class RecordSharing(IDatabaseConnector connector, MetadataCache cache, TimeProvider time)
{
    /// <summary>Moves every record <paramref name="from"/> owns (of the given objects, or all) to <paramref name="to"/>, with their shares, in one transaction.</summary>
    public async Task<IReadOnlyList<(string Object, int Count)>> TransferAsync(Caller caller, Guid from, Guid to, IReadOnlyList<string>? objects, CancellationToken ct)
    {
        if (caller.Access is { System.ModifyAllData: false })
        {
            throw PaasException.Forbidden("Transferring records needs the Modify All Data permission.");
        }

        var metadata = await cache.GetAsync(caller.Tenant, ct);
        var errors = new FieldErrorList();
        if (metadata.Security.FindUser(from) is null)
        {
            errors.Add("fromUser", $"There is no user with id {from}.");
        }

        if (metadata.Security.FindUser(to) is not { IsActive: true })
        {
            errors.Add("toUser", $"There is no active user with id {to}.");
        }

        var targets = objects is null ? metadata.LiveObjects.ToList() : objects.Select(o => metadata.FindObject(o)).OfType<ObjectDefinition>().ToList();
        foreach (var missing in (objects ?? []).Where(o => metadata.FindObject(o) is null))
        {
            errors.Add("objects", $"There is no object '{missing}'.");
        }

        errors.ThrowIfAny();
        await using var connection = await connector.OpenAsync(caller.Tenant, ct);
        await using var session = new TenantSession(caller.Tenant, connection, connector.Dialect, metadata);
        await session.BeginAsync(ct);
        var d = session.Dialect;
        var now = Core.Records.FieldValueCoercer.TruncateToMicroseconds(time.GetUtcNow());
        var result = new List<(string, int)>();
        foreach (var definition in targets)
        {
            var statement = session.Statement();
            var version = d.Quote(SystemFields.Version);
            statement.Append($"UPDATE {session.Table(definition)} SET {d.Quote(SystemFields.OwnerId)} = {statement.Parameter(SecurityStore.IdColumn, to)}, " +
                             $"{d.Quote(SystemFields.UpdatedAt)} = {statement.Parameter(definition.FindField(SystemFields.UpdatedAt), now)}, " +
                             $"{d.Quote(SystemFields.UpdatedBy)} = {statement.Parameter(SecurityStore.IdColumn, caller.UserId)}, {version} = {version} + 1 " +
                             $"WHERE {d.Quote(SystemFields.OwnerId)} = {statement.Parameter(SecurityStore.IdColumn, from)}");
            result.Add((definition.ApiName, await session.ExecuteAsync(statement, ct)));
        }

        // Shares given to the departing user follow the records to the successor (unless the successor already has one).
        var fromKey = new Principal(PrincipalKind.User, from.ToString()).Key;
        var toKey = new Principal(PrincipalKind.User, to.ToString()).Key;
        var move = session.Statement();
        move.Append($"UPDATE {session.Table(SecurityStore.SharesTable)} SET {d.Quote("principal")} = {move.Parameter(null, toKey)} WHERE {d.Quote("principal")} = {move.Parameter(null, fromKey)} " +
                    $"AND NOT EXISTS (SELECT 1 FROM {session.Table(SecurityStore.SharesTable)} o WHERE o.{d.Quote("principal")} = {move.Parameter(null, toKey)} " +
                    $"AND o.{d.Quote("object_name")} = {session.Table(SecurityStore.SharesTable)}.{d.Quote("object_name")} AND o.{d.Quote("record_id")} = {session.Table(SecurityStore.SharesTable)}.{d.Quote("record_id")})");
        await session.ExecuteAsync(move, ct);

        // Approval requests waiting for the departing user go to the successor, who sees for whom they were.
        var approvals = session.Statement();
        approvals.Append($"UPDATE {session.Table(Workflows.WorkflowStore.ApprovalsTable)} SET {d.Quote("approver")} = {approvals.Parameter(SecurityStore.IdColumn, to)}, " +
                         $"{d.Quote("reassigned_from")} = {approvals.Parameter(SecurityStore.IdColumn, from)} " +
                         $"WHERE {d.Quote("approver")} = {approvals.Parameter(SecurityStore.IdColumn, from)} AND {d.Quote("status")} = 'PENDING'");
        var movedApprovals = await session.ExecuteAsync(approvals, ct);
        await AuditLog.WriteAsync(session, caller, "records.transferred", from.ToString(),
            new { from, to, counts = result.ToDictionary(r => r.Item1, r => r.Item2), pendingApprovals = movedApprovals }, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
        return result;
    }

    /// <summary>Gives a user, group or role read or edit access to one record; the caller needs edit access to it.</summary>
    public async Task ShareAsync(Caller caller, string objectName, Guid recordId, Principal with, AccessLevel level, CancellationToken ct)
    {
        var metadata = await cache.GetAsync(caller.Tenant, ct);
        var definition = metadata.FindObject(objectName);
        if (definition is null || (caller.Access is { } a && !a.CanRead(definition)))
        {
            throw PaasException.Validation("object", $"There is no object '{objectName}'.");
        }

        if (definition.MasterField is not null)
        {
            throw PaasException.Validation("object", $"'{objectName}' records follow their master's sharing; share the master record.");
        }

        var security = metadata.Security;
        var exists = with.Kind switch
        {
            PrincipalKind.User => Guid.TryParse(with.Name, out var id) && security.FindUser(id) is { IsActive: true },
            PrincipalKind.Group => security.FindGroup(with.Name) is not null,
            _ => security.FindRole(with.Name) is not null,
        };
        if (!exists)
        {
            throw PaasException.Validation("with", $"There is no {with.Kind.ToString().ToLowerInvariant()} '{with.Name}'.");
        }

        await using var connection = await connector.OpenAsync(caller.Tenant, ct);
        await using var session = new TenantSession(caller.Tenant, connection, connector.Dialect, metadata) { Access = caller.Access };
        await session.BeginAsync(ct);
        if ((await Records.RecordSql.ExistingIdsAsync(session, definition, [recordId], ct, AccessLevel.Edit)).Count == 0)
        {
            throw (await Records.RecordSql.ExistingIdsAsync(session, definition, [recordId], ct, AccessLevel.Read)).Count > 0
                ? PaasException.Forbidden("Sharing a record needs edit access to it.")
                : PaasException.NotFound($"There is no {objectName} with id {recordId}.");
        }

        var d = session.Dialect;
        var delete = session.Statement();
        delete.Append($"DELETE FROM {session.Table(SecurityStore.SharesTable)} WHERE {d.Quote("object_name")} = {delete.Parameter(null, objectName)} " +
                      $"AND {d.Quote("record_id")} = {delete.Parameter(SecurityStore.IdColumn, recordId)} AND {d.Quote("principal")} = {delete.Parameter(null, with.Key)}");
        await session.ExecuteAsync(delete, ct);
        var insert = session.Statement();
        insert.Append($"INSERT INTO {session.Table(SecurityStore.SharesTable)} ({d.Quote("id")}, {d.Quote("object_name")}, {d.Quote("record_id")}, {d.Quote("principal")}, " +
                      $"{d.Quote("access")}, {d.Quote("created_by")}, {d.Quote("created_at")}) VALUES (" + string.Join(", ",
                          insert.Parameter(SecurityStore.IdColumn, Guid.CreateVersion7(time.GetUtcNow())), insert.Parameter(null, objectName),
                          insert.Parameter(SecurityStore.IdColumn, recordId), insert.Parameter(null, with.Key), insert.Parameter(null, level.ToString().ToUpperInvariant()),
                          insert.Parameter(SecurityStore.IdColumn, caller.UserId), insert.Parameter(SecurityStore.TimeColumn, Core.Records.FieldValueCoercer.TruncateToMicroseconds(time.GetUtcNow()))) + ")");
        await session.ExecuteAsync(insert, ct);
        await AuditLog.WriteAsync(session, caller, "record.shared", $"{objectName}/{recordId}", new { with = with.Key, access = level.ToString() }, time.GetUtcNow(), ct);
        await session.CommitAsync(ct);
    }
}
