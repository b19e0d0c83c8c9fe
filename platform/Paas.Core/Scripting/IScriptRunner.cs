namespace Paas.Core.Scripting;

/// <summary>
/// The sandbox (implemented by Paas.Scripting). Each <see cref="Run"/> uses a fresh engine; values cross the boundary
/// only as plain data (see <see cref="ScriptExecution"/>).
/// </summary>
public interface IScriptRunner
{
    /// <summary>Parses the code without running it; null when it is valid.</summary>
    ScriptSyntaxError? Check(string code, ScriptMode mode);

    /// <summary>
    /// Runs a script synchronously on the calling thread. Failures are <see cref="Errors.PaasException"/>s:
    /// <c>SCRIPT_ERROR</c> for what the script threw (its message, never the host's internals), <c>LIMIT_EXCEEDED</c>
    /// naming the limit for a sandbox or governor limit.
    /// </summary>
    ScriptOutcome Run(ScriptExecution execution);
}
