namespace Paas.Core.Scripting;

/// <summary>
/// Governor limits per transaction (Apex-style) and per execution. Defaults here; a tenant may set its own within the
/// operator's maxima.
/// </summary>
public sealed record ScriptLimits
{
    /// <summary>CPU time of all scripts of one synchronous transaction (triggers, validation rules, formulas).</summary>
    public TimeSpan SyncCpuTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>CPU time of a custom action or a scheduled script and everything it causes.</summary>
    public TimeSpan AsyncCpuTime { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxQueries { get; init; } = 100;
    public int MaxDmlStatements { get; init; } = 150;
    public int MaxDmlRows { get; init; } = 10_000;
    public int MaxTriggerDepth { get; init; } = 16;

    /// <summary>Per execution: JavaScript statements, memory allocated, call depth and time for one regex match.</summary>
    public long MaxStatements { get; init; } = 10_000_000;
    public long MaxMemoryBytes { get; init; } = 64L * 1024 * 1024;
    public int MaxRecursion { get; init; } = 256;
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    public static ScriptLimits Default { get; } = new();
}

/// <summary>The names a <c>LIMIT_EXCEEDED</c> error gives for each script limit (<c>extensions.limit</c>).</summary>
public static class ScriptLimitNames
{
    public const string CpuTime = "scriptCpuTime";
    public const string Queries = "scriptQueries";
    public const string DmlStatements = "scriptDmlStatements";
    public const string DmlRows = "scriptDmlRows";
    public const string TriggerDepth = "triggerDepth";
    public const string Statements = "scriptStatements";
    public const string Memory = "scriptMemory";
    public const string Recursion = "scriptRecursion";
    public const string RegexTime = "scriptRegexTime";
    public const string Pending = "scriptPendingPromise";
}
