using System.Text;
using Paas.Data.Import;

namespace Paas.Data.Tests.Import;

/// <summary><see cref="CsvReader"/> against RFC 4180: quoting, doubled quotes, CRLF and LF, quoted line breaks with the right line numbers.</summary>
public sealed class CsvReaderTests
{
    private static async Task<List<(long Line, IReadOnlyList<string> Fields)>> ReadAllAsync(string text, bool oneCharAtATime = false)
    {
        var reader = new CsvReader(oneCharAtATime ? new TrickleReader(text) : new StringReader(text));
        var rows = new List<(long, IReadOnlyList<string>)>();
        while (await reader.ReadRowAsync(CancellationToken.None) is { } row)
        {
            rows.Add((reader.Line, row));
            Assert.True(rows.Count < 100_000, "The reader does not stop.");
        }

        // Past the end it keeps answering null.
        Assert.Null(await reader.ReadRowAsync(CancellationToken.None));
        return rows;
    }

    private static List<string> Rows(IEnumerable<(long Line, IReadOnlyList<string> Fields)> rows) =>
        rows.Select(r => string.Join("|", r.Fields)).ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Plain_rows_with_LF_or_CRLF(bool trickle)
    {
        Assert.Equal(["a|b|c", "1|2|3"], Rows(await ReadAllAsync("a,b,c\n1,2,3\n", trickle)));
        Assert.Equal(["a|b|c", "1|2|3"], Rows(await ReadAllAsync("a,b,c\r\n1,2,3\r\n", trickle)));
        Assert.Equal(["a|b|c", "1|2|3"], Rows(await ReadAllAsync("a,b,c\r\n1,2,3", trickle)));
        Assert.Equal(["a|b", "1|2", "x|y"], Rows(await ReadAllAsync("a,b\n1,2\r\nx,y", trickle)));
        Assert.Equal([1L, 2L], (await ReadAllAsync("a,b,c\r\n1,2,3\r\n", trickle)).Select(r => r.Line).ToList());
    }

    [Fact]
    public async Task Empty_input_has_no_rows_and_empty_fields_are_kept()
    {
        Assert.Empty(await ReadAllAsync(""));
        var rows = await ReadAllAsync(",,\na,,c\n,\n");
        Assert.Equal([["", "", ""], ["a", "", "c"], ["", ""]], rows.Select(r => r.Fields.ToArray()).ToArray());
        // A blank line is a row of one empty field (the importer skips those).
        Assert.Equal([["a"], [""], ["b"]], (await ReadAllAsync("a\n\nb\n")).Select(r => r.Fields.ToArray()).ToArray());
    }

