using Acornima;
using Acornima.Ast;
using Jint;
using Paas.Core.Scripting;

namespace Paas.Scripting.Compilation;

/// <summary>
/// One version of a script as the sandbox runs it: the program Jint prepared from the wrapped code (see
/// <see cref="ScriptWrapper"/>), or the syntax error that stopped it. Immutable and shared by every execution of that
/// version (a prepared program is thread-safe).
/// </summary>
internal sealed class CompiledScript
{
    private readonly Prepared<Script> _program;

    private CompiledScript(ScriptSource source, Prepared<Script> program, ScriptSyntaxError? syntaxError)
    {
        Code = source.Code;
        Mode = source.Mode;
        _program = program;
        SyntaxError = syntaxError;
        UserLineCount = ScriptWrapper.CountLines(source.Code);
    }

    public string Code { get; }

    public ScriptMode Mode { get; }

    /// <summary>Why the code cannot run; null when <see cref="Program"/> is valid.</summary>
    public ScriptSyntaxError? SyntaxError { get; }

    public int UserLineCount { get; }

    public Prepared<Script> Program => SyntaxError is null
        ? _program
        : throw new InvalidOperationException("A script with a syntax error has no program.");

    public static CompiledScript Valid(ScriptSource source, Prepared<Script> program) => new(source, program, null);

    public static CompiledScript Invalid(ScriptSource source, ScriptSyntaxError error) => new(source, default, error);

    /// <summary>Whether this entry was compiled from exactly this code and mode (a reused cache key must not run stale code).</summary>
    public bool Matches(ScriptSource source) => Mode == source.Mode && string.Equals(Code, source.Code, StringComparison.Ordinal);

    /// <summary>The user's 1-based line and column of a position in the program; null inside the wrapper.</summary>
    public (int Line, int Column)? ToUserPosition(Position position) =>
        ScriptWrapper.ToUserPosition(Mode, UserLineCount, position.Line, position.Column);
}
