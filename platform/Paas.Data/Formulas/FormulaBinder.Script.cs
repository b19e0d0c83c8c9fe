using Acornima.Ast;

namespace Paas.Data.Formulas;

/// <summary>JavaScript-only constructs: allowed, kept for the sandbox, and they make the formula not SQL-compilable.</summary>
internal sealed partial class FormulaBinder
{
    private ScriptNode RawLiteral(Literal literal)
    {
        NotSql(literal, literal is RegExpLiteral ? "regular expressions are evaluated in JavaScript" : "BigInt literals are evaluated in JavaScript");
        var raw = literal.Raw;
        return new ScriptNode(_ => raw, []);
    }

    private ScriptNode Template(TemplateLiteral template)
    {
        NotSql(template, "template literals are evaluated in JavaScript");
        var quasis = template.Quasis.ToArray().Select(q => q.Value.Raw).ToList();
        var expressions = template.Expressions.ToArray().Select(Bind).ToList();
        return new ScriptNode(c =>
        {
            var text = new System.Text.StringBuilder("`");
            for (var i = 0; i < quasis.Count; i++)
            {
                text.Append(quasis[i]);
                if (i < c.Count)
                {
                    text.Append("${").Append(c[i]).Append('}');
                }
            }

            return text.Append('`').ToString();
        }, expressions);
    }

    private ScriptNode Tagged(TaggedTemplateExpression tagged)
    {
        NotSql(tagged, "tagged templates are evaluated in JavaScript");
        var tag = Bind(tagged.Tag);
        var template = Bind(tagged.Quasi);
        return new ScriptNode(c => $"({c[0]}){c[1]}", [tag, template]);
    }

    private ScriptNode Arrow(ArrowFunctionExpression arrow)
    {
        if (arrow.Async || arrow.Body is not Expression body)
        {
            throw Fail(arrow, "functions with a body are not allowed in a formula (an arrow function with an expression body is, e.g. x => x * 2)");
        }

        var names = new List<string>();
        foreach (var parameter in arrow.Params.ToArray())
        {
            if (parameter is not Identifier { Name: var name })
            {
                throw Fail(parameter, "arrow function parameters must be plain names");
            }

            if (name == "record" || name.StartsWith("__", StringComparison.Ordinal) || FormulaFunctions.TryGet(name, out _))
            {
                throw Fail(parameter, $"'{name}' cannot be a parameter name in a formula");
            }

            names.Add(name);
        }

        NotSql(arrow, "arrow functions are evaluated in JavaScript");
        _locals.AddRange(names);
        var result = Bind(body);
        _locals.RemoveRange(_locals.Count - names.Count, names.Count);
        var parameters = string.Join(", ", names);
        return new ScriptNode(c => $"(({parameters}) => ({c[0]}))", [result]);
    }

    private ScriptNode ArrayLiteral(ArrayExpression array)
    {
        NotSql(array, "array literals are evaluated in JavaScript");
        var elements = array.Elements.ToArray();
        var bound = elements.Where(e => e is not null).Select(e => Bind(e!)).ToList();
        return new ScriptNode(c =>
        {
            var next = 0;
            return "[" + string.Join(", ", elements.Select(e => e is null ? "" : c[next++])) + "]";
        }, bound);
    }

    private ScriptNode ObjectLiteral(ObjectExpression obj)
    {
        NotSql(obj, "object literals are evaluated in JavaScript");
        var parts = new List<Func<Func<string>, string>>();
        var children = new List<FormulaNode>();
        foreach (var entry in obj.Properties.ToArray())
        {
            switch (entry)
            {
                case SpreadElement spread:
                    children.Add(Bind(spread.Argument));
                    parts.Add(next => "..." + next());
                    break;
                case Property { Kind: PropertyKind.Init, Method: false } property:
                    if (property.Computed)
                    {
                        children.Add(Bind(property.Key));
                        children.Add(Bind(property.Value));
                        parts.Add(next => $"[{next()}]: {next()}");
                        break;
                    }

                    var key = property.Key switch
                    {
                        Identifier { Name: var name } => name,
                        StringLiteral { Value: var text } => text,
                        NumericLiteral { Raw: var raw } => raw,
                        _ => throw Fail(property.Key, "unsupported property name"),
                    };
                    CheckProperty(property.Key, key);
                    children.Add(Bind(property.Value));
                    var quoted = JsSyntax.String(key);
                    parts.Add(next => $"{quoted}: {next()}");
                    break;
                default:
                    throw Fail(entry, "methods, getters and setters are not allowed in a formula");
            }
        }

        return new ScriptNode(c =>
        {
            var index = 0;
            string Next() => c[index++];
            return "({" + string.Join(", ", parts.Select(p => p(Next))) + "})";
        }, children);
    }

    private ScriptNode Sequence(SequenceExpression sequence)
    {
        NotSql(sequence, "the comma operator is evaluated in JavaScript");
        var items = sequence.Expressions.ToArray().Select(Bind).ToList();
        return new ScriptNode(c => "(" + string.Join(", ", c) + ")", items);
    }

    private ScriptNode Spread(SpreadElement spread)
    {
        NotSql(spread, "spread ('...') is evaluated in JavaScript");
        return new ScriptNode(c => $"...({c[0]})", [Bind(spread.Argument)]);
    }
}
