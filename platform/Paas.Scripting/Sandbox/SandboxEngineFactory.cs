using System.Globalization;
using Jint;
using Jint.Native.Object;
using Paas.Core.Scripting;

namespace Paas.Scripting.Sandbox;

/// <summary>
/// Builds the hardened engine of one execution:
/// <list type="bullet">
/// <item>strict mode everywhere; no compiling code from strings (<c>eval</c>, <c>Function</c>, the constructors of
/// async and generator functions, <c>ShadowRealm.evaluate</c> all throw a TypeError);</item>
/// <item>no CLR access: <c>AllowClr</c> is never called and no host object is wrapped (the API is plain JS values and
/// functions built by the sandbox), modules are not enabled;</item>
/// <item>constraints: a wall-clock timeout, <see cref="ScriptLimits.MaxStatements"/>, <see cref="ScriptLimits.MaxMemoryBytes"/>
/// (bytes allocated on the thread, checked before each statement), <see cref="ScriptLimits.MaxRecursion"/> (calls of one
/// function on the stack), <see cref="ScriptLimits.RegexTimeout"/> per match, the execution's cancellation token, the
/// statement counter, and Jint's native stack guard, which turns any other route to a stack overflow into a
/// <c>RangeError</c> instead of a dead process. <c>MaxExecutionStackCount</c> is deliberately not used: that lane
/// continues deep recursions on another thread, and an execution must stay on its caller's thread (nested runs and
/// the governor rely on it);</item>
/// <item><c>Atomics.wait</c> and <c>Atomics.waitAsync</c> are removed: they block (or schedule work) for as long as the
/// script asks, outside every constraint;</item>
/// <item><c>String.prototype.repeat</c> refuses a result larger than the memory limit before building it (see
/// <see cref="AllocationGuard"/>);</item>
/// <item>invariant culture and UTC as local time zone, so results do not depend on the server.</item>
/// </list>
/// </summary>
internal static class SandboxEngineFactory
{
    public static Engine Create(ScriptLimits limits, TimeSpan timeout, CancellationToken cancellationToken, StatementCounter counter)
    {
        var engine = new Engine(options =>
        {
            options.Strict();
            options.DisableStringCompilation();
            options.Culture(CultureInfo.InvariantCulture);
            options.LocalTimeZone(TimeZoneInfo.Utc);
            options.TimeoutInterval(timeout);
            options.MaxStatements((int)Math.Clamp(limits.MaxStatements, 1, int.MaxValue - 1));
            options.LimitMemory(limits.MaxMemoryBytes);
            options.LimitRecursion(limits.MaxRecursion);
            options.RegexTimeoutInterval(limits.RegexTimeout);
            options.CancellationToken(cancellationToken);
            options.Constraints.StackOverflowGuard = true;
            options.Constraint(counter);
        });

        AllocationGuard.Install(engine, limits.MaxMemoryBytes);
        if (engine.Global.GetOwnProperty("Atomics").Value is ObjectInstance atomics)
        {
            atomics.RemoveOwnProperty("wait");
            atomics.RemoveOwnProperty("waitAsync");
        }

        return engine;
    }
}
