using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Paas.Scripting.Api;

/// <summary>Defines the sandbox's API as JS functions and read-only properties (no CLR object is ever exposed).</summary>
internal static class FunctionBuilder
{
    public static void DefineFunction(Engine engine, ObjectInstance target, string name, int length, Func<JsValue[], JsValue> body) =>
        DefineReadOnly(target, name, new ClrFunction(engine, name, (_, arguments) => body(arguments), length, PropertyFlag.Configurable));

    /// <summary>A non-writable, non-configurable, non-enumerable property: scripts can neither replace nor delete it.</summary>
    public static void DefineReadOnly(ObjectInstance target, string name, JsValue value) =>
        target.DefineOwnProperty(name, new PropertyDescriptor(value, writable: false, enumerable: false, configurable: false));
}
