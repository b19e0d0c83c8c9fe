using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;
using Paas.Core.Scripting;
using Paas.Scripting.Api;
using Paas.Scripting.Compilation;
using Paas.Scripting.Conversion;
using Paas.Scripting.Failures;
using Paas.Scripting.Sandbox;

namespace Paas.Scripting;

/// <summary>
/// The JavaScript sandbox, on Jint. Thread-safe and meant to be a singleton: it holds only the cache of prepared
/// scripts; every <see cref="Run"/> builds a fresh engine on the calling thread, so nothing a script does (polluting
/// <c>Object.prototype</c>, replacing <c>Array.prototype.push</c>, defining globals) outlives its execution.
/// <para>
/// <b>Shape of a script.</b> <see cref="ScriptMode.Body"/> code is the body of a strict function called with no
/// arguments; its <c>return</c> value is the result. <see cref="ScriptMode.Expression"/> code is one expression whose
/// value is the result. A promise result is settled by the engine's job queue (which runs under the constraints);
/// one still pending afterwards can never settle (scripts have no timers or I/O) and ends with <c>LIMIT_EXCEEDED</c>
/// <see cref="ScriptLimitNames.Pending"/>. Programs are prepared once per <see cref="ScriptSource.CacheKey"/> (bounded
/// LRU, <see cref="JintScriptRunnerOptions.PreparedScriptCacheSize"/>).
/// </para>
/// <para>
/// <b>Globals.</b> <c>ctx</c> (the context as plain data, plus <c>ctx.addError</c>), <c>log.info/warn/error</c>, and,
/// when the execution has a host, <c>db.get/query/create/update/delete</c>; all are read-only globals. Nothing of the
/// CLR is reachable: no <c>AllowClr</c>, no wrapped host objects, no string compilation, no modules (see
/// <see cref="SandboxEngineFactory"/>).
/// </para>
/// <para>
/// <b>Limits.</b> The engine's timeout is the smaller of the governor's remaining CPU time and
/// <see cref="JintScriptRunnerOptions.MaxExecutionTime"/>; statements, memory, recursion and regex time come from
/// <see cref="ScriptGovernor.Limits"/>; the execution's token cancels it. The wall time from
/// <see cref="ScriptGovernor.Begin"/> to <see cref="ScriptGovernor.End"/> (engine creation and conversions included) is
/// the execution's time; a nested execution started by a host call (a trigger fired by <c>db.create</c>) runs on the
/// same thread with its own engine while the outer one waits in the host function, and the governor takes its time
/// out of the outer's share. Memory is what the thread allocates while the script runs, so a nested execution's
/// allocations count for the outer one too, and garbage counts as much as live data. It is checked before each
/// statement, so one built-in call may overshoot it before the next statement fails; <c>String.prototype.repeat</c> is
/// guarded against that (see <see cref="AllocationGuard"/>) and a result is additionally capped when it is read.
/// </para>
/// <para>
/// <b>Values out.</b> The result and the <see cref="ScriptExecution.ReadBack"/> entries of <c>ctx</c> are read as plain
/// data by <see cref="PlainDataReader"/>, which runs no script (getters and Proxies are refused, not invoked). A value
/// with more than 100,000 entries, deeper than 32 levels or with more text than the memory limit (two bytes a
/// character) is <c>LIMIT_EXCEEDED</c> <see cref="ScriptLimitNames.Memory"/>; one that is not plain data (a function,
/// a getter, a circular reference…) is <c>SCRIPT_ERROR</c>. Failures are mapped by <see cref="ScriptFailures"/>.
/// </para>
/// </summary>
public sealed class JintScriptRunner : IScriptRunner
{
    private static readonly CancellationToken AlreadyCancelled = new(canceled: true);

    private readonly JintScriptRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly PreparedScriptCache _cache;

    /// <param name="options">Operator settings; <see cref="JintScriptRunnerOptions.Default"/> when null.</param>
    /// <param name="timeProvider">
    /// Measures the time charged to the governor and stamps log entries (<see cref="TimeProvider.System"/> when null).
    /// The engine's own deadlines always use the real clock.
    /// </param>
    public JintScriptRunner(JintScriptRunnerOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? JintScriptRunnerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.MaxExecutionTime, TimeSpan.Zero, nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _cache = new PreparedScriptCache(_options.PreparedScriptCacheSize);
    }

    /// <summary>How many times a script was parsed and prepared (a cache miss).</summary>
    internal long Compilations => _cache.Compilations;

