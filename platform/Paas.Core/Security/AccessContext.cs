using System.Security.Cryptography;
using System.Text;
using Paas.Core.Metadata;

namespace Paas.Core.Security;

/// <summary>
/// One user's effective rights in one metadata snapshot: the union of their profile and permission sets, their place
/// in the role hierarchy, their groups, and the sharing rules that reach them. Immutable; computed once per user and
/// snapshot and shared by all of the user's requests.
/// </summary>
public sealed class AccessContext
{
    private readonly TenantMetadata _metadata;
    private readonly Dictionary<string, ObjectPermissions> _objects;
    private readonly Dictionary<string, FieldPermission> _fields;
    private readonly HashSet<string> _principals;

    private AccessContext(TenantMetadata metadata, UserInfo user, SystemPermissions system, Dictionary<string, ObjectPermissions> objects,
        Dictionary<string, FieldPermission> fields, HashSet<string> principals, IReadOnlyList<string> subordinateRoles)
    {
        _metadata = metadata;
        User = user;
        System = system;
        _objects = objects;
        _fields = fields;
        _principals = principals;
        SubordinateRoles = subordinateRoles;
        Signature = ComputeSignature();
    }

    public UserInfo User { get; }

    public Guid UserId => User.Id;

    public SystemPermissions System { get; }

    /// <summary>Roles strictly below the user's role: the owners whose records the user sees through the hierarchy.</summary>
    public IReadOnlyList<string> SubordinateRoles { get; }

    /// <summary>The stored principal keys that stand for this user (the user, their groups, their role and the roles above it).</summary>
    public IReadOnlyCollection<string> Principals => _principals;

    /// <summary>Equal for users who see the same objects and fields with the same rights: they share a generated schema.</summary>
    public string Signature { get; }

    public bool SeesAllData => System.ViewAllData || System.ModifyAllData;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TenantMetadata, System.Collections.Concurrent.ConcurrentDictionary<Guid, AccessContext?>> Cache = [];

    /// <summary><see cref="For"/>, computed once per user and snapshot (a new snapshot after any change starts afresh).</summary>
    public static AccessContext? Cached(TenantMetadata metadata, Guid userId) =>
        Cache.GetValue(metadata, static _ => new()).GetOrAdd(userId, id => For(metadata, id));

    /// <summary>The effective access of <paramref name="userId"/>, or null when there is no such active user.</summary>
    public static AccessContext? For(TenantMetadata metadata, Guid userId)
    {
        var security = metadata.Security;
        var user = security.FindUser(userId);
        if (user is null || !user.IsActive)
        {
            return null;
        }

        var system = SystemPermissions.None;
        var objects = new Dictionary<string, ObjectPermissions>(StringComparer.Ordinal);
        var fields = new Dictionary<string, FieldPermission>(StringComparer.Ordinal);
        foreach (var setName in user.PermissionSets.Prepend(user.Profile))
        {
            if (security.FindPermissionSet(setName) is not { } set)
            {
                continue;
            }

            system = system.Union(set.System);
            foreach (var (name, grant) in set.Objects)
            {
                objects[name] = objects.TryGetValue(name, out var existing) ? existing.Union(grant) : grant;
            }

            foreach (var (name, grant) in set.Fields)
            {
                fields[name] = fields.TryGetValue(name, out var existing) ? new FieldPermission(existing.Read || grant.Read, existing.Edit || grant.Edit) : grant;
            }
        }

        foreach (var name in objects.Keys.ToList())
        {
            objects[name] = objects[name].Normalized();
        }

        var principals = new HashSet<string>(StringComparer.Ordinal) { new Principal(PrincipalKind.User, user.Id.ToString()).Key };
        foreach (var group in user.Groups)
        {
            principals.Add(new Principal(PrincipalKind.Group, group).Key);
        }

        IReadOnlyList<string> subordinates = [];
        if (user.Role is { } role && security.FindRole(role) is not null)
        {
            principals.Add(new Principal(PrincipalKind.Role, role).Key);
            foreach (var above in security.Ancestors(role).Prepend(role))
            {
                principals.Add(new Principal(PrincipalKind.RoleAndSubordinates, above).Key);
            }

            subordinates = security.RoleAndSubordinates(role).Skip(1).ToList();
        }

        return new AccessContext(metadata, user, system, objects, fields, principals, subordinates);
    }

