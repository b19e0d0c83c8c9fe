using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

/// <summary>
/// An in-memory <see cref="IScriptHost"/>: records per object name, every call recorded, and hooks to make a call
/// fail or do something else (run a nested script, advance a clock).
/// </summary>
internal sealed class FakeScriptHost : IScriptHost
{
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, object?>>> _objects = new(StringComparer.Ordinal);
    private int _nextId = 1;

    public List<string> Calls { get; } = [];

    public List<(string Level, string Message)> Logged { get; } = [];

    public List<IReadOnlyDictionary<string, object?>> QueryOptions { get; } = [];

    /// <summary>Runs before each call with its name ("get", "query", …); throw from it to make the call fail.</summary>
    public Action<string>? OnCall { get; set; }

    public FakeScriptHost Add(string objectApiName, string id, Dictionary<string, object?> record)
    {
        record["id"] = id;
        Table(objectApiName)[id] = record;
        return this;
    }

    public IReadOnlyDictionary<string, object?>? Get(string objectApiName, string id)
    {
        Enter("get", objectApiName);
        return Table(objectApiName).TryGetValue(id, out var record) ? new Dictionary<string, object?>(record) : null;
    }

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Query(string objectApiName, IReadOnlyDictionary<string, object?> options)
    {
        Enter("query", objectApiName);
        QueryOptions.Add(options);
        IEnumerable<Dictionary<string, object?>> rows = Table(objectApiName).Values;
        if (options.TryGetValue("filter", out var filter) && filter is IReadOnlyDictionary<string, object?> equals)
        {
            rows = rows.Where(row => equals.All(pair => Equals(row.GetValueOrDefault(pair.Key), pair.Value)));
        }

        if (options.TryGetValue("first", out var first) && first is double count)
        {
            rows = rows.Take((int)count);
        }

        return rows.Select(row => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(row)).ToList();
    }

    public IReadOnlyDictionary<string, object?> Create(string objectApiName, IReadOnlyDictionary<string, object?> record)
    {
        Enter("create", objectApiName);
        var id = $"id-{_nextId++}";
        var stored = new Dictionary<string, object?>(record) { ["id"] = id };
        Table(objectApiName)[id] = stored;
        return new Dictionary<string, object?>(stored);
    }

    public IReadOnlyDictionary<string, object?> Update(string objectApiName, string id, IReadOnlyDictionary<string, object?> changes)
    {
        Enter("update", objectApiName);
        if (!Table(objectApiName).TryGetValue(id, out var stored))
        {
            throw PaasException.NotFound($"No {objectApiName} with id {id}.");
        }

        foreach (var (key, value) in changes)
        {
            stored[key] = value;
        }

        return new Dictionary<string, object?>(stored);
    }

    public void Delete(string objectApiName, string id)
    {
        Enter("delete", objectApiName);
        if (!Table(objectApiName).Remove(id))
        {
            throw PaasException.NotFound($"No {objectApiName} with id {id}.");
        }
    }

    public void Log(string level, string message) => Logged.Add((level, message));

    public IReadOnlyDictionary<string, object?>? Stored(string objectApiName, string id) =>
        Table(objectApiName).GetValueOrDefault(id);

    private void Enter(string call, string objectApiName)
    {
        Calls.Add($"{call} {objectApiName}");
        OnCall?.Invoke(call);
    }

    private Dictionary<string, Dictionary<string, object?>> Table(string objectApiName)
    {
        if (!_objects.TryGetValue(objectApiName, out var table))
        {
            _objects[objectApiName] = table = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        }

        return table;
    }
}
