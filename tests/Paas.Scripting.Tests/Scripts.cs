using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

/// <summary>Helpers to build executions and run them.</summary>
internal static class Scripts
{
    private static int _sequence;

    /// <summary>A source with a cache key of its own (so tests never share prepared programs by accident).</summary>
    public static ScriptSource Source(string code, ScriptMode mode = ScriptMode.Body, string name = "test") =>
        new($"test/{Interlocked.Increment(ref _sequence)}", name, code, mode);

    public static ScriptExecution Execution(
        string code,
        ScriptMode mode = ScriptMode.Body,
        IReadOnlyDictionary<string, object?>? context = null,
        IScriptHost? host = null,
        ScriptGovernor? governor = null,
        IReadOnlyList<string>? readBack = null,
        string name = "test",
        CancellationToken cancellationToken = default) => new()
    {
        Script = Source(code, mode, name),
        Kind = "trigger",
        Context = context ?? new Dictionary<string, object?>(),
        Host = host,
        Governor = governor ?? new ScriptGovernor(ScriptLimits.Default),
        ReadBack = readBack ?? [],
        CancellationToken = cancellationToken,
    };

    public static object? Result(this JintScriptRunner runner, string code, ScriptMode mode = ScriptMode.Body,
        IReadOnlyDictionary<string, object?>? context = null, IScriptHost? host = null) =>
        runner.Run(Execution(code, mode, context, host)).Result;

    public static PaasException Failure(this JintScriptRunner runner, ScriptExecution execution) =>
        Assert.Throws<PaasException>(() => runner.Run(execution));

    public static PaasException Failure(this JintScriptRunner runner, string code, IScriptHost? host = null,
        ScriptMode mode = ScriptMode.Body, string name = "test") =>
        runner.Failure(Execution(code, mode, host: host, name: name));

    public static Dictionary<string, object?> Record(params (string Key, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
}
