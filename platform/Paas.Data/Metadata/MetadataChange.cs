using Paas.Core.Metadata;
using Paas.Core.Security;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>One metadata change in progress: the snapshot it started from, its open transaction and what it saved.</summary>
public sealed class MetadataChange(TenantSession session, TenantMetadata before)
{
    private readonly Dictionary<string, ObjectDefinition?> _changes = new(StringComparer.Ordinal);

    public TenantSession Session => session;
    public TenantMetadata Before => before;

    public void Save(ObjectDefinition definition) => _changes[definition.ApiName] = definition;

    public void Remove(string apiName) => _changes[apiName] = null;

    /// <summary>The security model as changed so far (starts as the snapshot's).</summary>
    public SecurityModel Security { get; private set; } = before.Security;

    internal bool SecurityDocumentChanged { get; private set; }

    internal List<UserInfo> SavedUsers { get; } = [];

    /// <summary>Replaces roles, groups, permission sets or sharing rules.</summary>
    public void SaveSecurity(SecurityModel security)
    {
        Security = security;
        SecurityDocumentChanged = true;
    }

    /// <summary>Adds or replaces a user.</summary>
    public void SaveUser(UserInfo user)
    {
        Security = Security.With(users: Security.Users.Where(u => u.Id != user.Id).Append(user).OrderBy(u => u.Email, StringComparer.Ordinal).ToList());
        SavedUsers.RemoveAll(u => u.Id == user.Id);
        SavedUsers.Add(user);
    }

    /// <summary>Scripts as changed so far (starts as the snapshot's).</summary>
    public IReadOnlyList<ScriptDefinition> Scripts { get; private set; } = before.Scripts;

    /// <summary>Adds or replaces a script in the snapshot that this change publishes (the caller stores it).</summary>
    public void SaveScript(ScriptDefinition script) =>
        Scripts = Scripts.Where(s => s.ApiName != script.ApiName).Append(script).OrderBy(s => s.ApiName, StringComparer.Ordinal).ToList();

    public void RemoveScript(string apiName) => Scripts = Scripts.Where(s => s.ApiName != apiName).ToList();

    /// <summary>Published workflows as changed so far (starts as the snapshot's).</summary>
    public IReadOnlyList<Core.Workflows.PublishedWorkflow> Workflows { get; private set; } = before.Workflows;

    public void SaveWorkflow(Core.Workflows.PublishedWorkflow workflow) =>
        Workflows = Workflows.Where(w => w.Definition.ApiName != workflow.Definition.ApiName).Append(workflow).OrderBy(w => w.Definition.ApiName, StringComparer.Ordinal).ToList();

    /// <summary>Stage processes as changed so far (starts as the snapshot's).</summary>
    public IReadOnlyList<Core.Workflows.StageProcessDefinition> StageProcesses { get; private set; } = before.StageProcesses;

    public void SaveStageProcess(Core.Workflows.StageProcessDefinition process) =>
        StageProcesses = StageProcesses.Where(p => p.Object != process.Object).Append(process).OrderBy(p => p.Object, StringComparer.Ordinal).ToList();

    public void RemoveStageProcess(string objectApiName) => StageProcesses = StageProcesses.Where(p => p.Object != objectApiName).ToList();

    internal IReadOnlyDictionary<string, ObjectDefinition?> Changes => _changes;

    internal TenantMetadata After(long version)
    {
        var objects = before.AllObjects.Where(o => !_changes.ContainsKey(o.ApiName)).ToList();
        objects.AddRange(_changes.Values.OfType<ObjectDefinition>());
        return new TenantMetadata(version, objects.OrderBy(o => o.ApiName, StringComparer.Ordinal).ToList(), Security, Scripts, Workflows, StageProcesses);
    }
}
