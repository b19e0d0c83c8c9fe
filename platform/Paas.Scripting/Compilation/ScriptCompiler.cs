using Acornima;
using Acornima.Ast;
using Jint;
using Paas.Core.Scripting;

namespace Paas.Scripting.Compilation;

/// <summary>
/// Parses user code in strict mode, on its own first (so that positions are the user's and code cannot escape the
/// wrapper), then prepares the wrapped program for Jint. A Body may <c>return</c> at its top level; an Expression must
/// be exactly one expression (a comma expression counts as one). Dynamic <c>import()</c> is rejected here because the
/// sandbox has no modules.
/// </summary>
internal static class ScriptCompiler
{
    private static readonly ParserOptions BodyOptions = new() { AllowReturnOutsideFunction = true };
    private static readonly ParserOptions ExpressionOptions = new();

    /// <summary>Compiles without caching: exactly what a run would report, so code that passes here runs.</summary>
    public static ScriptSyntaxError? Check(string code, ScriptMode mode)
    {
        ArgumentNullException.ThrowIfNull(code);
        return Compile(new ScriptSource("check", "check", code, mode)).SyntaxError;
    }

    public static CompiledScript Compile(ScriptSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (ParseAlone(source.Code, source.Mode) is { } error)
        {
            return CompiledScript.Invalid(source, error);
        }

        try
        {
            var program = Engine.PrepareScript(ScriptWrapper.Wrap(source.Code, source.Mode), source.Name, strict: true);
            return CompiledScript.Valid(source, program);
        }
        catch (ScriptPreparationException ex)
        {
            // The code parsed on its own, so only the wrapper can make this happen (e.g. a first line starting with
            // the HTML-like comment "-->"); report it where the user can find it.
            var parseError = ex.InnerException as ParseErrorException;
            var description = parseError?.Description ?? "The script could not be prepared.";
            var position = parseError is null
                ? null
                : ScriptWrapper.ToUserPosition(source.Mode, ScriptWrapper.CountLines(source.Code), parseError.LineNumber, parseError.Column);
            return CompiledScript.Invalid(source, new ScriptSyntaxError(description, position?.Line ?? 1, position?.Column ?? 1));
        }
    }

    /// <summary>The user's code parsed on its own (positions are the user's), then checked for what the sandbox lacks.</summary>
    private static ScriptSyntaxError? ParseAlone(string code, ScriptMode mode)
    {
        if (mode == ScriptMode.Expression && string.IsNullOrWhiteSpace(code))
        {
            return new ScriptSyntaxError("The expression is empty: an expression (such as amount > 0) is required.", 1, 1);
        }

        Node root;
        try
        {
            root = mode == ScriptMode.Body
                ? new Parser(BodyOptions).ParseScript(code, null, strict: true)
                : new Parser(ExpressionOptions).ParseExpression(code, null, strict: true);
        }
        catch (ParseErrorException ex)
        {
            return new ScriptSyntaxError(ex.Description, Math.Max(ex.LineNumber, 1), Math.Max(ex.Column, 0) + 1);
        }

        return FindUnsupported(root);
    }

    private static ScriptSyntaxError? FindUnsupported(Node root)
    {
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is ImportExpression)
            {
                var start = node.Location.Start;
                return new ScriptSyntaxError("import() is not available: scripts cannot load modules.", start.Line, start.Column + 1);
            }

            foreach (var child in node.ChildNodes)
            {
                pending.Push(child);
            }
        }

        return null;
    }
}
