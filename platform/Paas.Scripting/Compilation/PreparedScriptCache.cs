using Paas.Core.Scripting;

namespace Paas.Scripting.Compilation;

/// <summary>
/// Compiled scripts by <see cref="ScriptSource.CacheKey"/>, least recently used evicted first. Thread-safe: lookups
/// and updates take a lock, compiling does not (two threads missing the same key at once may both compile it; the
/// later one wins, which is harmless because a key names one immutable version). An entry whose code or mode differs
/// from the source asked for is compiled again, so a reused key can never run stale code.
/// </summary>
internal sealed class PreparedScriptCache
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, CompiledScript>>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, CompiledScript>> _recency = new();
    private readonly Lock _lock = new();
    private long _compilations;

    public PreparedScriptCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>How many times code was compiled (parsed and prepared) since this cache was created.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public CompiledScript GetOrCompile(ScriptSource source)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(source.CacheKey, out var node) && node.Value.Value.Matches(source))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Value;
            }
        }

        var compiled = ScriptCompiler.Compile(source);
        Interlocked.Increment(ref _compilations);
        lock (_lock)
        {
            if (_entries.Remove(source.CacheKey, out var stale))
            {
                _recency.Remove(stale);
            }

            _entries[source.CacheKey] = _recency.AddFirst(new KeyValuePair<string, CompiledScript>(source.CacheKey, compiled));
            while (_entries.Count > _capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }

        return compiled;
    }
}
