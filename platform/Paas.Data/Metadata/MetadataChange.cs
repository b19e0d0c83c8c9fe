using Paas.Core.Metadata;
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

    internal IReadOnlyDictionary<string, ObjectDefinition?> Changes => _changes;

    internal TenantMetadata After(long version)
    {
        var objects = before.AllObjects.Where(o => !_changes.ContainsKey(o.ApiName)).ToList();
        objects.AddRange(_changes.Values.OfType<ObjectDefinition>());
        return new TenantMetadata(version, objects.OrderBy(o => o.ApiName, StringComparer.Ordinal).ToList());
    }
}
