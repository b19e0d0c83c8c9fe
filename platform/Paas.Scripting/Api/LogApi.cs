using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Paas.Core.Scripting;
using Paas.Scripting.Conversion;
using Paas.Scripting.Sandbox;

namespace Paas.Scripting.Api;

/// <summary>
/// The global <c>log</c> with <c>info</c>, <c>warn</c> and <c>error</c>. Arguments are joined with spaces: strings as
/// they are, plain objects and arrays as JSON (read without running script), anything else with <c>String()</c>.
/// Entries are kept in the outcome (capped by <see cref="ScriptRecorder"/>) and passed to <see cref="IScriptHost.Log"/>
/// when there is a host. Present even without a host.
/// </summary>
internal static class LogApi
{
    public const string GlobalName = "log";
    private static readonly string[] Levels = ["info", "warn", "error"];
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };
    private static readonly PlainDataLimits JsonLimits = new(PlainDataLimits.Depth, 1_000, ScriptRecorder.MaxMessageLength);

    public static void Install(Engine engine, ScriptRecorder recorder, IScriptHost? host, HostBridge bridge)
    {
        var log = new JsObject(engine);
        foreach (var level in Levels)
        {
            FunctionBuilder.DefineFunction(engine, log, level, 1, arguments =>
            {
                if (recorder.AddLog(level, Format(arguments)) is { } entry && host is not null)
                {
                    bridge.Call($"log.{level}", () => host.Log(entry.Level, entry.Message));
                }

                return JsValue.Undefined;
            });
        }

        FunctionBuilder.DefineReadOnly(engine.Global, GlobalName, log);
    }

    private static string Format(JsValue[] arguments)
    {
        var builder = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(FormatOne(argument));
            if (builder.Length > ScriptRecorder.MaxMessageLength)
            {
                break;
            }
        }

        return builder.ToString();
    }

    private static string FormatOne(JsValue value)
    {
        if (value is JsString s)
        {
            return s.ToString();
        }

        if (value is ObjectInstance obj && !JsValueExtensions.IsCallable(obj))
        {
            try
            {
                return JsonSerializer.Serialize(PlainDataReader.Read(value, "value", JsonLimits), Json);
            }
            catch (PlainDataException)
            {
                // Not plain data (or too big to show whole): fall back to String(value) below.
            }
        }

        // Runs a script-defined toString, if any, while the engine's constraints are in force.
        return TypeConverter.ToString(value);
    }
}
