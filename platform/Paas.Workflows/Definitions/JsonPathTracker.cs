using System.Text;

namespace Paas.Workflows.Definitions;

/// <summary>
/// Follows a forward-only JSON reader: the open objects and arrays, the property names seen in each object (to find
/// duplicates) and the field path of the current value (<c>definition.steps[2].name</c>).
/// </summary>
internal sealed class JsonPathTracker
{
    private readonly Stack<Frame> _frames = new();

    public void Enter(bool isArray) => _frames.Push(new Frame(isArray));

    public void Leave()
    {
        _frames.Pop();
        ValueDone();
    }

    /// <summary>Records a property name of the current object; false when the object already has it.</summary>
    public bool Name(string name)
    {
        var frame = _frames.Peek();
        frame.Property = name;
        return frame.Names!.Add(name);
    }

    /// <summary>A value (or a whole object or array) was read: the next array item gets the next index.</summary>
    public void ValueDone()
    {
        if (_frames.TryPeek(out var frame) && frame.Names is null)
        {
            frame.Index++;
        }
    }

    public string Path()
    {
        var builder = new StringBuilder(DefinitionPaths.Root);
        foreach (var frame in _frames.Reverse())
        {
            builder.Append(frame.Names is null ? $"[{frame.Index}]" : "." + frame.Property);
        }

        return builder.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public HashSet<string>? Names { get; } = isArray ? null : new HashSet<string>(StringComparer.Ordinal);
        public string? Property { get; set; }
        public int Index { get; set; }
    }
}
