using System.Collections;
using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Paas.Core.Metadata;

namespace Paas.Core.Records;

/// <summary>
/// Turns a client value into the field's canonical CLR value, or explains why it cannot.
/// Canonical values: string, long, decimal, bool, DateOnly, DateTimeOffset (UTC), string[] (multi-picklist),
/// Guid (ids and relations) and JsonElement (JSON).
/// </summary>
public static class FieldValueCoercer
{
    public static bool TryCoerce(FieldDefinition field, object? input, out object? value, out string? error)
    {
        value = null;
        error = null;
        if (input is null || (input is string s && s.Length == 0 && field.Type != FieldType.Json))
        {
            return true;
        }

        try
        {
            if (input is JsonElement element)
            {
                input = FromJson(element, field.Type);
                if (input is null)
                {
                    return true;
                }
            }

            error = field.Type switch
            {
                FieldType.Text or FieldType.LongText => Text(field, input, out value),
                FieldType.Email => Email(field, input, out value),
                FieldType.Phone => Phone(field, input, out value),
                FieldType.Url => Url(field, input, out value),
                FieldType.Integer => Integer(input, out value),
                FieldType.Number or FieldType.Currency or FieldType.Percent => Decimal(field, input, out value),
                FieldType.Boolean => Boolean(input, out value),
                FieldType.Date => Date(input, out value),
                FieldType.DateTime => DateTime(input, out value),
                FieldType.Picklist => Picklist(field, input, out value),
                FieldType.MultiPicklist => MultiPicklist(field, input, out value),
                FieldType.Lookup or FieldType.MasterDetail or FieldType.Id => Id(input, out value),
                FieldType.AutoNumber => Text(field, input, out value),
                FieldType.Json => Json(input, out value),
                _ => "Unsupported field type.",
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException or JsonException or ArgumentException)
        {
            error = $"'{Shorten(input)}' is not a valid {field.Type.ToContractName()} value.";
        }

        if (error is not null)
        {
            value = null;
        }

        return error is null;
    }

    /// <summary>A canonical value as plain data that <see cref="TryCoerce"/> accepts again (used to convert stored data).</summary>
    public static object? ToPlain(object? canonical) => canonical switch
    {
        null => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset dt => FormatDateTime(dt),
        Guid g => g.ToString(),
        JsonElement j => j.GetRawText(),
        _ => canonical,
    };

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static object? FromJson(JsonElement element, FieldType type) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ when type == FieldType.Json => element,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(e => FromJson(e, FieldType.Text)).ToList(),
        _ => element,
    };

    private static string? Text(FieldDefinition field, object input, out object? value)
    {
        value = null;
        string text;
        switch (input)
        {
            case string s: text = s; break;
            case bool b: text = b ? "true" : "false"; break;
            case IFormattable f: text = f.ToString(null, CultureInfo.InvariantCulture); break;
            default: return "Expected text.";
        }

        if (text.Length > field.EffectiveMaxLength)
        {
            return $"Must be at most {field.EffectiveMaxLength} characters (got {text.Length}).";
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return "Must not contain NUL characters.";
        }

        if (!IsWellFormed(text))
        {
            return "Is not valid Unicode text (an unpaired surrogate).";
        }

        value = text;
        return null;
    }

