using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Records;

namespace Paas.Data.Query;

/// <summary>
/// Opaque keyset cursors: the sort key values of a row and its id, with the order they belong to, so that a cursor
/// from another order is refused instead of silently skipping rows.
/// </summary>
public static class CursorCodec
{
    public static string Encode(IReadOnlyList<SortKey> order, IReadOnlyList<object?> values)
    {
        var payload = new Dictionary<string, object?>
        {
            ["o"] = Signature(order),
            ["v"] = values.Select(FieldValueCoercer.ToPlain).ToArray(),
        };
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
    }

    /// <summary>Decodes a cursor into canonical values, one per sort key.</summary>
    public static IReadOnlyList<object?> Decode(string argument, string cursor, IReadOnlyList<SortKey> order)
    {
        try
        {
            if (cursor.Length > 65_536)
            {
                throw new FormatException();
            }

            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            var root = document.RootElement;
            if (root.GetProperty("o").GetString() != Signature(order))
            {
                throw PaasException.Validation(argument, "The cursor belongs to a different order; start again from the first page.");
            }

            var raw = root.GetProperty("v").EnumerateArray().ToList();
            if (raw.Count != order.Count)
            {
                throw new FormatException();
            }

            var values = new List<object?>(order.Count);
            for (var i = 0; i < order.Count; i++)
            {
                var field = RelaxedForComparison(order[i].ValueField);
                if (!FieldValueCoercer.TryCoerce(field, raw[i], out var value, out _))
                {
                    throw new FormatException();
                }

                values.Add(value);
            }

            return values;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw PaasException.Validation(argument, "The cursor is not valid.");
        }
    }

    /// <summary>A copy of the field whose coercion accepts any stored value (picklist values may have been removed since).</summary>
    public static FieldDefinition RelaxedForComparison(FieldDefinition field) => field.Type switch
    {
        FieldType.Picklist or FieldType.AutoNumber => field with { Type = FieldType.Text, Values = [], MaxLength = FieldTypeInfo.MaxLongTextLength, DisplayFormat = null },
        FieldType.Email or FieldType.Phone or FieldType.Url => field with { Type = FieldType.Text, MaxLength = FieldTypeInfo.MaxLongTextLength },
        FieldType.Text or FieldType.LongText => field with { MaxLength = FieldTypeInfo.MaxLongTextLength },
        FieldType.MultiPicklist => field with { Type = FieldType.MultiPicklist },
        _ => field,
    };

    private static string Signature(IReadOnlyList<SortKey> order) =>
        string.Join(",", order.Select(k => k.Field.ApiName + (k.Descending ? "-" : "+")));
}
