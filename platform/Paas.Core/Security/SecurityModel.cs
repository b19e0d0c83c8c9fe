namespace Paas.Core.Security;

/// <summary>Who may see a record of an object when nothing else grants access (the organisation-wide default).</summary>
public enum SharingModel
{
    /// <summary>Everyone with read permission on the object may read and edit every record.</summary>
    PublicReadWrite,

    /// <summary>Everyone may read every record; only owners (and those given access) may edit.</summary>
    PublicRead,

    /// <summary>Only owners, their managers in the role hierarchy, and those given access.</summary>
    Private,

    /// <summary>A master-detail child: access to the record is access to its master record.</summary>
    ControlledByParent,
}

/// <summary>The level of access a grant gives on a record.</summary>
public enum AccessLevel
{
    Read,
    Edit,
}

/// <summary>What a permission set grants on one object.</summary>
public sealed record ObjectPermissions
{
    public bool Read { get; init; }
    public bool Create { get; init; }
    public bool Edit { get; init; }
    public bool Delete { get; init; }

    /// <summary>Read every record, whatever the sharing.</summary>
    public bool ViewAll { get; init; }

    /// <summary>Read, edit and delete every record, whatever the sharing.</summary>
    public bool ModifyAll { get; init; }

    public static readonly ObjectPermissions None = new();

    public static readonly ObjectPermissions All = new() { Read = true, Create = true, Edit = true, Delete = true, ViewAll = true, ModifyAll = true };

    public ObjectPermissions Union(ObjectPermissions other) => new()
    {
        Read = Read || other.Read,
        Create = Create || other.Create,
        Edit = Edit || other.Edit,
        Delete = Delete || other.Delete,
        ViewAll = ViewAll || other.ViewAll,
        ModifyAll = ModifyAll || other.ModifyAll,
    };

    /// <summary>Implied grants: edit needs read, delete needs edit, modify-all implies everything.</summary>
    public ObjectPermissions Normalized()
    {
        var modifyAll = ModifyAll;
        var viewAll = ViewAll || modifyAll;
        var delete = Delete || modifyAll;
        var edit = Edit || delete || modifyAll;
        var create = Create || modifyAll;
        return new ObjectPermissions
        {
            Read = Read || edit || create || viewAll,
            Create = create,
            Edit = edit,
            Delete = delete,
            ViewAll = viewAll,
            ModifyAll = modifyAll,
        };
    }
}

/// <summary>What a permission set grants on a secured field (field-level security).</summary>
public sealed record FieldPermission(bool Read, bool Edit);

/// <summary>Tenant-wide rights of a permission set.</summary>
public sealed record SystemPermissions
{
    /// <summary>Read every record of every object, secured fields included.</summary>
    public bool ViewAllData { get; init; }

    /// <summary>Read, edit, delete and transfer every record of every object.</summary>
    public bool ModifyAllData { get; init; }

    /// <summary>Change objects, fields and indexes.</summary>
    public bool ManageMetadata { get; init; }

    /// <summary>Manage users, roles, groups, permission sets, sharing and API keys; read the audit log.</summary>
    public bool ManageUsers { get; init; }

    public static readonly SystemPermissions None = new();

    public SystemPermissions Union(SystemPermissions other) => new()
    {
        ViewAllData = ViewAllData || other.ViewAllData || ModifyAllData || other.ModifyAllData,
        ModifyAllData = ModifyAllData || other.ModifyAllData,
        ManageMetadata = ManageMetadata || other.ManageMetadata,
        ManageUsers = ManageUsers || other.ManageUsers,
    };
}

/// <summary>
/// A named set of grants. A profile is a permission set that a user has exactly one of; other sets add to it.
/// Grants only add: a user's rights are the union of their profile and their permission sets.
/// </summary>
public sealed record PermissionSetDefinition
{
    public required string ApiName { get; init; }
    public required string Label { get; init; }
    public bool IsProfile { get; init; }
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, ObjectPermissions> Objects { get; init; } = new Dictionary<string, ObjectPermissions>();

    /// <summary>Grants on secured fields, keyed <c>Object.field</c>.</summary>
    public IReadOnlyDictionary<string, FieldPermission> Fields { get; init; } = new Dictionary<string, FieldPermission>();

    public SystemPermissions System { get; init; } = SystemPermissions.None;
}

/// <summary>A node of the role hierarchy: users in a role see the records owned by users in the roles below it.</summary>
public sealed record RoleDefinition
{
    public required string ApiName { get; init; }
    public required string Label { get; init; }
    public string? Parent { get; init; }
}

/// <summary>A public group of users, a target for sharing.</summary>
public sealed record GroupDefinition
{
    public required string ApiName { get; init; }
    public required string Label { get; init; }
}

/// <summary>Who a share or a sharing rule is for.</summary>
public enum PrincipalKind
{
    User,
    Group,
    Role,
    RoleAndSubordinates,
}

