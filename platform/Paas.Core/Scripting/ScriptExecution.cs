namespace Paas.Core.Scripting;

/// <summary>
/// One execution of a script. Plain data only, in and out: <c>null</c>, <see cref="bool"/>, <see cref="string"/>, numbers
/// (<see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="decimal"/>), <see cref="Guid"/> (given to the
/// script as a string), <see cref="DateTimeOffset"/> (an ISO-8601 string), <see cref="DateOnly"/> (<c>yyyy-MM-dd</c>),
/// <see cref="IReadOnlyList{T}"/> of values and <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to value.
/// Values coming back from the script are <c>null</c>, <see cref="bool"/>, <see cref="string"/>, <see cref="double"/>,
/// <see cref="List{T}"/> of object and <see cref="Dictionary{TKey,TValue}"/> of string to object.
/// </summary>
public sealed record ScriptExecution
{
    public required ScriptSource Script { get; init; }

    /// <summary>What the script is, for cost reports and error messages: <c>trigger</c>, <c>validationRule</c>, <c>action</c>, ….</summary>
    public required string Kind { get; init; }

    /// <summary>
    /// The properties of the script's <c>ctx</c> object (e.g. <c>records</c>, <c>old</c>, <c>record</c>, <c>user</c>,
    /// <c>input</c>). The sandbox adds <c>ctx.addError(field, message[, index])</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Context { get; init; } = new Dictionary<string, object?>();

    /// <summary>Names of <see cref="Context"/> entries whose final value the outcome reports (before-triggers change <c>records</c>).</summary>
    public IReadOnlyList<string> ReadBack { get; init; } = [];

    /// <summary>The data and log API behind <c>db.*</c> and <c>log.*</c>; null gives a script without them.</summary>
    public IScriptHost? Host { get; init; }

    /// <summary>The transaction's budget: CPU time, queries, DML. Shared by every script of one request or transaction.</summary>
    public required ScriptGovernor Governor { get; init; }

    /// <summary>Cancelled when the request ends or times out.</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>What an execution produced.</summary>
public sealed record ScriptOutcome
{
    /// <summary>The value the script returned (Body) or evaluated to (Expression), as plain data.</summary>
    public object? Result { get; init; }

    /// <summary>The final values of the <see cref="ScriptExecution.ReadBack"/> entries, as plain data.</summary>
    public IReadOnlyDictionary<string, object?> ReadBack { get; init; } = new Dictionary<string, object?>();

    /// <summary>Errors the script reported with <c>ctx.addError</c>.</summary>
    public IReadOnlyList<ScriptFieldError> Errors { get; init; } = [];

    public IReadOnlyList<ScriptLogEntry> Logs { get; init; } = [];

    public required ScriptCost Cost { get; init; }
}

/// <summary>An error a script reported; <see cref="Index"/> is the record's position in <c>ctx.records</c> when given.</summary>
public sealed record ScriptFieldError(string? Field, string Message, int? Index);

public sealed record ScriptLogEntry(string Level, string Message, DateTimeOffset At);
