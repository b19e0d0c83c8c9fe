using System.Globalization;
using Acornima.Ast;

namespace Paas.Data.Formulas;

/// <summary>Calls: formula functions (arity and argument types checked here), JavaScript functions and methods.</summary>
internal sealed partial class FormulaBinder
{
    private FormulaNode Call(CallExpression call)
    {
        if (call.Callee is Identifier { Name: var name } callee && !_locals.Contains(name))
        {
            if (FormulaFunctions.TryGet(name, out var signature))
            {
                Count(callee);
                return Function(call, signature);
            }

            if (ForbiddenNames.Contains(name))
            {
                throw Fail(callee, $"'{name}' is not allowed in a formula");
            }

            if (_object.FindField(name) is not null)
            {
                throw Fail(callee, $"'{name}' is a field, not a function");
            }

            if (!JavaScriptGlobals.Contains(name))
            {
                throw Fail(callee, $"unknown function '{name}'");
            }

            NotSql(call, $"'{name}(…)' is JavaScript");
        }
        else
        {
            NotSql(call, call.Callee is MemberExpression { Computed: false, Property: Identifier method }
                ? $"method calls like '.{method.Name}(…)' are evaluated in JavaScript"
                : "calling a function value is evaluated in JavaScript");
        }

        var target = Bind(call.Callee);
        var arguments = call.Arguments.ToArray().Select(Bind).ToList();
        var open = call.Optional ? "?.(" : "(";
        return new ScriptNode(c => $"{c[0]}{open}{string.Join(", ", c.Skip(1))})", [target, .. arguments]);
    }

    private FormulaNode Function(CallExpression call, FormulaSignature signature)
    {
        var given = call.Arguments.ToArray();
        CheckArity(call, signature, given.Length);
        if (given.OfType<SpreadElement>().FirstOrDefault() is { } spread)
        {
            throw Fail(spread, $"{signature.Name} does not take spread ('...') arguments");
        }

        var args = given.Select(Bind).ToList();
        var typed = new FunctionArguments(this, signature.Name, given, args);
        return signature.Function switch
        {
            FormulaFunction.If => If(typed),
            FormulaFunction.Case => Case(typed),
            FormulaFunction.IsBlank => new CallNode(FormulaFunction.IsBlank, args, FormulaType.Boolean),
            FormulaFunction.BlankValue => new CallNode(FormulaFunction.BlankValue, args, typed.Unified(0, args.Count)),
            FormulaFunction.And or FormulaFunction.Or => Connective(typed, signature.Function),
            FormulaFunction.Not => Strict(new OperatorNode(FormulaOperator.Not, typed.Expect(FormulaType.Boolean), FormulaType.Boolean)),
            FormulaFunction.Upper or FormulaFunction.Lower or FormulaFunction.Trim or FormulaFunction.Substitute
                => Strict(new CallNode(signature.Function, typed.Expect(FormulaType.Text, FormulaType.Text, FormulaType.Text), FormulaType.Text)),
            FormulaFunction.Len => Strict(new CallNode(FormulaFunction.Len, typed.Expect(FormulaType.Text), FormulaType.Integer)),
            FormulaFunction.Left or FormulaFunction.Right or FormulaFunction.Mid
                => Strict(new CallNode(signature.Function, typed.Expect(FormulaType.Text, FormulaType.Number, FormulaType.Number), FormulaType.Text)),
            FormulaFunction.Contains or FormulaFunction.Begins
                => Strict(new CallNode(signature.Function, typed.Expect(FormulaType.Text, FormulaType.Text), FormulaType.Boolean)),
            FormulaFunction.Text => Strict(new CallNode(FormulaFunction.Text, args, FormulaType.Text)),
            FormulaFunction.Value => Value(call, typed),
            FormulaFunction.Round => Round(typed),
            FormulaFunction.Floor or FormulaFunction.Ceiling
                => Strict(new CallNode(signature.Function, typed.Expect(FormulaType.Number), FormulaType.Integer)),
            FormulaFunction.Abs => Strict(new CallNode(FormulaFunction.Abs, typed.Expect(FormulaType.Number), Arithmetic(args[0]))),
            FormulaFunction.Min or FormulaFunction.Max => Extreme(typed, signature.Function),
            FormulaFunction.Mod => Strict(new OperatorNode(FormulaOperator.Modulo, typed.Expect(FormulaType.Number, FormulaType.Number), Arithmetic([.. args]))),
            FormulaFunction.Today => new CallNode(FormulaFunction.Today, [], FormulaType.Date),
            FormulaFunction.Now => new CallNode(FormulaFunction.Now, [], FormulaType.DateTime),
            FormulaFunction.Year or FormulaFunction.Month or FormulaFunction.Day
                => Strict(new CallNode(signature.Function, typed.Expect(FormulaType.Date), FormulaType.Integer)),
            FormulaFunction.Date => Strict(new CallNode(FormulaFunction.Date, typed.Expect(FormulaType.Number, FormulaType.Number, FormulaType.Number), FormulaType.Date)),
            FormulaFunction.AddDays => Strict(new OperatorNode(FormulaOperator.AddDays, typed.Expect(FormulaType.Date, FormulaType.Number), TemporalResult(args[0]))),
            FormulaFunction.AddMonths => Strict(new CallNode(FormulaFunction.AddMonths, typed.Expect(FormulaType.Date, FormulaType.Number), TemporalResult(args[0]))),
            FormulaFunction.DaysBetween => Strict(new CallNode(FormulaFunction.DaysBetween, typed.Expect(FormulaType.Date, FormulaType.Date), FormulaType.Integer)),
            _ => throw new InvalidOperationException($"Unexpected function {signature.Name}."),
        };
    }

