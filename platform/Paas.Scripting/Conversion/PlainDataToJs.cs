using System.Globalization;
using Jint;
using Jint.Native;

namespace Paas.Scripting.Conversion;

/// <summary>
/// Turns host data into fresh JavaScript values: null, bool, string, int/long/double/decimal (numbers), Guid (string),
/// DateTimeOffset (ISO-8601 "o" in UTC), DateOnly (yyyy-MM-dd), read-only lists (arrays) and read-only dictionaries of
/// string to value (plain objects). One converter keeps aliasing: a list or dictionary met twice becomes one JS
/// object (so <c>ctx.record === ctx.records[0]</c> when the host passed the same dictionary, and shared data is not
/// copied over and over). Properties and elements are defined as own data properties, never through setters, so
/// nothing a script did to prototypes runs. Anything else, or nesting deeper than <see cref="MaxDepth"/>, throws
/// <see cref="HostDataException"/>.
/// </summary>
internal sealed class PlainDataToJs(Engine engine)
{
    public const int MaxDepth = 32;

    private readonly Dictionary<object, JsValue> _converted = new(ReferenceEqualityComparer.Instance);

    public static JsValue ConvertOne(Engine engine, object? value) => new PlainDataToJs(engine).Convert(value);

    public JsValue Convert(object? value) => Convert(value, 0);

    private JsValue Convert(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return JsValue.Null;
            case bool b:
                return b ? JsBoolean.True : JsBoolean.False;
            case string s:
                return new JsString(s);
            case int i:
                return JsNumber.Create(i);
            case long l:
                return JsNumber.Create(l);
            case double d:
                return JsNumber.Create(d);
            case decimal m:
                return JsNumber.Create((double)m);
            case Guid g:
                return new JsString(g.ToString("D"));
            case DateTimeOffset dto:
                return new JsString(dto.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            case DateOnly date:
                return new JsString(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (_converted.TryGetValue(value, out var known))
        {
            return known;
        }

        if (depth >= MaxDepth)
        {
            throw new HostDataException($"Data given to a script is nested deeper than {MaxDepth} levels.");
        }

        switch (value)
        {
            case IReadOnlyDictionary<string, object?> dictionary:
                var obj = new JsObject(engine);
                _converted[value] = obj;
                foreach (var (key, item) in dictionary)
                {
                    obj.CreateDataProperty(key, Convert(item, depth + 1));
                }

                return obj;
            case IReadOnlyList<object?> list:
                var array = new JsArray(engine, (uint)list.Count, 0);
                _converted[value] = array;
                for (var i = 0; i < list.Count; i++)
                {
                    array.CreateDataProperty(JsNumber.Create(i), Convert(list[i], depth + 1));
                }

                return array;
            default:
                throw new HostDataException(
                    $"A value of type {value.GetType().FullName} cannot be given to a script; only plain data can (see ScriptExecution).");
        }
    }
}