    private static string? Email(FieldDefinition field, object input, out object? value)
    {
        var error = Text(field, input, out value);
        if (error is not null)
        {
            return error;
        }

        var text = (string)value!;
        var ok = MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal)
            && text.LastIndexOf('.') > text.IndexOf('@', StringComparison.Ordinal);
        return ok ? null : $"'{Shorten(text)}' is not a valid email address.";
    }

    private static string? Phone(FieldDefinition field, object input, out object? value)
    {
        var error = Text(field, input, out value);
        if (error is not null)
        {
            return error;
        }

        var text = (string)value!;
        var ok = text.Any(char.IsAsciiDigit) && text.All(c => char.IsAsciiDigit(c) || " +-().x/".Contains(c));
        return ok ? null : $"'{Shorten(text)}' is not a valid phone number.";
    }

    private static string? Url(FieldDefinition field, object input, out object? value)
    {
        var error = Text(field, input, out value);
        if (error is not null)
        {
            return error;
        }

        var ok = Uri.TryCreate((string)value!, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        return ok ? null : $"'{Shorten(value)}' is not an absolute http(s) URL.";
    }

    private static string? Integer(object input, out object? value)
    {
        value = input switch
        {
            long l => l,
            int i => (long)i,
            short sh => (long)sh,
            byte by => (long)by,
            decimal d when decimal.Truncate(d) == d => decimal.ToInt64(d),
            double db when Math.Floor(db) == db && Math.Abs(db) < 9e18 => (long)db,
            System.Numerics.BigInteger bi when bi >= long.MinValue && bi <= long.MaxValue => (long)bi,
            string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return value is null ? $"'{Shorten(input)}' is not a whole number." : null;
    }

    private static string? Decimal(FieldDefinition field, object input, out object? value)
    {
        value = null;
        decimal? number = input switch
        {
            decimal d => d,
            long l => l,
            int i => i,
            double db when !double.IsNaN(db) && !double.IsInfinity(db) && Math.Abs(db) < 7.9e28 => (decimal)db,
            System.Numerics.BigInteger bi when bi.GetByteCount() < 12 => (decimal)bi,
            string s when decimal.TryParse(s, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (number is null)
        {
            return $"'{Shorten(input)}' is not a number.";
        }

        var scale = field.EffectiveScale;
        var rounded = Math.Round(number.Value, scale, MidpointRounding.ToEven);
        if (rounded != number.Value)
        {
            return $"Must have at most {scale} decimal places.";
        }

        var integerDigits = field.EffectivePrecision - scale;
        if (Math.Abs(decimal.Truncate(rounded)) >= Pow10(integerDigits))
        {
            return $"Must have at most {integerDigits} digits before the decimal point.";
        }

        value = rounded;
        return null;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static string? Boolean(object input, out object? value)
    {
        value = input switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var parsed) => parsed,
            _ => null,
        };
        return value is null ? $"'{Shorten(input)}' is not true or false." : null;
    }

    private static string? Date(object input, out object? value)
    {
        value = input switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            string s when DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) => parsed,
            _ => null,
        };
        return value is null ? $"'{Shorten(input)}' is not a date (yyyy-MM-dd)." : null;
    }

    private static string? DateTime(object input, out object? value)
    {
        DateTimeOffset? parsed = input switch
        {
            DateTimeOffset dto => dto,
            DateTime dt => new DateTimeOffset(System.DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind)),
            string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var p)
                && s.Contains('T', StringComparison.Ordinal) => p,
            _ => null,
        };
        value = parsed is { } v ? TruncateToMicroseconds(v.ToUniversalTime()) : null;
        return value is null ? $"'{Shorten(input)}' is not a date-time (ISO 8601, e.g. 2026-01-31T09:30:00Z)." : null;
    }

    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % 10), value.Offset);

    private static string? Picklist(FieldDefinition field, object input, out object? value)
    {
        value = null;
        if (input is not string s)
        {
            return "Expected one of the picklist values.";
        }

        if (!field.Values.Contains(s, StringComparer.Ordinal))
        {
            return $"'{Shorten(s)}' is not one of the allowed values: {string.Join(", ", field.Values)}.";
        }

        value = s;
        return null;
    }

    private static string? MultiPicklist(FieldDefinition field, object input, out object? value)
    {
        value = null;
        IEnumerable<object?> items = input switch
        {
            string s => s.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            IEnumerable e => e.Cast<object?>(),
            _ => [input],
        };
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item is not string text || !field.Values.Contains(text, StringComparer.Ordinal))
            {
                return $"'{Shorten(item)}' is not one of the allowed values: {string.Join(", ", field.Values)}.";
            }

            chosen.Add(text);
        }

        value = field.Values.Where(chosen.Contains).ToArray();
        return null;
    }

    private static string? Id(object input, out object? value)
    {
        value = input switch
        {
            Guid g => g,
            string s when Guid.TryParseExact(s, "D", out var parsed) => parsed,
            _ => null,
        };
        return value is null ? $"'{Shorten(input)}' is not a record id." : null;
    }

    private static string? Json(object input, out object? value)
    {
        value = null;
        var element = input switch
        {
            JsonElement e => e,
            string s => JsonDocument.Parse(s, new JsonDocumentOptions { MaxDepth = 32 }).RootElement.Clone(),
            _ => JsonSerializer.SerializeToElement(input),
        };
        var raw = element.GetRawText();
        if (raw.Length > FieldTypeInfo.MaxJsonBytes)
        {
            return $"A JSON value may be at most {FieldTypeInfo.MaxJsonBytes} characters.";
        }

        // PostgreSQL's jsonb cannot hold a NUL character; refuse it on every engine so both behave alike.
        if (raw.Contains("\\u0000", StringComparison.OrdinalIgnoreCase) || !IsWellFormed(raw))
        {
            return "A JSON value may not contain NUL characters or unpaired surrogates.";
        }

        value = element;
        return null;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(object? value)
    {
        var text = value switch
        {
            null => "null",
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            IEnumerable => "[…]",
            _ => value.GetType().Name,
        };
        return text.Length > 40 ? text[..40] + "…" : text;
    }
}
