using Jint;

namespace Paas.Scripting.Sandbox;

/// <summary>
/// Counts executed statements for <see cref="Core.Scripting.ScriptCost.Statements"/>. Jint calls an exact
/// (non-amortizable) constraint before every statement, the same points its own <c>MaxStatements</c> constraint counts,
/// so the two agree. <see cref="Reset"/> does nothing on purpose: Jint resets constraints on the way into and out of
/// every entry, and one counter belongs to one engine, which runs one execution.
/// </summary>
internal sealed class StatementCounter : Constraint
{
    public long Count { get; private set; }

    public override bool IsAmortizable => false;

    public override void Check() => Count++;

    public override void Reset()
    {
    }
}
