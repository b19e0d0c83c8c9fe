namespace Paas.Scripting;

/// <summary>Settings of a <see cref="JintScriptRunner"/> that are the operator's, not a tenant's.</summary>
public sealed record JintScriptRunnerOptions
{
    /// <summary>
    /// The longest one execution may run, whatever CPU time its transaction has left: the engine's timeout is the
    /// smaller of this and <see cref="Core.Scripting.ScriptGovernor.CpuRemaining"/>.
    /// </summary>
    public TimeSpan MaxExecutionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many prepared (parsed) scripts are kept, least recently used first out.</summary>
    public int PreparedScriptCacheSize { get; init; } = 2_000;

    /// <summary>30 seconds per execution, 2,000 prepared scripts.</summary>
    public static JintScriptRunnerOptions Default { get; } = new();
}
