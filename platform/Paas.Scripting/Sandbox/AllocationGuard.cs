using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Paas.Scripting.Sandbox;

/// <summary>
/// Jint checks the memory limit before each statement, so one built-in call can allocate far past it before the next
/// check. <c>String.prototype.repeat</c> is the worst of them (one call builds up to a gigabyte at once), so it is
/// replaced by a function that refuses, before allocating, a result that alone would exceed the limit, and otherwise
/// calls the original. Other built-ins that allocate in one go (ArrayBuffer and typed array constructors,
/// <c>replace</c>/<c>replaceAll</c> with a large replacement) can still overshoot until the next statement.
/// </summary>
internal static class AllocationGuard
{
    public static void Install(Engine engine, long maxMemoryBytes)
    {
        // Read before any script ran, so these are still the intrinsics.
        if (maxMemoryBytes <= 0
            || engine.Global.GetOwnProperty("String").Value is not ObjectInstance stringConstructor
            || stringConstructor.GetOwnProperty("prototype").Value is not ObjectInstance stringPrototype)
        {
            return;
        }

        var descriptor = stringPrototype.GetOwnProperty("repeat");
        if (descriptor.Value is not ObjectInstance original)
        {
            return;
        }

        var maxCharacters = maxMemoryBytes / 2;
        var guarded = new ClrFunction(engine, "repeat", (thisObject, arguments) =>
        {
            if (thisObject is JsString text && arguments.Length > 0 && arguments[0] is JsNumber count)
            {
                var characters = text.Length * TypeConverter.ToNumber(count);
                if (characters > maxCharacters)
                {
                    throw new MemoryLimitExceededException(
                        $"String.prototype.repeat would build {characters} characters, more than the memory limit allows.");
                }
            }

            return original.Call(thisObject, arguments);
        }, 1, PropertyFlag.Configurable);

        stringPrototype.DefineOwnProperty("repeat", new PropertyDescriptor(guarded, writable: true, enumerable: false, configurable: true));
    }
}