    private void CheckArity(CallExpression call, FormulaSignature signature, int count)
    {
        string Plural(int n) => n == 1 ? "1 argument" : $"{n} arguments";
        if (signature.Function == FormulaFunction.Case && (count < signature.MinArguments || count % 2 != 0))
        {
            throw Fail(call, $"CASE takes a value, then value/result pairs, then a result for no match (an even number of arguments, at least 4), not {Plural(count)}");
        }

        if (signature.MaxArguments is null && count < signature.MinArguments)
        {
            throw Fail(call, $"{signature.Name} takes at least {Plural(signature.MinArguments)}, not {count}");
        }

        if (signature.MaxArguments is { } max && (count < signature.MinArguments || count > max))
        {
            throw Fail(call, $"{signature.Name} takes {Plural(max)}, not {count}");
        }
    }

    private static FormulaType TemporalResult(FormulaNode value) => value.Type == FormulaType.Null ? FormulaType.Date : value.Type;

    private OperatorNode If(FunctionArguments typed)
    {
        typed.Check(0, FormulaType.Boolean);
        return new OperatorNode(FormulaOperator.Conditional, typed.Nodes, typed.Unified(1, 3));
    }

    private CallNode Case(FunctionArguments typed)
    {
        var args = typed.Nodes;
        for (var i = 1; i < args.Count - 1; i += 2)
        {
            if (FormulaTypes.Unify(args[0].Type, args[i].Type) is null)
            {
                throw typed.Fail(i, $"cannot compare {args[0].Type.Name()} with {args[i].Type.Name()}");
            }
        }

        var results = Enumerable.Range(1, args.Count - 1).Where(i => i % 2 == 0 || i == args.Count - 1).ToList();
        var type = FormulaType.Null;
        foreach (var i in results)
        {
            type = FormulaTypes.Unify(type, args[i].Type) ?? throw typed.Fail(i, $"all results must have the same type, not {type.Name()} and {args[i].Type.Name()}");
        }

        return new CallNode(FormulaFunction.Case, args, type);
    }

    private FormulaNode Connective(FunctionArguments typed, FormulaFunction function)
    {
        var op = function == FormulaFunction.And ? FormulaOperator.And : FormulaOperator.Or;
        var args = typed.Expect(FormulaType.Boolean);
        return Balanced(op, args, 0, args.Count);
    }

