using Jint;
using Jint.Native;
using Jint.Native.Array;
using Jint.Native.Error;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Paas.Scripting.Failures;

/// <summary>
/// Describes what a script threw without running any of its code: primitives are rendered directly, an Error by the
/// <c>name</c> and <c>message</c> found as data properties (own, or on its prototypes, never through a getter), a
/// thrown string is the message itself, and any other object only by its kind (a JS <c>toString</c> or a Proxy trap
/// would run outside the sandbox's constraints once the engine has stopped).
/// </summary>
internal static class ThrownValue
{
    public const int MaxLength = 2_000;
    private const int MaxPrototypeDepth = 32;

    /// <summary>What Jint says for eval / new Function when string compilation is disabled; replaced by a clearer text.</summary>
    private const string StringCompilationDisabled = "String compilation has been disabled in engine options";

    public static string Describe(JsValue value)
    {
        var text = value switch
        {
            JsString { Length: 0 } => "threw an empty string",
            JsString s => s.ToString(),
            JsNumber or JsBoolean or JsBigInt => "threw " + TypeConverter.ToString(value),
            JsSymbol => "threw a symbol",
            _ when value.IsUndefined() => "threw undefined",
            _ when value.IsNull() => "threw null",
            ErrorInstance error => DescribeError(error),
            ObjectInstance obj when JsValueExtensions.IsCallable(obj) => "threw a function",
            ArrayInstance => "threw an array",
            _ => "threw an object",
        };

        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }

    /// <summary>The error's name (e.g. <c>TypeError</c>) when it is a JS Error, without running script.</summary>
    public static string? ErrorName(JsValue value) => value is ErrorInstance error ? ReadString(error, "name") : null;

    /// <summary>The error's message when it is a JS Error, without running script.</summary>
    public static string? ErrorMessage(JsValue value) => value is ErrorInstance error ? ReadString(error, "message") : null;

    private static string DescribeError(ErrorInstance error)
    {
        var name = ReadString(error, "name");
        var message = ReadString(error, "message");
        if (message == StringCompilationDisabled)
        {
            message = "code cannot be compiled from strings (eval, new Function and the like are disabled)";
        }

        if (string.IsNullOrEmpty(message))
        {
            return string.IsNullOrEmpty(name) ? "Error" : name;
        }

        return string.IsNullOrEmpty(name) || name == "Error" ? message : $"{name}: {message}";
    }

    /// <summary>
    /// A string data property found on the object or its prototypes; null when absent, not a string or a getter. Only
    /// errors, plain objects and <c>Object.prototype</c> are looked into: anything else on the chain (a Proxy's traps
    /// would run script) ends the search.
    /// </summary>
    private static string? ReadString(ObjectInstance obj, string key)
    {
        ObjectInstance? current = obj;
        for (var depth = 0; current is ErrorInstance or JsObject or ObjectPrototype && depth < MaxPrototypeDepth; depth++)
        {
            var descriptor = current.GetOwnProperty(key);
            if (descriptor != PropertyDescriptor.Undefined)
            {
                return descriptor.IsDataDescriptor() && descriptor.Value is JsString s ? s.ToString() : null;
            }

            current = current.Prototype;
        }

        return null;
    }
}
