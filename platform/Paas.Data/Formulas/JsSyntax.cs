using System.Globalization;
using System.Text;

namespace Paas.Data.Formulas;

/// <summary>JavaScript source text for values the generated code embeds.</summary>
internal static class JsSyntax
{
    /// <summary>A double-quoted JavaScript string literal: every character that could end or bend it is escaped.</summary>
    public static string String(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ' or '\u2028' or '\u2029' or '\u007f':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.Append('"').ToString();
    }

    /// <summary>A JavaScript array of string literals.</summary>
    public static string Strings(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(String)) + "]";
}