    /// <summary>A balanced tree of <paramref name="op"/> over arguments [from, to): many arguments stay shallow in SQL.</summary>
    private static FormulaNode Balanced(FormulaOperator op, List<FormulaNode> args, int from, int to)
    {
        if (to - from == 1)
        {
            return args[from];
        }

        var middle = from + ((to - from) / 2);
        return new OperatorNode(op, [Balanced(op, args, from, middle), Balanced(op, args, middle, to)], FormulaType.Boolean);
    }

    private FormulaNode Value(CallExpression call, FunctionArguments typed)
    {
        NotSql(call, "VALUE is evaluated in JavaScript");
        return Strict(new CallNode(FormulaFunction.Value, typed.Expect(FormulaType.Text), FormulaType.Number));
    }

    private FormulaNode Round(FunctionArguments typed)
    {
        var args = typed.Expect(FormulaType.Number, FormulaType.Number);
        if (args[1] is not LiteralNode { Value: decimal digits } || digits != decimal.Truncate(digits) || digits < 0 || digits > FormulaLimits.MaxLiteralScale)
        {
            throw typed.Fail(1, string.Create(CultureInfo.InvariantCulture, $"the number of digits must be a whole number from 0 to {FormulaLimits.MaxLiteralScale}, written as a number"));
        }

        return Strict(new CallNode(FormulaFunction.Round, args, Arithmetic(args[0])));
    }

    private CallNode Extreme(FunctionArguments typed, FormulaFunction function)
    {
        var type = typed.Unified(0, typed.Nodes.Count);
        return type == FormulaType.Boolean
            ? throw typed.Fail(0, "cannot order BOOLEAN values")
            : new CallNode(function, typed.Nodes, type);
    }

    /// <summary>The bound arguments of one function call, with the checks that point at the offending argument.</summary>
    private sealed class FunctionArguments(FormulaBinder binder, string function, Node[] given, List<FormulaNode> nodes)
    {
        public List<FormulaNode> Nodes => nodes;

        public Core.Errors.PaasException Fail(int index, string message) =>
            binder.Fail(given[index], $"{function}: argument {index + 1}: {message}");

        /// <summary>
        /// Checks each argument against a kind (NUMBER: any number; TEXT: text or id; DATE: date or datetime;
        /// BOOLEAN); extra kinds are ignored, missing ones repeat the last. Returns the arguments.
        /// </summary>
        public List<FormulaNode> Expect(params FormulaType[] kinds)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                Check(i, kinds[Math.Min(i, kinds.Length - 1)]);
            }

            return nodes;
        }

        /// <summary>Checks argument <paramref name="index"/> against a kind, as <see cref="Expect"/> does.</summary>
        public void Check(int index, FormulaType kind)
        {
            Func<FormulaType, bool> accepts = kind switch
            {
                FormulaType.Number => FormulaTypes.IsNumeric,
                FormulaType.Text => FormulaTypes.IsTextual,
                FormulaType.Date => FormulaTypes.IsTemporal,
                _ => t => t == kind,
            };
            if (!nodes[index].Type.Fits(accepts))
            {
                throw Fail(index, $"expected {Kind(kind)}, not {nodes[index].Type.Name()}");
            }
        }

        /// <summary>The common type of arguments <paramref name="from"/> to <paramref name="to"/> (exclusive).</summary>
        public FormulaType Unified(int from, int to)
        {
            var type = FormulaType.Null;
            for (var i = from; i < to; i++)
            {
                type = FormulaTypes.Unify(type, nodes[i].Type)
                    ?? throw Fail(i, $"all values must have the same type, not {type.Name()} and {nodes[i].Type.Name()}");
            }

            return type;
        }

        private static string Kind(FormulaType kind) => kind switch
        {
            FormulaType.Number => "a NUMBER",
            FormulaType.Text => "TEXT",
            FormulaType.Date => "a DATE or DATETIME",
            _ => "a " + kind.Name(),
        };
    }
}
