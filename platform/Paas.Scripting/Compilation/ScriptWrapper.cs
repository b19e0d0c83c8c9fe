using Paas.Core.Scripting;

namespace Paas.Scripting.Compilation;

/// <summary>
/// How user code becomes a program: a Body is the body of a function called with no arguments (its <c>return</c> is
/// the result); an Expression is parenthesised (an object literal stays an object). The opening text sits on the
/// user's first line, so program lines are the user's lines and only columns of line 1 shift; the closing text starts
/// on a new line so that a trailing <c>// comment</c> cannot swallow it. The code is validated on its own first (see
/// <see cref="ScriptCompiler"/>), so it cannot close the wrapper and escape it.
/// </summary>
internal static class ScriptWrapper
{
    private const string BodyPrefix = "(function () {";
    private const string BodySuffix = "\n})()";
    private const string ExpressionPrefix = "(";
    private const string ExpressionSuffix = "\n)";

    public static string Wrap(string code, ScriptMode mode) => mode == ScriptMode.Body
        ? string.Concat(BodyPrefix, code, BodySuffix)
        : string.Concat(ExpressionPrefix, code, ExpressionSuffix);

    /// <summary>
    /// The 1-based line and column in the user's code of a program position (1-based line, 0-based column, as
    /// Acornima reports them); null when the position is unknown or inside the wrapper.
    /// </summary>
    public static (int Line, int Column)? ToUserPosition(ScriptMode mode, int userLineCount, int line, int column)
    {
        if (line < 1 || line > userLineCount)
        {
            return null;
        }

        if (line == 1)
        {
            column -= mode == ScriptMode.Body ? BodyPrefix.Length : ExpressionPrefix.Length;
        }

        return column < 0 ? null : (line, column + 1);
    }

    /// <summary>Lines as JavaScript counts them: LF, CR, CRLF, LS and PS end a line.</summary>
    public static int CountLines(string code)
    {
        var lines = 1;
        for (var i = 0; i < code.Length; i++)
        {
            switch (code[i])
            {
                case '\r':
                    if (i + 1 < code.Length && code[i + 1] == '\n')
                    {
                        i++;
                    }

                    lines++;
                    break;
                case '\n' or '\u2028' or '\u2029':
                    lines++;
                    break;
            }
        }

        return lines;
    }
}