/// <summary>A user, group, role, or role with the roles below it. <see cref="Key"/> is its stored form.</summary>
public sealed record Principal(PrincipalKind Kind, string Name)
{
    public string Key => Kind switch
    {
        PrincipalKind.User => "user:" + Name,
        PrincipalKind.Group => "group:" + Name,
        PrincipalKind.Role => "role:" + Name,
        _ => "roleAndSubordinates:" + Name,
    };
}

/// <summary>
/// Opens records of an object beyond the organisation-wide default: those owned by a set of users (owner-based), or
/// those matching a filter (criteria-based), to a role, a role and its subordinates, or a group.
/// </summary>
public sealed record SharingRuleDefinition
{
    public required string ApiName { get; init; }
    public required string Object { get; init; }
    public required Principal SharedWith { get; init; }
    public AccessLevel Access { get; init; }

    /// <summary>Owner-based: records owned by members of this principal (not a user).</summary>
    public Principal? OwnedBy { get; init; }

    /// <summary>Criteria-based: records that match this filter (the data API's filter syntax, as JSON).</summary>
    public string? Criteria { get; init; }
}

/// <summary>A user as the security model knows it. Credentials (password hash, keys) are kept elsewhere.</summary>
public sealed record UserInfo
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public bool IsActive { get; init; } = true;
    public string? Role { get; init; }
    public required string Profile { get; init; }
    public IReadOnlyList<string> PermissionSets { get; init; } = [];
    public IReadOnlyList<string> Groups { get; init; } = [];
    public Guid? Manager { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A tenant's roles, groups, permission sets, sharing rules and users, as one immutable snapshot.</summary>
public sealed class SecurityModel
{
    public static readonly SecurityModel Empty = new([], [], [], [], []);

    private readonly Dictionary<Guid, UserInfo> _users;
    private readonly Dictionary<string, RoleDefinition> _roles;
    private readonly Dictionary<string, PermissionSetDefinition> _sets;

    public SecurityModel(IReadOnlyList<RoleDefinition> roles, IReadOnlyList<GroupDefinition> groups, IReadOnlyList<PermissionSetDefinition> permissionSets,
        IReadOnlyList<SharingRuleDefinition> sharingRules, IReadOnlyList<UserInfo> users)
    {
        Roles = roles;
        Groups = groups;
        PermissionSets = permissionSets;
        SharingRules = sharingRules;
        Users = users;
        _users = users.ToDictionary(u => u.Id);
        _roles = roles.ToDictionary(r => r.ApiName, StringComparer.Ordinal);
        _sets = permissionSets.ToDictionary(p => p.ApiName, StringComparer.Ordinal);
    }

    public IReadOnlyList<RoleDefinition> Roles { get; }
    public IReadOnlyList<GroupDefinition> Groups { get; }
    public IReadOnlyList<PermissionSetDefinition> PermissionSets { get; }
    public IReadOnlyList<SharingRuleDefinition> SharingRules { get; }
    public IReadOnlyList<UserInfo> Users { get; }

    public UserInfo? FindUser(Guid id) => _users.GetValueOrDefault(id);

    public RoleDefinition? FindRole(string name) => _roles.GetValueOrDefault(name);

    public PermissionSetDefinition? FindPermissionSet(string name) => _sets.GetValueOrDefault(name);

    public GroupDefinition? FindGroup(string name) => Groups.FirstOrDefault(g => g.ApiName == name);

    /// <summary>The role and every role below it.</summary>
    public IReadOnlyList<string> RoleAndSubordinates(string role)
    {
        var result = new List<string> { role };
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(Roles.Where(r => r.Parent == result[i] && !result.Contains(r.ApiName)).Select(r => r.ApiName));
        }

        return result;
    }

    /// <summary>The roles above a role, nearest first.</summary>
    public IReadOnlyList<string> Ancestors(string role)
    {
        var result = new List<string>();
        var current = FindRole(role)?.Parent;
        while (current is not null && !result.Contains(current) && current != role)
        {
            result.Add(current);
            current = FindRole(current)?.Parent;
        }

        return result;
    }

    /// <summary>The active users a principal stands for.</summary>
    public IEnumerable<UserInfo> Members(Principal principal) => principal.Kind switch
    {
        PrincipalKind.User => Users.Where(u => u.IsActive && u.Id.ToString() == principal.Name),
        PrincipalKind.Group => Users.Where(u => u.IsActive && u.Groups.Contains(principal.Name)),
        PrincipalKind.Role => Users.Where(u => u.IsActive && u.Role == principal.Name),
        _ => RoleAndSubordinates(principal.Name) is var roles ? Users.Where(u => u.IsActive && u.Role is not null && roles.Contains(u.Role)) : [],
    };

    public SecurityModel With(IReadOnlyList<RoleDefinition>? roles = null, IReadOnlyList<GroupDefinition>? groups = null,
        IReadOnlyList<PermissionSetDefinition>? permissionSets = null, IReadOnlyList<SharingRuleDefinition>? sharingRules = null,
        IReadOnlyList<UserInfo>? users = null) =>
        new(roles ?? Roles, groups ?? Groups, permissionSets ?? PermissionSets, sharingRules ?? SharingRules, users ?? Users);
}