    [Fact]
    public async Task A_trailing_newline_adds_no_row()
    {
        Assert.Single(await ReadAllAsync("a,b\n"));
        Assert.Single(await ReadAllAsync("a,b\r\n"));
        Assert.Single(await ReadAllAsync("a,b"));
        Assert.Equal(2, (await ReadAllAsync("a,b\nc,d")).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Quoted_fields_keep_commas_and_doubled_quotes(bool trickle)
    {
        var rows = await ReadAllAsync("\"a,b\",c\n\"say \"\"hi\"\"\",\"\"\"\",\"\",x\n\"\"\"quoted\"\" start\",end\n", trickle);
        Assert.Equal(["a,b", "c"], rows[0].Fields);
        Assert.Equal(["say \"hi\"", "\"", "", "x"], rows[1].Fields);
        Assert.Equal(["\"quoted\" start", "end"], rows[2].Fields);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Quoted_line_breaks_stay_in_the_field_and_lines_are_numbered_from_where_a_row_starts(bool trickle)
    {
        const string text = "name,notes\n\"Ann\",\"first\nsecond\nthird\"\nBob,\"one\r\ntwo\"\r\nCy,plain\n\"\n\",\"\"\nDee,last";
        var rows = await ReadAllAsync(text, trickle);
        Assert.Equal([1L, 2L, 5L, 7L, 8L, 10L], rows.Select(r => r.Line).ToList());
        Assert.Equal(["Ann", "first\nsecond\nthird"], rows[1].Fields);
        Assert.Equal(["Bob", "one\r\ntwo"], rows[2].Fields);
        Assert.Equal(["Cy", "plain"], rows[3].Fields);
        Assert.Equal(["\n", ""], rows[4].Fields);
        Assert.Equal(["Dee", "last"], rows[5].Fields);
    }

    [Theory]
    [InlineData("\"open")]
    [InlineData("a,b\n\"c,d\n")]
    [InlineData("a,b\nc,\"d\"\"\n")]
    [InlineData("a\n\"multi\nline\nnever closed")]
    public async Task An_unclosed_quote_is_a_FormatException_naming_the_line(string text)
    {
        var reader = new CsvReader(new StringReader(text));
        var error = await Assert.ThrowsAsync<FormatException>(async () =>
        {
            while (await reader.ReadRowAsync(CancellationToken.None) is not null)
            {
            }
        });
        var expectedLine = text.StartsWith('"') ? 1 : 2;
        Assert.Contains($"Line {expectedLine}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fields_and_rows_larger_than_the_buffer_read_whole()
    {
        var big = new string('x', 200_000);
        var quotedBig = string.Concat(Enumerable.Repeat("ab\"\"c,\r\n", 20_000));
        var text = $"{big},\"{quotedBig}\"\r\nnext,row\r\n";
        var rows = await ReadAllAsync(text);
        Assert.Equal(2, rows.Count);
        Assert.Equal(big, rows[0].Fields[0]);
        Assert.Equal(quotedBig.Replace("\"\"", "\"", StringComparison.Ordinal), rows[0].Fields[1]);
        Assert.Equal(2L + 20_000, rows[1].Line);
        Assert.Equal(["next", "row"], rows[1].Fields);

        // CRLF and doubled quotes straddling the 64 Ki buffer boundary, at every offset near it.
        for (var pad = 65_530; pad < 65_540; pad++)
        {
            var straddle = new string('p', pad) + ",\"q\"\"q\"\r\nz\r\n";
            var read = await ReadAllAsync(straddle);
            Assert.Equal(2, read.Count);
            Assert.Equal("q\"q", read[0].Fields[1]);
            Assert.Equal(["z"], read[1].Fields);
        }
    }

    [Fact]
    public async Task Too_long_fields_and_too_wide_rows_are_refused()
    {
        var longField = new string('y', CsvReader.MaxFieldLength + 1);
        await Assert.ThrowsAsync<FormatException>(() => ReadAllAsync(longField + "\n"));
        await Assert.ThrowsAsync<FormatException>(() => ReadAllAsync("\"" + longField + "\"\n"));
        Assert.Single(await ReadAllAsync(new string('y', CsvReader.MaxFieldLength) + "\n"));

        var widest = string.Join(",", Enumerable.Repeat("c", CsvReader.MaxColumns));
        Assert.Equal(CsvReader.MaxColumns, (await ReadAllAsync(widest + "\n"))[0].Fields.Count);
        await Assert.ThrowsAsync<FormatException>(() => ReadAllAsync(widest + ",one too many\n"));
        await Assert.ThrowsAsync<FormatException>(() => ReadAllAsync(widest + ",one,two\n"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with, comma")]
    [InlineData("with \"quotes\"")]
    [InlineData("multi\nline")]
    [InlineData("crlf\r\nline")]
    [InlineData("")]
    [InlineData("\"")]
    [InlineData("unicode é 日本 🚀")]
    public async Task Escape_round_trips(string value)
    {
        var line = string.Join(",", CsvReader.Escape(value), CsvReader.Escape("next")) + "\r\n";
        var rows = await ReadAllAsync(line);
        Assert.Equal([value, "next"], rows.Single().Fields);
        Assert.Equal("", CsvReader.Escape(null));
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var reader = new CsvReader(new TrickleReader("a,b\nc,d\n"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadRowAsync(cancelled.Token));
    }

    /// <summary>Hands out one character per read, so every character sits on a buffer boundary.</summary>
    private sealed class TrickleReader(string text) : TextReader
    {
        private int _position;

        public override int Peek() => _position < text.Length ? text[_position] : -1;

        public override int Read() => _position < text.Length ? text[_position++] : -1;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_position >= text.Length || buffer.Length == 0)
            {
                return 0;
            }

            buffer[0] = text[_position++];
            return 1;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }
    }

    [Fact]
    public void The_trickle_reader_really_trickles()
    {
        var reader = new TrickleReader("abc");
        var buffer = new char[10];
        Assert.Equal(1, reader.Read(buffer, 0, 10));
        Assert.Equal('a', buffer[0]);
        Assert.Equal("bc", new StringBuilder().Append((char)reader.Read()).Append((char)reader.Read()).ToString());
    }
}
