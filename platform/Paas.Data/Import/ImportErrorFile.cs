namespace Paas.Data.Import;

/// <summary>Writes failed rows as CSV: the line, the errors, then the row's own values under the file's own header.</summary>
public sealed class ImportErrorFile(TextWriter writer, int maxRows = int.MaxValue)
{
    private int _rows;

    public int Rows => _rows;

    public async Task WriteAsync(FailedRow row)
    {
        if (_rows >= maxRows)
        {
            return;
        }

        if (_rows++ == 0)
        {
            await writer.WriteLineAsync(string.Join(",", new[] { "line", "errors" }.Concat(row.Header).Select(CsvReader.Escape)));
        }

        var message = string.Join("; ", row.Errors.Select(e => $"{e.Field}: {e.Message}"));
        var cells = new[] { row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), message }.Concat(row.Values);
        await writer.WriteLineAsync(string.Join(",", cells.Select(CsvReader.Escape)));
    }
}
