using System.Text;

namespace Paas.Data.Import;

/// <summary>
/// A streaming RFC 4180 reader: comma-separated, double-quoted fields with "" for a quote, quoted line breaks,
/// CRLF or LF. It buffers asynchronously (request bodies allow no synchronous reads). Bounded: a field longer
/// than <see cref="MaxFieldLength"/> or a row wider than <see cref="MaxColumns"/> is an error.
/// </summary>
public sealed class CsvReader(TextReader reader)
{
    public const int MaxFieldLength = 1_048_576;
    public const int MaxColumns = 1_000;

    private readonly char[] _buffer = new char[64 * 1024];
    private int _length;
    private int _position;
    private long _nextLine = 1;

    /// <summary>The 1-based line on which the last returned row started.</summary>
    public long Line { get; private set; }

    public async Task<IReadOnlyList<string>?> ReadRowAsync(CancellationToken ct)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var inQuotes = false;
        var any = false;
        Line = _nextLine;
        while (true)
        {
            if (_position >= _length && !await FillAsync(ct))
            {
                if (inQuotes)
                {
                    throw new FormatException($"Line {Line}: a quoted field is not closed.");
                }

                if (!any)
                {
                    return null;
                }

                fields.Add(field.ToString());
                return fields.Count > MaxColumns ? throw new FormatException($"Line {Line}: more than {MaxColumns} columns.") : fields;
            }

            any = true;
            var c = _buffer[_position++];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (await PeekAsync(ct) == '"')
                    {
                        _position++;
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    _nextLine += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0 && !quoted)
            {
                inQuotes = quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                quoted = false;
                if (fields.Count > MaxColumns)
                {
                    throw new FormatException($"Line {Line}: more than {MaxColumns} columns.");
                }
            }
            else if (c == '\r' && await PeekAsync(ct) == '\n')
            {
                continue;
            }
            else if (c == '\n')
            {
                _nextLine++;
                fields.Add(field.ToString());
                return fields.Count > MaxColumns ? throw new FormatException($"Line {Line}: more than {MaxColumns} columns.") : fields;
            }
            else
            {
                field.Append(c);
            }

            if (field.Length > MaxFieldLength)
            {
                throw new FormatException($"Line {Line}: a field is longer than {MaxFieldLength} characters.");
            }
        }
    }

    public static string Escape(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private async ValueTask<int> PeekAsync(CancellationToken ct) =>
        _position < _length || await FillAsync(ct) ? _buffer[_position] : -1;

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        _length = await reader.ReadAsync(_buffer.AsMemory(), ct);
        _position = 0;
        return _length > 0;
    }
}
