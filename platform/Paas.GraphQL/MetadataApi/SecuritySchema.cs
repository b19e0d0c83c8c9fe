using System.Collections;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Errors;
using Paas.Core.Security;
using Paas.Data.Metadata;
using Paas.Data.OAuth;
using Paas.Data.Platform;
using Paas.Data.Security;
using Paas.Data.Storage;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;

namespace Paas.GraphQL.MetadataApi;

/// <summary>
/// The security part of the metadata API: users, roles, groups, permission sets, sharing, API keys, transfer and the
/// audit log. Everything here needs the Manage Users permission, except <c>me</c>.
/// </summary>
public static class SecuritySchema
{
    public static string ContractName(SharingModel model) => model switch
    {
        SharingModel.PublicReadWrite => "PUBLIC_READ_WRITE",
        SharingModel.PublicRead => "PUBLIC_READ",
        SharingModel.Private => "PRIVATE",
        _ => "CONTROLLED_BY_PARENT",
    };

    public static void AddTo(ObjectGraphType query, ObjectGraphType mutation, MetadataTypes types)
    {
        var str = new StringGraphType();
        var boolean = new BooleanGraphType();
        var id = new IdGraphType();
        var nn = (IGraphType t) => new NonNullGraphType(t);
        var strings = new ListGraphType(new NonNullGraphType(str));

        var user = new ObjectGraphType { Name = "User" };
        Add<UserInfo>(user, "id", nn(id), u => u.Id);
        Add<UserInfo>(user, "name", nn(str), u => u.Name);
        Add<UserInfo>(user, "email", nn(str), u => u.Email);
        Add<UserInfo>(user, "isActive", nn(boolean), u => u.IsActive);
        Add<UserInfo>(user, "role", str, u => u.Role);
        Add<UserInfo>(user, "profile", nn(str), u => u.Profile);
        Add<UserInfo>(user, "permissionSets", nn(strings), u => u.PermissionSets);
        Add<UserInfo>(user, "groups", nn(strings), u => u.Groups);
        Add<UserInfo>(user, "manager", id, u => u.Manager);
        Add<UserInfo>(user, "createdAt", types.DateTime, u => u.CreatedAt);

        var role = new ObjectGraphType { Name = "Role" };
        Add<RoleDefinition>(role, "apiName", nn(str), r => r.ApiName);
        Add<RoleDefinition>(role, "label", nn(str), r => r.Label);
        Add<RoleDefinition>(role, "parent", str, r => r.Parent);
        var group = new ObjectGraphType { Name = "Group" };
        Add<GroupDefinition>(group, "apiName", nn(str), g => g.ApiName);
        Add<GroupDefinition>(group, "label", nn(str), g => g.Label);

        var objectGrant = new ObjectGraphType { Name = "ObjectPermission" };
        Add<KeyValuePair<string, ObjectPermissions>>(objectGrant, "object", nn(str), p => p.Key);
        foreach (var (name, read) in GrantFlags)
        {
            Add<KeyValuePair<string, ObjectPermissions>>(objectGrant, name, nn(boolean), p => read(p.Value));
        }

        var fieldGrant = new ObjectGraphType { Name = "FieldPermission" };
        Add<KeyValuePair<string, FieldPermission>>(fieldGrant, "object", nn(str), p => p.Key.Split('.')[0]);
        Add<KeyValuePair<string, FieldPermission>>(fieldGrant, "field", nn(str), p => p.Key.Split('.')[1]);
        Add<KeyValuePair<string, FieldPermission>>(fieldGrant, "read", nn(boolean), p => p.Value.Read);
        Add<KeyValuePair<string, FieldPermission>>(fieldGrant, "edit", nn(boolean), p => p.Value.Edit);
        var systemGrant = new ObjectGraphType { Name = "SystemPermissions" };
        Add<SystemPermissions>(systemGrant, "viewAllData", nn(boolean), s => s.ViewAllData);
        Add<SystemPermissions>(systemGrant, "modifyAllData", nn(boolean), s => s.ModifyAllData);
        Add<SystemPermissions>(systemGrant, "manageMetadata", nn(boolean), s => s.ManageMetadata);
        Add<SystemPermissions>(systemGrant, "manageUsers", nn(boolean), s => s.ManageUsers);
        var permissionSet = new ObjectGraphType { Name = "PermissionSet" };
        Add<PermissionSetDefinition>(permissionSet, "apiName", nn(str), p => p.ApiName);
        Add<PermissionSetDefinition>(permissionSet, "label", nn(str), p => p.Label);
        Add<PermissionSetDefinition>(permissionSet, "isProfile", nn(boolean), p => p.IsProfile);
        Add<PermissionSetDefinition>(permissionSet, "description", str, p => p.Description);
        Add<PermissionSetDefinition>(permissionSet, "objects", nn(new ListGraphType(nn(objectGrant))), p => p.Objects.ToList());
        Add<PermissionSetDefinition>(permissionSet, "fields", nn(new ListGraphType(nn(fieldGrant))), p => p.Fields.ToList());
        Add<PermissionSetDefinition>(permissionSet, "system", nn(systemGrant), p => p.System);

        var principalKind = new EnumerationGraphType { Name = "PrincipalKind" };
        principalKind.Add("USER", PrincipalKind.User);
        principalKind.Add("GROUP", PrincipalKind.Group);
        principalKind.Add("ROLE", PrincipalKind.Role);
        principalKind.Add("ROLE_AND_SUBORDINATES", PrincipalKind.RoleAndSubordinates);
        var accessLevel = new EnumerationGraphType { Name = "AccessLevel" };
        accessLevel.Add("READ", AccessLevel.Read);
        accessLevel.Add("EDIT", AccessLevel.Edit);
        var sharingModel = new EnumerationGraphType { Name = "SharingModel" };
        foreach (var model in new[] { SharingModel.PublicReadWrite, SharingModel.PublicRead, SharingModel.Private })
        {
            sharingModel.Add(ContractName(model), model);
        }

        var principal = new ObjectGraphType { Name = "Principal" };
        Add<Principal>(principal, "kind", nn(principalKind), p => p.Kind);
        Add<Principal>(principal, "name", nn(str), p => p.Name);
        var rule = new ObjectGraphType { Name = "SharingRule" };
        Add<SharingRuleDefinition>(rule, "apiName", nn(str), r => r.ApiName);
        Add<SharingRuleDefinition>(rule, "object", nn(str), r => r.Object);
        Add<SharingRuleDefinition>(rule, "access", nn(accessLevel), r => r.Access);
        Add<SharingRuleDefinition>(rule, "sharedWith", nn(principal), r => r.SharedWith);
        Add<SharingRuleDefinition>(rule, "ownedBy", principal, r => r.OwnedBy);
        Add<SharingRuleDefinition>(rule, "criteria", str, r => r.Criteria);

        var apiKey = new ObjectGraphType { Name = "ApiKey" };
        Add<ApiKeyInfo>(apiKey, "id", nn(id), k => k.Id);
        Add<ApiKeyInfo>(apiKey, "name", nn(str), k => k.Name);
        Add<ApiKeyInfo>(apiKey, "prefix", nn(str), k => k.Prefix);
        Add<ApiKeyInfo>(apiKey, "user", id, k => k.UserId);
        Add<ApiKeyInfo>(apiKey, "createdAt", types.DateTime, k => k.CreatedAt);
        Add<ApiKeyInfo>(apiKey, "expiresAt", types.DateTime, k => k.ExpiresAt);
        Add<ApiKeyInfo>(apiKey, "revokedAt", types.DateTime, k => k.RevokedAt);
        Add<ApiKeyInfo>(apiKey, "lastUsedAt", types.DateTime, k => k.LastUsedAt);
        var newKey = new ObjectGraphType { Name = "NewApiKey", Description = "The key is shown only here, once; only its hash is kept." };
        Add<(ApiKeyInfo Info, string Key)>(newKey, "key", nn(str), k => k.Key);
        Add<(ApiKeyInfo Info, string Key)>(newKey, "apiKey", nn(apiKey), k => k.Info);

        var audit = new ObjectGraphType { Name = "AuditEntry" };
        Add<AuditEntry>(audit, "id", nn(id), a => a.Id);
        Add<AuditEntry>(audit, "at", nn(types.DateTime), a => a.At);
        Add<AuditEntry>(audit, "actor", id, a => a.Actor);
        Add<AuditEntry>(audit, "credential", str, a => a.Credential);
        Add<AuditEntry>(audit, "action", nn(str), a => a.Action);
        Add<AuditEntry>(audit, "target", str, a => a.Target);
        Add<AuditEntry>(audit, "details", str, a => a.Details);
        Add<AuditEntry>(audit, "address", str, a => a.Address);

        var transferred = new ObjectGraphType { Name = "TransferredRecords" };
        Add<(string Object, int Count)>(transferred, "object", nn(str), t => t.Object);
        Add<(string Object, int Count)>(transferred, "count", nn(new IntGraphType()), t => t.Count);

        // ---------------------------------------------------------------- inputs
        var principalInput = new InputObjectGraphType { Name = "PrincipalInput" };
        principalInput.AddField(new GraphField { Name = "kind", ResolvedType = nn(principalKind) });
        principalInput.AddField(new GraphField { Name = "name", ResolvedType = nn(str) });
        var userInput = new InputObjectGraphType { Name = "UserInput" };
        foreach (var name in new[] { "name", "email", "role", "profile" })
        {
            userInput.AddField(new GraphField { Name = name, ResolvedType = str });
        }

        userInput.AddField(new GraphField { Name = "permissionSets", ResolvedType = strings });
        userInput.AddField(new GraphField { Name = "groups", ResolvedType = strings });
        userInput.AddField(new GraphField { Name = "manager", ResolvedType = id });
        userInput.AddField(new GraphField { Name = "isActive", ResolvedType = boolean });
        var roleInput = new InputObjectGraphType { Name = "RoleInput" };
        roleInput.AddField(new GraphField { Name = "apiName", ResolvedType = nn(str) });
        roleInput.AddField(new GraphField { Name = "label", ResolvedType = nn(str) });
        roleInput.AddField(new GraphField { Name = "parent", ResolvedType = str });
        var groupInput = new InputObjectGraphType { Name = "GroupInput" };
        groupInput.AddField(new GraphField { Name = "apiName", ResolvedType = nn(str) });
        groupInput.AddField(new GraphField { Name = "label", ResolvedType = nn(str) });
        var objectGrantInput = new InputObjectGraphType { Name = "ObjectPermissionInput" };
        objectGrantInput.AddField(new GraphField { Name = "object", ResolvedType = nn(str) });
        foreach (var (name, _) in GrantFlags)
        {
            objectGrantInput.AddField(new GraphField { Name = name, ResolvedType = boolean });
        }

        var fieldGrantInput = new InputObjectGraphType { Name = "FieldPermissionInput" };
        fieldGrantInput.AddField(new GraphField { Name = "object", ResolvedType = nn(str) });
        fieldGrantInput.AddField(new GraphField { Name = "field", ResolvedType = nn(str) });
        fieldGrantInput.AddField(new GraphField { Name = "read", ResolvedType = boolean });
        fieldGrantInput.AddField(new GraphField { Name = "edit", ResolvedType = boolean });
        var systemInput = new InputObjectGraphType { Name = "SystemPermissionsInput" };
        foreach (var name in new[] { "viewAllData", "modifyAllData", "manageMetadata", "manageUsers" })
        {
            systemInput.AddField(new GraphField { Name = name, ResolvedType = boolean });
        }

        var setInput = new InputObjectGraphType { Name = "PermissionSetInput" };
        setInput.AddField(new GraphField { Name = "apiName", ResolvedType = nn(str) });
        setInput.AddField(new GraphField { Name = "label", ResolvedType = nn(str) });
        setInput.AddField(new GraphField { Name = "isProfile", ResolvedType = boolean });
        setInput.AddField(new GraphField { Name = "description", ResolvedType = str });
        setInput.AddField(new GraphField { Name = "objects", ResolvedType = new ListGraphType(nn(objectGrantInput)) });
        setInput.AddField(new GraphField { Name = "fields", ResolvedType = new ListGraphType(nn(fieldGrantInput)) });
        setInput.AddField(new GraphField { Name = "system", ResolvedType = systemInput });
        var ruleInput = new InputObjectGraphType { Name = "SharingRuleInput" };
        ruleInput.AddField(new GraphField { Name = "apiName", ResolvedType = nn(str) });
        ruleInput.AddField(new GraphField { Name = "object", ResolvedType = nn(str) });
        ruleInput.AddField(new GraphField { Name = "access", ResolvedType = accessLevel });
        ruleInput.AddField(new GraphField { Name = "sharedWith", ResolvedType = nn(principalInput) });
        ruleInput.AddField(new GraphField { Name = "ownedBy", ResolvedType = principalInput });
        ruleInput.AddField(new GraphField { Name = "criteria", ResolvedType = str, Description = "A filter in the data API's syntax, as JSON text." });
        var keyInput = new InputObjectGraphType { Name = "ApiKeyInput" };
        keyInput.AddField(new GraphField { Name = "user", ResolvedType = nn(id) });
        keyInput.AddField(new GraphField { Name = "name", ResolvedType = nn(str) });
        keyInput.AddField(new GraphField { Name = "expiresAt", ResolvedType = types.DateTime });
        var transferInput = new InputObjectGraphType { Name = "TransferInput" };
        transferInput.AddField(new GraphField { Name = "fromUser", ResolvedType = nn(id) });
        transferInput.AddField(new GraphField { Name = "toUser", ResolvedType = nn(id) });
        transferInput.AddField(new GraphField { Name = "objects", ResolvedType = strings, Description = "Objects to transfer; all when absent." });

        // ---------------------------------------------------------------- queries
        query.AddField(Field("me", user, [], async c => (await Snapshot(c)).Security.FindUser(Ctx(c).Caller.UserId)));
        query.AddField(Field("users", nn(new ListGraphType(nn(user))), [], async c => Manage(c, (await Snapshot(c)).Security.Users)));
        query.AddField(Field("roles", nn(new ListGraphType(nn(role))), [], async c => Manage(c, (await Snapshot(c)).Security.Roles)));
        query.AddField(Field("groups", nn(new ListGraphType(nn(group))), [], async c => Manage(c, (await Snapshot(c)).Security.Groups)));
        query.AddField(Field("permissionSets", nn(new ListGraphType(nn(permissionSet))), [], async c => Manage(c, (await Snapshot(c)).Security.PermissionSets)));
        query.AddField(Field("sharingRules", nn(new ListGraphType(nn(rule))), [], async c => Manage(c, (await Snapshot(c)).Security.SharingRules)));
        query.AddField(Field("apiKeys", nn(new ListGraphType(nn(apiKey))), [Arg(id, "user")], async c =>
        {
            var owner = c.GetArgument<Guid?>("user");
            if (owner != Ctx(c).Caller.UserId)
            {
                SecurityService.RequireManageUsers(Ctx(c).Caller);
            }

            return await Service<TenantCatalog>(c).ListKeysAsync(Ctx(c).Tenant, owner, c.CancellationToken);
        }));
        query.AddField(Field("auditLog", nn(new ListGraphType(nn(audit))), [Arg(new IntGraphType(), "first"), Arg(str, "action"), Arg(id, "before")], async c =>
        {
            SecurityService.RequireManageUsers(Ctx(c).Caller);
            var first = c.GetArgument<int?>("first") ?? 50;
            if (first is < 1 or > 500)
            {
                throw PaasException.Validation("first", "first is from 1 to 500.");
            }

            var connector = Service<IDatabaseConnector>(c);
            await using var connection = await connector.OpenAsync(Ctx(c).Tenant, c.CancellationToken);
            await using var session = new TenantSession(Ctx(c).Tenant, connection, connector.Dialect, await Snapshot(c));
            return await AuditLog.ReadAsync(session, c.GetArgument<string?>("action"), c.GetArgument<Guid?>("before"), first, c.CancellationToken);
        }));

        // ---------------------------------------------------------------- mutations
        mutation.AddField(Field("createUser", nn(user), [Arg(nn(userInput), "input")], async c =>
            await Security(c).SaveUserAsync(Ctx(c).Caller, UserFrom(Input(c), null), c.CancellationToken)));
        var invitation = new ObjectGraphType
        {
            Name = "Invitation",
            Description = "A single-use invitation to set a password. The token is shown only here, once; only its hash is kept.",
        };
        Add<Invitation>(invitation, "user", nn(user), i => i.User);
        Add<Invitation>(invitation, "token", nn(str), i => i.Token);
        Add<Invitation>(invitation, "expiresAt", nn(types.DateTime), i => i.ExpiresAt);
        SharedTypes.AddField(invitation, "acceptPath", nn(str), source => AcceptPath((Invitation)source!), "The path of the page where the user sets a password.");
        mutation.AddField(Field("inviteUser", nn(invitation), [Arg(nn(userInput), "input")], async c =>
        {
            // The user is created first: an invitation needs the user's id. Both steps need Manage Users.
            var created = await Security(c).SaveUserAsync(Ctx(c).Caller, UserFrom(Input(c), null), c.CancellationToken);
            return await Service<UserPasswords>(c).InviteAsync(Ctx(c).Caller, created.Id, c.CancellationToken);
        }));
        mutation.AddField(Field("reissueInvitation", nn(invitation), [Arg(nn(id), "id")], async c =>
            await Service<UserPasswords>(c).InviteAsync(Ctx(c).Caller, c.GetArgument<Guid>("id"), c.CancellationToken)));
        mutation.AddField(Field("updateUser", nn(user), [Arg(nn(id), "id"), Arg(nn(userInput), "input")], async c =>
            await Security(c).SaveUserAsync(Ctx(c).Caller, UserFrom(Input(c), c.GetArgument<Guid>("id")), c.CancellationToken)));
        mutation.AddField(Field("deactivateUser", nn(user), [Arg(nn(id), "id")], async c =>
        {
            var saved = await Security(c).SaveUserAsync(Ctx(c).Caller, new UserInput { Id = c.GetArgument<Guid>("id"), IsActive = false }, c.CancellationToken);
            Service<TenantCatalog>(c).ForgetKeys();
            return saved;
        }));
        mutation.AddField(Field("createRole", nn(role), [Arg(nn(roleInput), "input")], async c =>
            await Security(c).SaveRoleAsync(Ctx(c).Caller, RoleFrom(Input(c)), creating: true, c.CancellationToken)));
        mutation.AddField(Field("updateRole", nn(role), [Arg(nn(roleInput), "input")], async c =>
            await Security(c).SaveRoleAsync(Ctx(c).Caller, RoleFrom(Input(c)), creating: false, c.CancellationToken)));
        mutation.AddField(Field("deleteRole", nn(boolean), [Arg(nn(str), "apiName")], async c =>
            await Security(c).DeleteRoleAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("createGroup", nn(group), [Arg(nn(groupInput), "input")], async c =>
            await Security(c).CreateGroupAsync(Ctx(c).Caller, new GroupDefinition { ApiName = Get<string>(Input(c), "apiName")!, Label = Get<string>(Input(c), "label")! }, c.CancellationToken)));
        mutation.AddField(Field("createPermissionSet", nn(permissionSet), [Arg(nn(setInput), "input")], async c =>
            await Security(c).SavePermissionSetAsync(Ctx(c).Caller, SetFrom(Input(c)), creating: true, c.CancellationToken)));
        mutation.AddField(Field("updatePermissionSet", nn(permissionSet), [Arg(nn(setInput), "input")], async c =>
            await Security(c).SavePermissionSetAsync(Ctx(c).Caller, SetFrom(Input(c)), creating: false, c.CancellationToken)));
        mutation.AddField(Field("setSharingModel", nn(types.Object), [Arg(nn(str), "object"), Arg(nn(sharingModel), "model")], async c =>
            await Security(c).SetSharingModelAsync(Ctx(c).Caller, c.GetArgument<string>("object"), c.GetArgument<SharingModel>("model"), c.CancellationToken)));
        mutation.AddField(Field("createSharingRule", nn(rule), [Arg(nn(ruleInput), "input")], async c =>
        {
            var input = Input(c);
            return await Security(c).CreateSharingRuleAsync(Ctx(c).Caller, new SharingRuleDefinition
            {
                ApiName = Get<string>(input, "apiName")!,
                Object = Get<string>(input, "object")!,
                Access = input.TryGetValue("access", out var a) && a is AccessLevel level ? level : AccessLevel.Read,
                SharedWith = PrincipalFrom(input["sharedWith"])!,
                OwnedBy = PrincipalFrom(Value(input, "ownedBy")),
                Criteria = Get<string>(input, "criteria"),
            }, c.CancellationToken);
        }));
        mutation.AddField(Field("deleteSharingRule", nn(boolean), [Arg(nn(str), "apiName")], async c =>
            await Security(c).DeleteSharingRuleAsync(Ctx(c).Caller, c.GetArgument<string>("apiName"), c.CancellationToken)));
        mutation.AddField(Field("createApiKey", nn(newKey), [Arg(nn(keyInput), "input")], async c =>
        {
            var input = Input(c);
            var owner = Guid.TryParse(Get<object>(input, "user")?.ToString(), out var parsed) ? parsed : Guid.Empty;

            // Even for oneself: a stolen key must not be able to mint keys that outlive its revocation.
            SecurityService.RequireManageUsers(Ctx(c).Caller);

            if ((await Snapshot(c)).Security.FindUser(owner) is not { IsActive: true })
            {
                throw PaasException.Validation("user", "There is no active user with this id.");
            }

            return await Service<TenantCatalog>(c).CreateUserKeyAsync(Ctx(c).Tenant, owner, Get<string>(input, "name"),
                ExpiresAt(Value(input, "expiresAt")), c.CancellationToken, Ctx(c).Caller);
        }));
        mutation.AddField(Field("revokeApiKey", nn(apiKey), [Arg(nn(id), "id")], async c =>
        {
            var caller = Ctx(c).Caller;
            var keyId = c.GetArgument<Guid>("id");
            var catalog = Service<TenantCatalog>(c);
            if (caller.Access is { System.ManageUsers: false }
                && (await catalog.ListKeysAsync(Ctx(c).Tenant, caller.UserId, c.CancellationToken)).All(k => k.Id != keyId))
            {
                // The same answer whether or not the key exists: nothing is learnt about other users' keys.
                throw PaasException.Forbidden("Revoking another user's key needs the Manage Users permission.");
            }

            return await catalog.RevokeKeyAsync(Ctx(c).Tenant, keyId, null, c.CancellationToken, caller);
        }));
        mutation.AddField(Field("transferRecords", nn(new ListGraphType(nn(transferred))), [Arg(nn(transferInput), "input")], async c =>
        {
            var input = Input(c);
            var objects = Value(input, "objects") is IEnumerable list ? list.Cast<object?>().Select(o => o?.ToString() ?? "").ToList() : null;
            return await Service<RecordSharing>(c).TransferAsync(Ctx(c).Caller, ParseGuid(input, "fromUser"), ParseGuid(input, "toUser"), objects, c.CancellationToken);
        }));
    }

    private static readonly (string Name, Func<ObjectPermissions, bool> Read)[] GrantFlags =
    [
        ("read", p => p.Read), ("create", p => p.Create), ("edit", p => p.Edit), ("delete", p => p.Delete), ("viewAll", p => p.ViewAll), ("modifyAll", p => p.ModifyAll),
    ];

    private static T Manage<T>(IResolveFieldContext context, T value)
    {
        SecurityService.RequireManageUsers(Ctx(context).Caller);
        return value;
    }

    private static MetadataRequestContext Ctx(IResolveFieldContext context) => MetadataRequestContext.From(context);

    private static T Service<T>(IResolveFieldContext context) where T : notnull => context.RequestServices!.GetRequiredService<T>();

    private static SecurityService Security(IResolveFieldContext context) => Service<SecurityService>(context);

    private static async Task<Core.Metadata.TenantMetadata> Snapshot(IResolveFieldContext context) =>
        await Ctx(context).Service.GetAsync(Ctx(context).Tenant, context.CancellationToken);

    private static QueryArgument Arg(IGraphType type, string name) => new(type) { Name = name };

    /// <summary>The tenant is in the path because the accept page, like the sign-in page, is not under any tenant's host.</summary>
    private static string AcceptPath(Invitation invitation) =>
        "/account/accept?tenant=" + Uri.EscapeDataString(invitation.TenantSlug) + "&token=" + Uri.EscapeDataString(invitation.Token);

    private static GraphField Field(string name, IGraphType type, QueryArgument[] arguments, Func<IResolveFieldContext, Task<object?>> resolve) => new()
    {
        Name = name,
        ResolvedType = type,
        Arguments = new QueryArguments(arguments),
        Resolver = Resolve.Async(resolve),
    };

    private static IDictionary<string, object?> Input(IResolveFieldContext context) =>
        context.GetArgument<object?>("input") as IDictionary<string, object?> ?? throw PaasException.Validation("input", "An input object is required.");

    private static T? Get<T>(IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is T typed ? typed : default;

    private static object? Value(IDictionary<string, object?> input, string name) => input.TryGetValue(name, out var value) ? value : null;

    private static DateTimeOffset? ExpiresAt(object? value)
    {
        if (value is null)
        {
            return null;
        }

        return Core.Records.FieldValueCoercer.TryCoerce(SecurityStore.TimeColumn, value, out var parsed, out var problem)
            ? (DateTimeOffset)parsed!
            : throw PaasException.Validation("expiresAt", problem!);
    }

    private static Guid ParseGuid(IDictionary<string, object?> input, string name) =>
        Guid.TryParse(Value(input, name)?.ToString(), out var parsed) ? parsed : throw PaasException.Validation(name, "Expected a user id.");

    private static IReadOnlyList<string>? Strings(IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is IEnumerable list and not string ? list.Cast<object?>().Select(v => v?.ToString() ?? "").ToList() : null;

    private static UserInput UserFrom(IDictionary<string, object?> input, Guid? id) => new()
    {
        Id = id,
        Name = Get<string>(input, "name"),
        Email = Get<string>(input, "email"),
        Role = input.TryGetValue("role", out var role) ? role as string ?? "" : null,
        Profile = Get<string>(input, "profile"),
        PermissionSets = Strings(input, "permissionSets"),
        Groups = Strings(input, "groups"),
        Manager = Guid.TryParse(Value(input, "manager")?.ToString(), out var manager) ? manager : null,
        IsActive = input.TryGetValue("isActive", out var active) ? active as bool? : null,
    };

    private static RoleDefinition RoleFrom(IDictionary<string, object?> input) => new()
    {
        ApiName = Get<string>(input, "apiName")!,
        Label = Get<string>(input, "label")!,
        Parent = Get<string>(input, "parent"),
    };

    private static PermissionSetDefinition SetFrom(IDictionary<string, object?> input)
    {
        var objects = new Dictionary<string, ObjectPermissions>(StringComparer.Ordinal);
        foreach (var grant in (Value(input, "objects") as IEnumerable)?.Cast<IDictionary<string, object?>>() ?? [])
        {
            objects[Get<string>(grant, "object")!] = new ObjectPermissions
            {
                Read = Get<bool>(grant, "read"), Create = Get<bool>(grant, "create"), Edit = Get<bool>(grant, "edit"),
                Delete = Get<bool>(grant, "delete"), ViewAll = Get<bool>(grant, "viewAll"), ModifyAll = Get<bool>(grant, "modifyAll"),
            }.Normalized();
        }

        var fields = new Dictionary<string, FieldPermission>(StringComparer.Ordinal);
        foreach (var grant in (Value(input, "fields") as IEnumerable)?.Cast<IDictionary<string, object?>>() ?? [])
        {
            var edit = Get<bool>(grant, "edit");
            fields[Get<string>(grant, "object") + "." + Get<string>(grant, "field")] = new FieldPermission(Get<bool>(grant, "read") || edit, edit);
        }

        var system = Value(input, "system") as IDictionary<string, object?>;
        return new PermissionSetDefinition
        {
            ApiName = Get<string>(input, "apiName")!,
            Label = Get<string>(input, "label")!,
            IsProfile = Get<bool>(input, "isProfile"),
            Description = Get<string>(input, "description"),
            Objects = objects,
            Fields = fields,
            System = system is null ? SystemPermissions.None : new SystemPermissions
            {
                ViewAllData = Get<bool>(system, "viewAllData") || Get<bool>(system, "modifyAllData"),
                ModifyAllData = Get<bool>(system, "modifyAllData"),
                ManageMetadata = Get<bool>(system, "manageMetadata"),
                ManageUsers = Get<bool>(system, "manageUsers"),
            },
        };
    }

    private static Principal? PrincipalFrom(object? value) =>
        value is IDictionary<string, object?> map && Value(map, "kind") is PrincipalKind kind ? new Principal(kind, Get<string>(map, "name") ?? "") : null;

    private static void Add<T>(ObjectGraphType type, string name, IGraphType graphType, Func<T, object?> read) =>
        SharedTypes.AddField(type, name, graphType, source => read((T)source!));
}
