using Acornima.Ast;
using Paas.Core.Metadata;

namespace Paas.Data.Formulas;

/// <summary>Names: fields of the record, paths through lookups, inlined formula fields, JavaScript globals and properties.</summary>
internal sealed partial class FormulaBinder
{
    /// <summary>JavaScript globals a formula may use (which makes it run in the sandbox).</summary>
    private static readonly HashSet<string> JavaScriptGlobals = new(StringComparer.Ordinal)
    {
        "Math", "Number", "String", "Boolean", "JSON", "Array", "Date", "parseInt", "parseFloat", "isNaN", "isFinite",
        "NaN", "Infinity", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI",
    };

    private static readonly HashSet<string> ForbiddenNames = new(StringComparer.Ordinal) { "eval", "Function" };

    /// <summary>Properties that reach the engine's internals rather than a value's data.</summary>
    private static readonly HashSet<string> ForbiddenProperties = new(StringComparer.Ordinal)
    {
        "constructor", "prototype", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__",
        "__lookupSetter__", "caller", "callee", "arguments",
    };

    private FormulaNode Name(Identifier identifier)
    {
        var name = identifier.Name;
        if (_locals.Contains(name))
        {
            return new ScriptNode(_ => name, []);
        }

        if (_object.FindField(name) is not null)
        {
            return Path(identifier, []).Node;
        }

        if (name == "undefined")
        {
            return LiteralNode.Null();
        }

        if (ForbiddenNames.Contains(name))
        {
            throw Fail(identifier, $"'{name}' is not allowed in a formula");
        }

        if (JavaScriptGlobals.Contains(name))
        {
            NotSql(identifier, $"'{name}' is JavaScript");
            return new ScriptNode(_ => name, []);
        }

        throw Fail(identifier, $"unknown field '{name}' on {_object.ApiName}");
    }

    /// <summary>
    /// <c>a.b.c</c>: when <c>a</c> is a field, a path through its relations (optional chaining changes nothing: paths
    /// are null-safe); what follows the last field is JavaScript property access on its value.
    /// </summary>
    private FormulaNode Member(MemberExpression member)
    {
        var links = new List<MemberExpression>();
        Expression current = member;
        while (current is MemberExpression { Computed: false, Property: Identifier } link)
        {
            links.Add(link);
            current = link.Object;
        }

        links.Reverse();
        if (current is Identifier root && !_locals.Contains(root.Name) && _object.FindField(root.Name) is not null)
        {
            Count(root);
            var (node, used) = Path(root, links);
            foreach (var link in links.Skip(used))
            {
                Count(link.Property);
                node = PropertyAccess(link, node);
            }

            return node;
        }

        var target = Bind(member.Object);
        return member.Computed ? IndexAccess(member, target) : PropertyAccess(member, target);
    }

    /// <summary>Follows relations from <paramref name="root"/> as far as <paramref name="links"/> name fields; returns the node and how many links it used.</summary>
    private (FormulaNode Node, int Used) Path(Identifier root, IReadOnlyList<MemberExpression> links)
    {
        var hops = new List<FormulaHop>(_prefix);
        var segments = _prefix.Select(h => h.Relation.ApiName).Append(root.Name).ToList();
        var owner = _object;
        var field = owner.FindField(root.Name)!;
        Node at = root;
        var used = 0;
        while (field.Type.IsRelation() && used < links.Count)
        {
            var name = ((Identifier)links[used].Property).Name;
            var target = _state.FindObject(field.Target) ?? throw Fail(at, $"the object '{field.Target}' of '{field.ApiName}' is not available");
            at = links[used].Property;
            Count(at);
            var next = target.FindField(name) ?? throw Fail(at, $"unknown field '{name}' on {target.ApiName}");
            hops.Add(new FormulaHop(field, target));
            if (hops.Count > FormulaLimits.MaxHops)
            {
                throw Fail(at, $"a field path may follow at most {FormulaLimits.MaxHops} lookups");
            }

            segments.Add(name);
            owner = target;
            field = next;
            used++;
        }

        return (Leaf(at, segments, hops, owner, field), used);
    }

    private FormulaNode Leaf(Node at, List<string> segments, List<FormulaHop> hops, ObjectDefinition owner, FieldDefinition field)
    {
        if (field.Type == FieldType.Formula)
        {
            return Inline(at, hops, owner, field);
        }

        var type = FormulaTypes.Of(field.Type)
            ?? throw Fail(at, $"'{field.ApiName}' is a {field.Type.ToContractName()} field, which formulas cannot use");
        return new FieldNode(_state.Path(segments, field, owner, hops), type);
    }

    /// <summary>Binds a referenced formula field's own expression in place, on its object, after the hops that reach it.</summary>
    private ConvertNode Inline(Node at, List<FormulaHop> hops, ObjectDefinition owner, FieldDefinition field)
    {
        var key = $"{owner.ApiName}.{field.ApiName}";
        var start = _state.Stack.IndexOf(key);
        if (start >= 0)
        {
            throw Fail(at, $"formula fields reference each other in a cycle: {string.Join(" → ", _state.Stack.Skip(start).Append(key))}");
        }

        if (_nesting + 1 > FormulaLimits.MaxNesting)
        {
            throw Fail(at, $"formula fields may reference other formula fields at most {FormulaLimits.MaxNesting} levels deep");
        }

        var returnType = field.ValueType;
        var type = FormulaTypes.IsReturnType(returnType) ? FormulaTypes.Of(returnType)!.Value
            : throw Fail(at, $"formula field '{key}' has no valid return type");
        var context = $"{_context}in formula field '{key}', ";
        var expression = FormulaParser.Parse(field.Formula, context);
        _state.Stack.Add(key);
        var inner = new FormulaBinder(_state, owner, hops, field.Formula!, context, _nesting + 1).Bind(expression);
        _state.Stack.RemoveAt(_state.Stack.Count - 1);
        return inner.Type.FitsReturnType(returnType)
            ? new ConvertNode(inner, field, type)
            : throw Fail(at, $"formula field '{key}' gives {inner.Type.Name()} but is declared {returnType.ToContractName()}");
    }

    private ScriptNode PropertyAccess(MemberExpression member, FormulaNode target)
    {
        var name = ((Identifier)member.Property).Name;
        CheckProperty(member.Property, name);
        NotSql(member, $"property access '.{name}' is evaluated in JavaScript");
        var access = member.Optional ? "?." : ".";
        return new ScriptNode(c => $"({c[0]}){access}{name}", [target]);
    }

    private ScriptNode IndexAccess(MemberExpression member, FormulaNode target)
    {
        if (member.Property is StringLiteral { Value: var name })
        {
            CheckProperty(member.Property, name);
        }

        NotSql(member, "computed member access 'a[b]' is evaluated in JavaScript");
        var index = Bind(member.Property);
        var open = member.Optional ? "?.[" : "[";
        return new ScriptNode(c => $"({c[0]}){open}{c[1]}]", [target, index]);
    }

    private void CheckProperty(Node at, string name)
    {
        if (ForbiddenProperties.Contains(name))
        {
            throw Fail(at, $"the property '{name}' is not allowed in a formula");
        }
    }
}
