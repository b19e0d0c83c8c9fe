using Paas.Core.Errors;

namespace Paas.Core.Tenancy;

/// <summary>
/// Bounds on one API request. The platform's defaults come from configuration (<c>Paas:Limits</c>); the operator can
/// set a tenant's own values (lower, or higher up to the hard caps here).
/// </summary>
public sealed record RequestLimits
{
    public const int HardMaxDepth = 50;
    public const int HardMaxComplexity = 10_000_000;
    public const int HardMaxFields = 20_000;
    public const int HardMaxPageSize = 500;
    public const int HardMaxTimeoutSeconds = 600;

    /// <summary>Deepest selection nesting.</summary>
    public int MaxDepth { get; init; } = 15;

    /// <summary>Cost budget: each field costs 1, multiplied by the page sizes of the lists around it.</summary>
    public int MaxComplexity { get; init; } = 250_000;

    /// <summary>Most field selections (aliases included) in one document.</summary>
    public int MaxFields { get; init; } = 1_000;

    /// <summary>Largest page of a list.</summary>
    public int MaxPageSize { get; init; } = HardMaxPageSize;

    /// <summary>Seconds after which the request is cancelled, its SQL included.</summary>
    public int RequestTimeoutSeconds { get; init; } = 30;

    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(RequestTimeoutSeconds);

    // Script governor limits per transaction (Apex-style); the hard caps are the operator's maxima.
    public const int HardMaxScriptCpuMilliseconds = 10_000;
    public const int HardMaxActionCpuSeconds = 120;
    public const int HardMaxScriptQueries = 1_000;
    public const int HardMaxScriptDmlStatements = 1_500;
    public const int HardMaxScriptDmlRows = 100_000;
    public const int HardMaxTriggerDepth = 32;

    /// <summary>CPU time of all scripts of one synchronous transaction (triggers, validation rules, formulas).</summary>
    public int ScriptCpuMilliseconds { get; init; } = 2_000;

    /// <summary>CPU time of a custom action or a scheduled script and everything it causes.</summary>
    public int ActionCpuSeconds { get; init; } = 30;

    public int ScriptMaxQueries { get; init; } = 100;
    public int ScriptMaxDmlStatements { get; init; } = 150;
    public int ScriptMaxDmlRows { get; init; } = 10_000;
    public int MaxTriggerDepth { get; init; } = 16;

    public Scripting.ScriptLimits Scripts => new()
    {
        SyncCpuTime = TimeSpan.FromMilliseconds(ScriptCpuMilliseconds),
        AsyncCpuTime = TimeSpan.FromSeconds(ActionCpuSeconds),
        MaxQueries = ScriptMaxQueries,
        MaxDmlStatements = ScriptMaxDmlStatements,
        MaxDmlRows = ScriptMaxDmlRows,
        MaxTriggerDepth = MaxTriggerDepth,
    };

    public RequestLimits Validate()
    {
        var errors = new FieldErrorList();
        Check(errors, "maxDepth", MaxDepth, 2, HardMaxDepth);
        Check(errors, "maxComplexity", MaxComplexity, 10, HardMaxComplexity);
        Check(errors, "maxFields", MaxFields, 10, HardMaxFields);
        Check(errors, "maxPageSize", MaxPageSize, 1, HardMaxPageSize);
        Check(errors, "requestTimeoutSeconds", RequestTimeoutSeconds, 1, HardMaxTimeoutSeconds);
        Check(errors, "scriptCpuMilliseconds", ScriptCpuMilliseconds, 10, HardMaxScriptCpuMilliseconds);
        Check(errors, "actionCpuSeconds", ActionCpuSeconds, 1, HardMaxActionCpuSeconds);
        Check(errors, "scriptMaxQueries", ScriptMaxQueries, 0, HardMaxScriptQueries);
        Check(errors, "scriptMaxDmlStatements", ScriptMaxDmlStatements, 0, HardMaxScriptDmlStatements);
        Check(errors, "scriptMaxDmlRows", ScriptMaxDmlRows, 0, HardMaxScriptDmlRows);
        Check(errors, "maxTriggerDepth", MaxTriggerDepth, 1, HardMaxTriggerDepth);
        errors.ThrowIfAny();
        return this;
    }

    private static void Check(FieldErrorList errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(name, $"Must be between {min} and {max}.");
        }
    }
}