    /// <summary>The user's rights on an object (system permissions included).</summary>
    public ObjectPermissions On(string objectName)
    {
        if (System.ModifyAllData)
        {
            return ObjectPermissions.All;
        }

        var granted = _objects.GetValueOrDefault(objectName) ?? ObjectPermissions.None;
        return System.ViewAllData ? granted.Union(new ObjectPermissions { Read = true, ViewAll = true }) : granted;
    }

    public bool CanRead(ObjectDefinition definition) => On(definition.ApiName).Read;

    public bool CanCreate(ObjectDefinition definition) => On(definition.ApiName).Create;

    public bool CanEdit(ObjectDefinition definition) => On(definition.ApiName).Edit;

    public bool CanDelete(ObjectDefinition definition) => On(definition.ApiName).Delete;

    /// <summary>Unsecured fields follow the object; secured fields need a field grant (or all-data rights).</summary>
    public bool CanReadField(ObjectDefinition definition, FieldDefinition field)
    {
        if (!CanRead(definition))
        {
            return false;
        }

        if (field.Type.IsRelation() && _metadata.FindObject(field.Target!) is { } target && !CanRead(target))
        {
            return false;
        }

        return !field.Secured || SeesAllData || (_fields.GetValueOrDefault(definition.ApiName + "." + field.ApiName)?.Read ?? false);
    }

    public bool CanEditField(ObjectDefinition definition, FieldDefinition field) =>
        CanReadField(definition, field) && (CanEdit(definition) || CanCreate(definition))
        && (!field.Secured || System.ModifyAllData || (_fields.GetValueOrDefault(definition.ApiName + "." + field.ApiName)?.Edit ?? false));

    /// <summary>Whether the user's access to records of <paramref name="definition"/> is limited by sharing at this level.</summary>
    public bool IsRestricted(ObjectDefinition definition, AccessLevel level)
    {
        var rights = On(definition.ApiName);
        if (level == AccessLevel.Read ? rights.ViewAll : rights.ModifyAll)
        {
            return false;
        }

        return definition.SharingModel switch
        {
            SharingModel.PublicReadWrite => false,
            SharingModel.PublicRead => level == AccessLevel.Edit,
            _ => true,
        };
    }

    /// <summary>The sharing rules of an object that open records to this user at (at least) this level.</summary>
    public IEnumerable<SharingRuleDefinition> RulesFor(ObjectDefinition definition, AccessLevel level) =>
        _metadata.Security.SharingRules.Where(r => r.Object == definition.ApiName && _principals.Contains(r.SharedWith.Key)
            && (level == AccessLevel.Read || r.Access == AccessLevel.Edit));

    private string ComputeSignature()
    {
        var text = new StringBuilder();
        foreach (var definition in _metadata.LiveObjects)
        {
            var rights = On(definition.ApiName);
            text.Append(definition.ApiName).Append(rights.Read ? 'r' : '-').Append(rights.Create ? 'c' : '-').Append(rights.Edit ? 'e' : '-').Append(rights.Delete ? 'd' : '-');
            if (!rights.Read)
            {
                continue;
            }

            foreach (var field in definition.LiveFields.Where(f => f.Secured || f.Type.IsRelation()))
            {
                text.Append(field.ApiName).Append(CanReadField(definition, field) ? 'r' : '-').Append(CanEditField(definition, field) ? 'e' : '-');
            }

            text.Append(';');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 12);
    }
}
