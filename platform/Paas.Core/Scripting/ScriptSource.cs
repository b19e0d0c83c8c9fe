namespace Paas.Core.Scripting;

/// <summary>How a script's code is shaped.</summary>
public enum ScriptMode
{
    /// <summary>A function body: statements, <c>return</c> allowed (triggers, actions, scheduled scripts, tests).</summary>
    Body,

    /// <summary>A single expression whose value is the result (validation rules, formulas computed after the read).</summary>
    Expression,
}

/// <summary>
/// Deployed code as the sandbox runs it. <see cref="CacheKey"/> names one immutable version (tenant, script, version),
/// so the parsed program can be prepared once and shared by every execution of that version.
/// </summary>
public sealed record ScriptSource(string CacheKey, string Name, string Code, ScriptMode Mode = ScriptMode.Body);

/// <summary>A syntax error found at deploy time, with its 1-based position in the code.</summary>
public sealed record ScriptSyntaxError(string Message, int Line, int Column);