    /// <summary>How many prepared scripts the cache holds.</summary>
    internal int CachedScripts => _cache.Count;

    /// <inheritdoc />
    /// <remarks>
    /// Parses in strict mode. Positions are 1-based and the user's own (the wrapper is not counted). An Expression must be
    /// exactly one expression; empty code or statements are errors. <c>import()</c> is an error.
    /// </remarks>
    public ScriptSyntaxError? Check(string code, ScriptMode mode) => ScriptCompiler.Check(code, mode);

    /// <inheritdoc />
    public ScriptOutcome Run(ScriptExecution execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var governor = execution.Governor;
        var cost = governor.Begin(execution.Script.Name, execution.Kind);
        var started = _time.GetTimestamp();
        var counter = new StatementCounter();
        try
        {
            return Execute(execution, cost, counter);
        }
        finally
        {
            cost.Statements += counter.Count;
            governor.End(cost, _time.GetElapsedTime(started));
        }
    }

    private ScriptOutcome Execute(ScriptExecution execution, ScriptCost cost, StatementCounter counter)
    {
        var governor = execution.Governor;
        var remaining = governor.CpuRemaining;
        var timeoutIsGovernorBudget = remaining <= _options.MaxExecutionTime;
        var timeout = timeoutIsGovernorBudget ? remaining : _options.MaxExecutionTime;
        var compiled = _cache.GetOrCompile(execution.Script);
        var failures = new ScriptFailures(execution, compiled, timeout, timeoutIsGovernorBudget);
        if (execution.CancellationToken.IsCancellationRequested)
        {
            throw failures.Cancelled();
        }

        if (compiled.SyntaxError is { } syntaxError)
        {
            throw failures.SyntaxError(syntaxError);
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw governor.CpuExceeded();
        }

        using var engine = SandboxEngineFactory.Create(governor.Limits, timeout, execution.CancellationToken, counter);
        var bridge = new HostBridge(engine);
        var rejections = new PromiseRejections(engine);
        try
        {
            var recorder = new ScriptRecorder(_time);
            var ctx = ContextApi.Install(engine, execution.Context, recorder);
            LogApi.Install(engine, recorder, execution.Host, bridge);
            if (execution.Host is { } host)
            {
                DbApi.Install(engine, host, bridge, PlainDataLimits.ForArguments(governor.Limits.MaxMemoryBytes));
            }

            var value = engine.Evaluate(compiled.Program);
            var result = Settle(value, rejections, failures, bridge);
            var outputLimits = PlainDataLimits.ForOutput(governor.Limits.MaxMemoryBytes);
            return new ScriptOutcome
            {
                Result = PlainDataReader.Read(result, "the result", outputLimits),
                ReadBack = ReadBack(ctx, execution.ReadBack, outputLimits),
                Errors = recorder.Errors,
                Logs = recorder.Logs,
                Cost = cost,
            };
        }
        catch (Exception ex)
        {
            var mapped = failures.Translate(ex, bridge.FindHostError);
            if (mapped is null || ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
    }

    /// <summary>
    /// A promise's value. The engine has already run every job the script queued (under its constraints), so a
    /// pending promise can never settle: unwrapping with a cancelled token reports it instead of waiting. A rejection
    /// is reported from the tracked reason, without running script (see <see cref="PromiseRejections"/>).
    /// </summary>
    private static JsValue Settle(JsValue value, PromiseRejections rejections, ScriptFailures failures, HostBridge bridge)
    {
        if (!value.IsPromise())
        {
            return value;
        }

        if (rejections.TryGetReason(value, out var reason))
        {
            throw failures.Rejected(reason, bridge.FindHostError);
        }

        try
        {
            return value.UnwrapIfPromise(AlreadyCancelled);
        }
        catch (OperationCanceledException)
        {
            throw failures.PendingPromise();
        }
    }

    private static Dictionary<string, object?> ReadBack(ObjectInstance ctx, IReadOnlyList<string> names, PlainDataLimits limits)
    {
        var values = new Dictionary<string, object?>(names.Count, StringComparer.Ordinal);
        foreach (var name in names)
        {
            var descriptor = ctx.GetOwnProperty(name);
            var value = descriptor == PropertyDescriptor.Undefined ? JsValue.Undefined
                : descriptor.IsAccessorDescriptor() ? throw new PlainDataException(PlainDataProblem.NotPlainData, $"ctx.{name} has a getter or setter.")
                : descriptor.Value;
            values[name] = PlainDataReader.Read(value, $"ctx.{name}", limits);
        }

        return values;
    }
}
