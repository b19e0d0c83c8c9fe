using Paas.Core.Scripting;

namespace Paas.Scripting.Sandbox;

/// <summary>
/// What one execution reports besides its result: <c>ctx.addError</c> errors (at most <see cref="MaxErrors"/>, the rest
/// ignored) and log entries (at most <see cref="MaxLogEntries"/>, then one final "log truncated" warning and nothing
/// more). Messages are cut at <see cref="MaxMessageLength"/> characters.
/// </summary>
internal sealed class ScriptRecorder(TimeProvider time)
{
    public const int MaxErrors = 1_000;
    public const int MaxLogEntries = 1_000;
    public const int MaxMessageLength = 4_000;
    public const int MaxFieldLength = 1_000;

    private readonly List<ScriptFieldError> _errors = [];
    private readonly List<ScriptLogEntry> _logs = [];
    private bool _logTruncated;

    public IReadOnlyList<ScriptFieldError> Errors => _errors;

    public IReadOnlyList<ScriptLogEntry> Logs => _logs;

    public void AddError(string? field, string message, int? index)
    {
        if (_errors.Count < MaxErrors)
        {
            _errors.Add(new ScriptFieldError(field is null ? null : Truncate(field, MaxFieldLength), Truncate(message, MaxMessageLength), index));
        }
    }

    /// <summary>Records a log line; returns the entry to pass on to the host, or null when the log is full.</summary>
    public ScriptLogEntry? AddLog(string level, string message)
    {
        if (_logTruncated)
        {
            return null;
        }

        ScriptLogEntry entry;
        if (_logs.Count < MaxLogEntries)
        {
            entry = new ScriptLogEntry(level, Truncate(message, MaxMessageLength), time.GetUtcNow());
        }
        else
        {
            _logTruncated = true;
            entry = new ScriptLogEntry("warn", $"Log truncated: the script wrote more than {MaxLogEntries} entries.", time.GetUtcNow());
        }

        _logs.Add(entry);
        return entry;
    }

    public static string Truncate(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];
}
