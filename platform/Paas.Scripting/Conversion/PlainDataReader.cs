using System.Globalization;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Array;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Paas.Scripting.Conversion;

/// <summary>
/// Reads a script's value as plain data: null (also for undefined, NaN and ±Infinity), bool, string, double,
/// <see cref="List{T}"/> of object (arrays; holes are null) and <see cref="Dictionary{TKey,TValue}"/> of string to
/// object (own enumerable string-keyed properties of plain objects); a Date becomes its ISO string (an invalid date,
/// null). It never runs script: it reads property descriptors, so a getter is refused rather than called, and
/// functions, symbols, BigInts, circular references and other kinds of objects (Map, RegExp, Error, class
/// instances with internal slots, Proxies…) are refused with <see cref="PlainDataProblem.NotPlainData"/>. Passing
/// <see cref="PlainDataLimits"/> is <see cref="PlainDataProblem.TooLarge"/>; sizes are checked before anything
/// proportional to them is allocated. One reader reads one value.
/// </summary>
internal sealed class PlainDataReader(PlainDataLimits limits)
{
    private readonly List<string> _path = [];
    private readonly HashSet<ObjectInstance> _ancestors = new(ReferenceEqualityComparer.Instance);
    private long _entries;
    private long _characters;

    public static object? Read(JsValue value, string name, PlainDataLimits limits) => new PlainDataReader(limits).ReadRoot(value, name);

    private object? ReadRoot(JsValue value, string name)
    {
        _path.Add(name);
        return ReadValue(value, 0);
    }

    private object? ReadValue(JsValue value, int depth)
    {
        switch (value.Type)
        {
            case Types.Undefined or Types.Null or Types.Empty:
                return null;
            case Types.Boolean:
                return TypeConverter.ToBoolean(value);
            case Types.Number:
                var number = TypeConverter.ToNumber(value);
                return double.IsFinite(number) ? number + 0.0 : null;
            case Types.String:
                var text = (JsString)value;
                CountCharacters(text.Length);
                return text.ToString();
            case Types.Symbol:
                throw NotPlain("is a symbol");
            case Types.BigInt:
                throw NotPlain("is a BigInt");
        }

        return value switch
        {
            JsDate date => ReadDate(date),
            ObjectInstance callable when JsValueExtensions.IsCallable(callable) => throw NotPlain("is a function"),
            ArrayInstance array => Enter(array, depth, () => ReadArray(array, depth)),
            JsObject obj => Enter(obj, depth, () => ReadObject(obj, depth)),
            _ => throw NotPlain("is not a plain object, array or date"),
        };
    }

    private T Enter<T>(ObjectInstance obj, int depth, Func<T> read)
    {
        if (depth >= limits.MaxDepth)
        {
            throw TooLarge($"is nested deeper than {limits.MaxDepth} levels");
        }

        if (!_ancestors.Add(obj))
        {
            throw NotPlain("refers to itself (a circular reference)");
        }

        var result = read();
        _ancestors.Remove(obj);
        return result;
    }

    private List<object?> ReadArray(ArrayInstance array, int depth)
    {
        var lengthValue = array.GetOwnProperty("length").Value;
        var length = lengthValue is JsNumber ? (long)TypeConverter.ToNumber(lengthValue) : 0;
        CountEntries(length);
        var items = new List<object?>((int)length);
        for (uint i = 0; i < length; i++)
        {
            _path.Add($"[{i}]");
            items.Add(ReadValue(ReadDataProperty(array, JsNumber.Create(i)), depth + 1));
            _path.RemoveAt(_path.Count - 1);
        }

        return items;
    }

    private Dictionary<string, object?> ReadObject(JsObject obj, int depth)
    {
        var keys = obj.GetOwnPropertyKeys(Types.String);
        CountEntries(keys.Count);
        var result = new Dictionary<string, object?>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var descriptor = obj.GetOwnProperty(key);
            if (descriptor == PropertyDescriptor.Undefined || !descriptor.Enumerable)
            {
                continue;
            }

            var name = key.ToString();
            CountCharacters(name.Length);
            _path.Add("." + name);
            result[name] = ReadValue(DataValue(descriptor), depth + 1);
            _path.RemoveAt(_path.Count - 1);
        }

        return result;
    }

    private JsValue ReadDataProperty(ObjectInstance obj, JsValue key)
    {
        var descriptor = obj.GetOwnProperty(key);
        return descriptor == PropertyDescriptor.Undefined ? JsValue.Undefined : DataValue(descriptor);
    }

    private JsValue DataValue(PropertyDescriptor descriptor) =>
        descriptor.IsAccessorDescriptor() ? throw NotPlain("has a getter or setter") : descriptor.Value ?? JsValue.Undefined;

    private string? ReadDate(JsDate date)
    {
        var milliseconds = date.DateValue;
        if (double.IsNaN(milliseconds))
        {
            return null;
        }

        if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw NotPlain("is a date outside the years 1 to 9999");
        }

        var text = DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        CountCharacters(text.Length);
        return text;
    }

    private void CountEntries(long count)
    {
        _entries += count;
        if (_entries > limits.MaxEntries)
        {
            throw TooLarge($"has more than {limits.MaxEntries} entries");
        }
    }

    private void CountCharacters(long count)
    {
        _characters += count;
        if (_characters > limits.MaxCharacters)
        {
            throw TooLarge($"has more than {limits.MaxCharacters} characters of text");
        }
    }

    private PlainDataException NotPlain(string what) => new(PlainDataProblem.NotPlainData, $"{Path()} {what}.");

    private PlainDataException TooLarge(string what) => new(PlainDataProblem.TooLarge, $"{Path()} {what}.");

    private string Path()
    {
        var builder = new StringBuilder();
        foreach (var segment in _path)
        {
            builder.Append(segment);
        }

        return builder.ToString();
    }
}
