using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Paas.Core.Errors;
using Paas.Core.Scripting;
using Paas.Scripting.Compilation;
using Paas.Scripting.Conversion;

namespace Paas.Scripting.Failures;

/// <summary>
/// Turns what stopped one execution into the <see cref="PaasException"/> that <see cref="JintScriptRunner.Run"/>
/// throws. Messages name the script and never carry .NET stack traces or type names:
/// <list type="table">
/// <item><term>a <see cref="PaasException"/> (from the host or governor)</term><description>itself</description></item>
/// <item><term>the engine's timeout</term><description><c>LIMIT_EXCEEDED</c> <see cref="ScriptLimitNames.CpuTime"/> (the governor's message when its remaining budget was the bound)</description></item>
/// <item><term>too many statements</term><description><see cref="ScriptLimitNames.Statements"/></description></item>
/// <item><term>too much memory; a result or read-back value too large</term><description><see cref="ScriptLimitNames.Memory"/></description></item>
/// <item><term>too deep recursion (<see cref="ScriptLimits.MaxRecursion"/> calls of one function), or the native stack guard's <c>RangeError: Maximum call stack size exceeded</c> left uncaught</term><description><see cref="ScriptLimitNames.Recursion"/></description></item>
/// <item><term>a regular expression match timing out</term><description><see cref="ScriptLimitNames.RegexTime"/></description></item>
/// <item><term>the execution's cancellation</term><description><c>LIMIT_EXCEEDED</c> <c>requestTimeout</c> (the limit name the HTTP layer uses)</description></item>
/// <item><term>a result promise that can never settle</term><description><see cref="ScriptLimitNames.Pending"/></description></item>
/// <item><term>a syntax error (code that was never checked)</term><description><c>SCRIPT_ERROR</c> "Script 'name' has a syntax error: … (line L, column C)"</description></item>
/// <item><term>an uncaught throw or rejected result promise</term><description><c>SCRIPT_ERROR</c> "Script 'name' failed: message (line L, column C)"; field errors of a host error the script let through are kept</description></item>
/// <item><term>a result or read-back value that is not plain data</term><description><c>SCRIPT_ERROR</c></description></item>
/// <item><term>anything else the engine raised</term><description><c>SCRIPT_ERROR</c> "Script 'name' failed in the sandbox."</description></item>
/// </list>
/// Anything else is not the script's doing and is left to propagate (the caller reports it as internal).
/// </summary>
internal sealed class ScriptFailures(ScriptExecution execution, CompiledScript compiled, TimeSpan timeout, bool timeoutIsGovernorBudget)
{
    /// <summary>The limit name of a cancelled request, as the HTTP layer reports its request timeout.</summary>
    public const string RequestTimeoutLimit = "requestTimeout";

    private const string StackOverflowMessage = "Maximum call stack size exceeded";

    private string Name => execution.Script.Name;

    private ScriptLimits Limits => execution.Governor.Limits;

    /// <summary>The exception to throw instead of <paramref name="exception"/>; null to let it propagate unchanged.</summary>
    public PaasException? Translate(Exception exception, Func<JsValue, PaasException?> findHostError) => exception switch
    {
        PaasException paas => paas,
        HostDataException => null,
        // Before TimeoutException, which it derives from.
        RegexMatchTimeoutException => PaasException.LimitExceeded(ScriptLimitNames.RegexTime,
            $"A regular expression in script '{Name}' ran longer than {Limits.RegexTimeout.TotalMilliseconds:0} ms."),
        TimeoutException => timeoutIsGovernorBudget
            ? execution.Governor.CpuExceeded()
            : PaasException.LimitExceeded(ScriptLimitNames.CpuTime,
                $"Script '{Name}' ran longer than the {timeout.TotalMilliseconds:0} ms one execution may take."),
        StatementsCountOverflowException => PaasException.LimitExceeded(ScriptLimitNames.Statements,
            $"Script '{Name}' executed more than {Limits.MaxStatements} statements."),
        MemoryLimitExceededException => MemoryExceeded(),
        RecursionDepthOverflowException => RecursionExceeded(),
        InsufficientExecutionStackException => StackExhausted(),
        ExecutionCanceledException or OperationCanceledException => Cancelled(),
        JavaScriptException js => Thrown(js.Error, js.Location.Start, findHostError),
        PromiseRejectedException rejected => Thrown(rejected.RejectedValue, null, findHostError),
        PlainDataException { Problem: PlainDataProblem.TooLarge } tooLarge => PaasException.LimitExceeded(ScriptLimitNames.Memory,
            $"Script '{Name}' returned a value larger than the sandbox allows: {tooLarge.Message}"),
        PlainDataException notPlain => new PaasException(ErrorCodes.ScriptError,
            $"Script '{Name}' returned a value that is not plain data: {notPlain.Message}"),
        JintException => new PaasException(ErrorCodes.ScriptError, $"Script '{Name}' failed in the sandbox."),
        _ => null,
    };

    public PaasException Cancelled() => PaasException.LimitExceeded(RequestTimeoutLimit,
        $"The request was cancelled or timed out while script '{Name}' was running.");

    /// <summary>The result promise was rejected with <paramref name="reason"/>.</summary>
    public PaasException Rejected(JsValue reason, Func<JsValue, PaasException?> findHostError) => Thrown(reason, null, findHostError);

    public PaasException PendingPromise() => PaasException.LimitExceeded(ScriptLimitNames.Pending,
        $"Script '{Name}' returned a promise that never settles (scripts cannot wait for anything).");

    public PaasException SyntaxError(ScriptSyntaxError error) => new(ErrorCodes.ScriptError,
        $"Script '{Name}' has a syntax error: {error.Message} (line {error.Line}, column {error.Column})");

    private PaasException MemoryExceeded() => PaasException.LimitExceeded(ScriptLimitNames.Memory,
        $"Script '{Name}' used more than {Limits.MaxMemoryBytes / (1024.0 * 1024):0.#} MB of memory.");

    private PaasException RecursionExceeded() => PaasException.LimitExceeded(ScriptLimitNames.Recursion,
        $"Script '{Name}' nested calls deeper than the sandbox allows ({Limits.MaxRecursion} calls of one function).");

    private PaasException StackExhausted() => PaasException.LimitExceeded(ScriptLimitNames.Recursion,
        $"Script '{Name}' nested calls deeper than the stack allows.");

    private PaasException Thrown(JsValue value, Acornima.Position? position, Func<JsValue, PaasException?> findHostError)
    {
        if (ThrownValue.ErrorName(value) == "RangeError" && ThrownValue.ErrorMessage(value) == StackOverflowMessage)
        {
            return StackExhausted();
        }

        var location = position is { } p && compiled.ToUserPosition(p) is { } at
            ? $" (line {at.Line}, column {at.Column})"
            : "";
        var hostError = findHostError(value);
        return new PaasException(ErrorCodes.ScriptError, $"Script '{Name}' failed: {ThrownValue.Describe(value)}{location}",
            hostError?.FieldErrors);
    }
}
