using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>What the binders of one analysis share: the metadata, the paths read, the budget and the formula stack.</summary>
internal sealed class FormulaState(TenantMetadata metadata, ObjectDefinition owner, FieldDefinition formulaField)
{
    private readonly Dictionary<string, FormulaPath> _paths = new(StringComparer.Ordinal);
    private readonly List<FormulaPath> _ordered = [];

    /// <summary>The owner with the formula being defined in place of any stored version of it.</summary>
    public ObjectDefinition Root { get; } = owner.WithField(formulaField);

    public IReadOnlyList<FormulaPath> Paths => _ordered;

    /// <summary>Formula fields being bound, outermost first ("Object.field"), to detect cycles.</summary>
    public List<string> Stack { get; } = [];

    /// <summary>Why the formula cannot be compiled to SQL: the first JavaScript-only construct met, or null.</summary>
    public string? NotCompilableReason { get; set; }

    public int Nodes { get; set; }

    /// <summary>How deep the binder is in the expression tree now.</summary>
    public int Depth { get; set; }

    public ObjectDefinition? FindObject(string? apiName) =>
        apiName is null ? null : apiName == Root.ApiName ? Root : metadata.FindObject(apiName);

    /// <summary>The one path object for these segments (a path read twice is fetched once).</summary>
    public FormulaPath Path(IReadOnlyList<string> segments, FieldDefinition target, ObjectDefinition targetObject, IReadOnlyList<FormulaHop> hops)
    {
        var key = string.Join(".", segments);
        if (!_paths.TryGetValue(key, out var path))
        {
            path = new FormulaPath(segments, target, targetObject) { Hops = hops };
            _paths[key] = path;
            _ordered.Add(path);
        }

        return path;
    }
}
