using System.Globalization;
using Jint;
using Jint.Native;

namespace Paas.Scripting.Conversion;

/// <summary>
/// Turns host data into fresh JavaScript values: null, bool, string, int/long/double/decimal (numbers), Guid (string),
/// DateTimeOffset (ISO-8601 "o" in UTC), DateOnly (yyyy-MM-dd), read-only lists (arrays) and read-only dictionaries of
/// string to value (plain objects). Objects are filled with own data properties, never through setters, so nothing
/// the script did to prototypes runs. Anything else, or nesting deeper than <see cref="MaxDepth"/>, throws
/// <see cref="HostDataException"/>.
/// </summary>
internal static class PlainDataToJs
{
    public const int MaxDepth = 32;

    public static JsValue Convert(Engine engine, object? value) => Convert(engine, value, 0);

    private static JsValue Convert(Engine engine, object? value, int depth)
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

        if (depth >= MaxDepth)
        {
            throw new HostDataException($"Data given to a script is nested deeper than {MaxDepth} levels.");
        }

        switch (value)
        {
            case IReadOnlyDictionary<string, object?> dictionary:
                var obj = new JsObject(engine);
                foreach (var (key, item) in dictionary)
                {
                    obj.CreateDataProperty(key, Convert(engine, item, depth + 1));
                }

                return obj;
            case IReadOnlyList<object?> list:
                var items = new JsValue[list.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = Convert(engine, list[i], depth + 1);
                }

                return new JsArray(engine, items);
            default:
                throw new HostDataException(
                    $"A value of type {value.GetType().FullName} cannot be given to a script; only plain data can (see ScriptExecution).");
        }
    }
}
