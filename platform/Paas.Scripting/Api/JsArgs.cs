using Jint;
using Jint.Native;
using Jint.Runtime;
using Paas.Scripting.Conversion;

namespace Paas.Scripting.Api;

/// <summary>Argument checks of the functions the sandbox gives scripts; a wrong argument is a catchable <c>TypeError</c>.</summary>
internal static class JsArgs
{
    public static JsValue At(JsValue[] arguments, int index) => index < arguments.Length ? arguments[index] : JsValue.Undefined;

    public static JavaScriptException TypeError(Engine engine, string message) => new(engine.Intrinsics.TypeError, message);

    public static string RequireString(Engine engine, JsValue[] arguments, int index, string signature, string name)
    {
        var value = At(arguments, index);
        if (value is not JsString s || s.Length == 0)
        {
            throw TypeError(engine, $"{signature}: {name} must be a non-empty string.");
        }

        return s.ToString();
    }

    /// <summary>A plain object argument (not an array), read as plain data; undefined or null give null when <paramref name="optional"/>.</summary>
    public static Dictionary<string, object?>? ReadObject(
        Engine engine, JsValue[] arguments, int index, string signature, string name, PlainDataLimits limits, bool optional = false)
    {
        var value = At(arguments, index);
        if (optional && (value.IsUndefined() || value.IsNull()))
        {
            return null;
        }

        if (value is not JsObject)
        {
            throw TypeError(engine, $"{signature}: {name} must be an object.");
        }

        return (Dictionary<string, object?>?)ReadPlain(engine, value, signature, name, limits);
    }

    /// <summary>Any value as plain data; a value that cannot be is a TypeError naming where in it the problem is.</summary>
    public static object? ReadPlain(Engine engine, JsValue value, string signature, string name, PlainDataLimits limits)
    {
        try
        {
            return PlainDataReader.Read(value, name, limits);
        }
        catch (PlainDataException ex)
        {
            throw TypeError(engine, $"{signature}: {ex.Message}");
        }
    }
}
