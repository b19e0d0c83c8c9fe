namespace Paas.Core.Scripting;

/// <summary>What one script execution used; reported to the caller in <c>extensions.scriptCost</c>.</summary>
public sealed class ScriptCost(string script, string kind)
{
    public string Script { get; } = script;
    public string Kind { get; } = kind;
    public TimeSpan Time { get; set; }
    public long Statements { get; set; }
    public int Queries { get; set; }
    public int DmlStatements { get; set; }
    public int DmlRows { get; set; }
}
