using Jint;
using Jint.Native;
using Jint.Runtime;
using Paas.Scripting.Conversion;
using Paas.Scripting.Sandbox;

namespace Paas.Scripting.Api;

/// <summary>
/// The global <c>ctx</c>: a plain object with the execution's context entries (converted by one <see cref="PlainDataToJs"/>,
/// so the script owns copies, the host's objects are never shared, and entries the host aliased stay aliased) and <c>ctx.addError(field, message[, index])</c>:
/// <c>field</c> a string, or null/undefined for a record-level error; <c>message</c> coerced with <c>String()</c>;
/// <c>index</c>, when given, a non-negative integer (the record's position in <c>ctx.records</c>).
/// </summary>
internal static class ContextApi
{
    public const string GlobalName = "ctx";
    private const string AddError = "addError";
    private const string Signature = "ctx.addError(field, message[, index])";

    public static JsObject Install(Engine engine, IReadOnlyDictionary<string, object?> context, ScriptRecorder recorder)
    {
        var ctx = new JsObject(engine);
        var converter = new PlainDataToJs(engine);
        foreach (var (key, value) in context)
        {
            if (key == AddError)
            {
                throw new HostDataException($"The context entry '{AddError}' is reserved for ctx.addError.");
            }

            ctx.CreateDataProperty(key, converter.Convert(value));
        }

        FunctionBuilder.DefineFunction(engine, ctx, AddError, 2, arguments =>
        {
            recorder.AddError(ReadField(engine, arguments), ReadMessage(engine, arguments), ReadIndex(engine, arguments));
            return JsValue.Undefined;
        });
        FunctionBuilder.DefineReadOnly(engine.Global, GlobalName, ctx);
        return ctx;
    }

    private static string? ReadField(Engine engine, JsValue[] arguments) => JsArgs.At(arguments, 0) switch
    {
        JsString s => s.ToString(),
        var v when v.IsUndefined() || v.IsNull() => null,
        _ => throw JsArgs.TypeError(engine, $"{Signature}: field must be a string, or null for an error about the whole record."),
    };

    private static string ReadMessage(Engine engine, JsValue[] arguments)
    {
        var message = JsArgs.At(arguments, 1);
        if (message.IsUndefined())
        {
            throw JsArgs.TypeError(engine, $"{Signature}: message is required.");
        }

        // Runs a script-defined toString, if any, while the engine's constraints are in force.
        return TypeConverter.ToString(message);
    }

    private static int? ReadIndex(Engine engine, JsValue[] arguments)
    {
        var index = JsArgs.At(arguments, 2);
        if (index.IsUndefined() || index.IsNull())
        {
            return null;
        }

        if (index is JsNumber && TypeConverter.ToNumber(index) is var n && n >= 0 && n <= int.MaxValue && Math.Floor(n) == n)
        {
            return (int)n;
        }

        throw JsArgs.TypeError(engine, $"{Signature}: index must be a non-negative integer.");
    }
}
