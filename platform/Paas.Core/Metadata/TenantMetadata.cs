using Paas.Core.Security;

namespace Paas.Core.Metadata;

/// <summary>An immutable snapshot of one tenant's metadata at a version. Every change makes a new snapshot.</summary>
public sealed class TenantMetadata(long version, IReadOnlyList<ObjectDefinition> objects, SecurityModel? security = null,
    IReadOnlyList<ScriptDefinition>? scripts = null, IReadOnlyList<Workflows.PublishedWorkflow>? workflows = null,
    IReadOnlyList<Workflows.StageProcessDefinition>? stageProcesses = null)
{
    /// <summary>Stage processes, at most one per object.</summary>
    public IReadOnlyList<Workflows.StageProcessDefinition> StageProcesses { get; } = stageProcesses ?? [];

    public Workflows.StageProcessDefinition? FindStageProcess(string objectApiName) => StageProcesses.FirstOrDefault(p => p.Object == objectApiName);

    private readonly IReadOnlyList<ScriptDefinition> _scripts = scripts ?? [];

    /// <summary>The published version of each workflow.</summary>
    public IReadOnlyList<Workflows.PublishedWorkflow> Workflows { get; } = workflows ?? [];

    public Workflows.PublishedWorkflow? FindWorkflow(string apiName) => Workflows.FirstOrDefault(w => w.Definition.ApiName == apiName);

    /// <summary>Whether a running workflow may lock records of the object (so writes must check the lock).</summary>
    public bool MayLock(string objectApiName) => Workflows.Any(w => w.Definition.Object == objectApiName
        && w.Definition.Steps.Any(s => s.Type == Core.Workflows.WorkflowStepType.Approval && s.Approval?.LockRecord != false));

    private readonly Dictionary<string, ObjectDefinition> _byName = objects.ToDictionary(o => o.ApiName, StringComparer.Ordinal);

    public long Version { get; } = version;

    /// <summary>Roles, groups, permission sets, sharing rules and users.</summary>
    public SecurityModel Security { get; } = security ?? SecurityModel.Empty;

    /// <summary>Deployed scripts, active or not.</summary>
    public IReadOnlyList<ScriptDefinition> Scripts => _scripts;

    public ScriptDefinition? FindScript(string apiName) => _scripts.FirstOrDefault(s => s.ApiName == apiName);

    /// <summary>The active scripts of one kind on an object, in their run order.</summary>
    public IEnumerable<ScriptDefinition> ActiveScripts(string objectApiName, ScriptKind kind) =>
        _scripts.Where(s => s.Active && s.Kind == kind && s.Object == objectApiName).OrderBy(s => s.Order).ThenBy(s => s.ApiName, StringComparer.Ordinal);

    /// <summary>All objects, deleted ones included.</summary>
    public IReadOnlyList<ObjectDefinition> AllObjects { get; } = objects;

    public IEnumerable<ObjectDefinition> LiveObjects => AllObjects.Where(o => !o.IsDeleted);

    public ObjectDefinition? FindObject(string apiName) =>
        _byName.TryGetValue(apiName, out var found) && !found.IsDeleted ? found : null;

    public ObjectDefinition? FindObjectIncludingDeleted(string apiName) =>
        _byName.GetValueOrDefault(apiName);

    /// <summary>
    /// Relation fields that point at <paramref name="target"/> and still hold data: in live or deleted objects,
    /// live or deleted (not yet purged). Record deletes must keep all of them consistent, or a restore would
    /// bring back dangling references.
    /// </summary>
    public IEnumerable<(ObjectDefinition Object, FieldDefinition Field)> StoredReferencesTo(string target) =>
        from o in AllObjects
        from f in o.Fields
        where f.Type.IsRelation() && f.Target == target
        select (o, f);

    /// <summary>Live relation fields of live objects that point at <paramref name="target"/>.</summary>
    public IEnumerable<(ObjectDefinition Object, FieldDefinition Field)> ReferencesTo(string target) =>
        from o in LiveObjects
        from f in o.LiveFields
        where f.Type.IsRelation() && f.Target == target
        select (o, f);
}
