using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Paas.Data.Query;

/// <summary>
/// The field names of the rows one statement reads, in column order, shared by all of its rows
/// (see <see cref="RecordValues"/>).
/// </summary>
public sealed class RecordShape
{
    private readonly Dictionary<string, int> _index;

    public RecordShape(IReadOnlyList<string> names)
    {
        Names = [.. names];
        _index = new Dictionary<string, int>(Names.Length, StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++)
        {
            _index[Names[i]] = i; // a name given twice reads as its last column, as a dictionary filled in order would
        }
    }

    public string[] Names { get; }

    /// <summary>How many distinct names the shape has.</summary>
    public int Count => _index.Count;

    public int IndexOf(string name)
    {
        // Callers mostly ask with the field's own API name string (the metadata's instance): a short scan by reference
        // finds it without hashing. Names given twice are left to the dictionary, which knows the last one.
        var names = Names;
        if (names.Length <= 16 && names.Length == _index.Count)
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (ReferenceEquals(names[i], name))
                {
                    return i;
                }
            }
        }

        return _index.TryGetValue(name, out var found) ? found : -1;
    }

    /// <summary>Whether column <paramref name="i"/> is the one its name reads (the last of a name given twice).</summary>
    public bool IsLast(int i) => _index[Names[i]] == i;
}

/// <summary>
/// One record as read: its values in the order of a <see cref="RecordShape"/> that all rows of a statement share. Read-only,
/// and one array per row instead of a dictionary per row (a page of 50 records with a lookup is 100 of them).
/// </summary>
public sealed class RecordValues(RecordShape shape, object?[] values) : IReadOnlyDictionary<string, object?>
{
    public RecordShape Shape { get; } = shape;

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The record has no value '{key}'.");

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<object?> Values => this.Select(p => p.Value);

    public int Count => Shape.Count;

    /// <summary>The value at <paramref name="index"/> of the shape.</summary>
    public object? At(int index) => values[index];

    public bool ContainsKey(string key) => Shape.IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var i = Shape.IndexOf(key);
        if (i < 0)
        {
            value = null;
            return false;
        }

        value = values[i];
        return true;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (Shape.IsLast(i))
            {
                yield return new KeyValuePair<string, object?>(Shape.Names[i], values[i]);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
