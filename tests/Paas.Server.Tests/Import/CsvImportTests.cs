using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Server.Tests.Relations;
using Paas.Testing;

namespace Paas.Server.Tests.Import;

/// <summary>
/// <c>POST /import/{Object}</c> with a CSV body: NDJSON progress lines per batch, then a result line with the counts, the
/// errors (line, field, message) and an error CSV. Good rows go in, bad rows are reported, never half a batch silently.
/// </summary>
public sealed class CsvImportTests
{
    private sealed record ImportOutcome(GraphQLResponse Response, IReadOnlyList<JsonNode> Lines)
    {
        public IReadOnlyList<JsonNode> Progress => Lines.Where(l => (string?)l["type"] == "progress").ToList();

        public JsonNode Result
        {
            get
            {
                Assert.True(Response.Status == HttpStatusCode.OK, $"Expected 200, got {Response}");
                Assert.StartsWith("application/x-ndjson", Response.MediaType ?? "", StringComparison.Ordinal);
                Assert.True(Lines.Count > 0 && (string?)Lines[^1]["type"] == "result", $"The last line is not a result: {Response.Body}");
                return Lines[^1];
            }
        }

        public long Count(string name) => (long)Result[name]!;

        public List<(long Line, string Field)> Errors =>
            Result["errors"]!.AsArray().Select(e => ((long)e!["line"]!, (string)e["field"]!)).ToList();
    }

    private static async Task<ImportOutcome> ImportAsync(PaasServer server, string path, string csv, string? contentType = "text/csv", string? key = PaasServer.AdminKey)
    {
        var response = await server.PostRawAsync(path, csv, contentType, key);
        var lines = new List<JsonNode>();
        if (response.MediaType == "application/x-ndjson")
        {
            foreach (var line in response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lines.Add(JsonNode.Parse(line)!);
            }
        }

        return new ImportOutcome(response, lines);
    }

    private static async Task<PaasServer> StartAsync(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider);
        try
        {
            await Crm.CreateAsync(server);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<JsonArray> OpportunitiesAsync(PaasServer server, string fields = "name amount stage closeDate externalId")
    {
        var data = await server.DataOkAsync($"{{ opportunities(first: 500, orderBy: [{{name: ASC}}]) {{ totalCount nodes {{ {fields} }} }} }}");
        var nodes = data["opportunities"]!["nodes"]!.AsArray();
        Assert.Equal(nodes.Count, (long)data["opportunities"]!["totalCount"]!);
        return nodes;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Good_rows_go_in_and_bad_rows_are_reported_with_line_and_field(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string csv = """
            name,amount,stage,closeDate,externalId
            Good 1,10.50,Prospecting,2026-01-01,E1
            Bad amount,lots,Prospecting,,E2
            Good 2,20,Negotiation,,E3
            Bad stage,5,Won?,2026-02-30,E4
            ,7,,,E5
            Good 3,30,,,E6

            """;

        var outcome = await ImportAsync(server, "/import/Opportunity?batchSize=2", csv);
        Assert.Equal(6, outcome.Count("rowsRead"));
        Assert.Equal(3, outcome.Count("created"));
        Assert.Equal(0, outcome.Count("updated"));
        Assert.Equal(3, outcome.Count("failed"));
        Assert.Equal([(3L, "amount"), (5L, "closeDate"), (5L, "stage"), (6L, "name")], outcome.Errors.OrderBy(e => e.Line).ThenBy(e => e.Field, StringComparer.Ordinal).ToList());
        Assert.All(outcome.Result["errors"]!.AsArray(), e => Assert.False(string.IsNullOrWhiteSpace((string?)e!["message"])));

        // One progress line per full batch, counting as it goes.
        var progress = outcome.Progress;
        Assert.Equal(3, progress.Count);
        Assert.Equal([2L, 4L, 6L], progress.Select(p => (long)p["rowsRead"]!).ToList());
        Assert.Equal([1L, 2L, 3L], progress.Select(p => (long)p["created"]!).ToList());
        Assert.Equal([1L, 2L, 3L], progress.Select(p => (long)p["failed"]!).ToList());

        // The error file: line, reasons, then the row as it was, under the file's header.
        var errorCsv = (string)outcome.Result["errorCsv"]!;
        var errorLines = errorCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("line,errors,name,amount,stage,closeDate,externalId", errorLines[0]);
        Assert.Equal(4, errorLines.Count);
        Assert.StartsWith("3,", errorLines[1], StringComparison.Ordinal);
        Assert.EndsWith(",Bad amount,lots,Prospecting,,E2", errorLines[1], StringComparison.Ordinal);
        Assert.Contains("amount", errorLines[1], StringComparison.Ordinal);
        Assert.StartsWith("5,", errorLines[2], StringComparison.Ordinal);
        Assert.EndsWith(",Bad stage,5,Won?,2026-02-30,E4", errorLines[2], StringComparison.Ordinal);
        Assert.StartsWith("6,", errorLines[3], StringComparison.Ordinal);

        var records = await OpportunitiesAsync(server);
        Assert.Equal(["Good 1", "Good 2", "Good 3"], Crm.Names(records));
        Assert.Equal([10.50m, 20m, 30m], records.Select(r => Crm.Dec(r!["amount"])).ToList());
        Assert.Equal("Prospecting", (string?)records[0]!["stage"]);
        Assert.Equal("2026-01-01", (string?)records[0]!["closeDate"]);
        Assert.Null(records[2]!["stage"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Rows_that_fail_only_when_written_do_not_take_their_batch_with_them(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        var account = (await Crm.CreateAccountsAsync(server, new { name = "Acme" }))[0];
        await Crm.CreateOpportunitiesAsync(server, new { name = "Existing", externalId = "TAKEN" });
        var csv = $"""
            name,externalId,account
            Linked,X1,{account}
            Dangling,X2,{Guid.CreateVersion7()}
            First dup,DUP,
            Second dup,DUP,
            Clash,TAKEN,
            Fine,X3,{account}
            """;

        var outcome = await ImportAsync(server, "/import/Opportunity?batchSize=2", csv);
        Assert.Equal(6, outcome.Count("rowsRead"));
        Assert.Equal(3, outcome.Count("created"));
        Assert.Equal(3, outcome.Count("failed"));
        Assert.Equal([(3L, "account"), (5L, "externalId"), (6L, "externalId")], outcome.Errors.OrderBy(e => e.Line).ToList());

        var records = await OpportunitiesAsync(server, "name externalId account { name }");
        Assert.Equal(["Existing", "Fine", "First dup", "Linked"], Crm.Names(records));
        Assert.Equal("Acme", (string?)records[1]!["account"]!["name"]);
        Assert.Equal("Acme", (string?)records[3]!["account"]!["name"]);
        Assert.Null(records[2]!["account"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Quoted_fields_keep_commas_quotes_and_line_breaks_and_lines_are_counted_right(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        var csv = string.Join("\r\n",
            "name,externalId,stage",
            "\"Smith, John\",Q1,Prospecting",
            "\"He said \"\"hi\"\"\",Q2,",
            "\"Line one\nLine two\",Q3,Negotiation",
            "\"Bad, with \"\"quotes\"\"\",Q4,NotAStage",
            "\"\",Q5,",
            "Plain,\"Q6\",\"ClosedWon\"",
            "",
            "");

        var outcome = await ImportAsync(server, "/import/Opportunity", csv);
        Assert.Equal(6, outcome.Count("rowsRead"));
        Assert.Equal(4, outcome.Count("created"));
        Assert.Equal(2, outcome.Count("failed"));
        // The third record spans lines 4 and 5, so the bad one starts on line 6.
        Assert.Equal([(6L, "stage"), (7L, "name")], outcome.Errors.OrderBy(e => e.Line).ToList());

        var errorCsv = (string)outcome.Result["errorCsv"]!;
        Assert.Contains("\"Bad, with \"\"quotes\"\"\",Q4,NotAStage", errorCsv, StringComparison.Ordinal);

        var records = await OpportunitiesAsync(server, "name externalId stage");
        var byId = records.ToDictionary(r => (string)r!["externalId"]!, r => r!);
        Assert.Equal("Smith, John", (string?)byId["Q1"]["name"]);
        Assert.Equal("He said \"hi\"", (string?)byId["Q2"]["name"]);
        Assert.Null(byId["Q2"]["stage"]);
        Assert.Equal("Line one\nLine two", (string?)byId["Q3"]["name"]);
        Assert.Equal("Negotiation", (string?)byId["Q3"]["stage"]);
        Assert.Equal("Plain", (string?)byId["Q6"]["name"]);
        Assert.Equal("ClosedWon", (string?)byId["Q6"]["stage"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_bad_header_is_refused_with_400_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);

        var unknown = await ImportAsync(server, "/import/Opportunity", "name,colour,amount\nA,red,1\nB,blue,2\n");
        ResponseAssert.HttpError(unknown.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains("header[1]", unknown.Response.FieldErrorNames);

        var twice = await ImportAsync(server, "/import/Opportunity", "name,amount,name\nA,1,B\n");
        ResponseAssert.HttpError(twice.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var readOnly = await ImportAsync(server, "/import/Opportunity", "name,createdAt\nA,2026-01-01T00:00:00Z\n");
        ResponseAssert.HttpError(readOnly.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var empty = await ImportAsync(server, "/import/Opportunity", "");
        ResponseAssert.HttpError(empty.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var unclosed = await ImportAsync(server, "/import/Opportunity", "name,amount\nA,1\n\"B,2\n");
        ResponseAssert.HttpError(unclosed.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.Empty(await OpportunitiesAsync(server));

        // A header alone imports nothing and is not an error.
        var headerOnly = await ImportAsync(server, "/import/Opportunity", "name,amount\n");
        Assert.Equal(0, headerOnly.Count("rowsRead"));
        Assert.Equal(0, headerOnly.Count("created"));
        Assert.Null(headerOnly.Result["errorCsv"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_on_a_unique_field_updates_existing_rows_and_creates_new_ones(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        await Crm.CreateOpportunitiesAsync(server,
            new { name = "Old 1", amount = 1, externalId = "E1", stage = "Prospecting" },
            new { name = "Old 2", amount = 2, externalId = "E2", stage = "Prospecting" });
        const string csv = """
            externalId,name,amount,stage
            E1,New 1,100,Negotiation
            E3,New 3,300,Prospecting
            E2,New 2,200,ClosedWon
            E4,Bad,lots,Prospecting
            """;

        var outcome = await ImportAsync(server, "/import/Opportunity?matchOn=externalId&batchSize=2", csv);
        Assert.Equal(4, outcome.Count("rowsRead"));
        Assert.Equal(1, outcome.Count("created"));
        Assert.Equal(2, outcome.Count("updated"));
        Assert.Equal(1, outcome.Count("failed"));
        Assert.Equal([(5L, "amount")], outcome.Errors);

        var records = await OpportunitiesAsync(server, "name amount stage externalId version");
        Assert.Equal(["New 1", "New 2", "New 3"], Crm.Names(records));
        Assert.Equal([100m, 200m, 300m], records.Select(r => Crm.Dec(r!["amount"])).ToList());
        Assert.Equal(["E1", "E2", "E3"], records.Select(r => (string?)r!["externalId"]).ToList());
        Assert.Equal([2L, 2L, 1L], records.Select(r => (long)r!["version"]!).ToList());
        Assert.Equal("ClosedWon", (string?)records[1]!["stage"]);

        // Running the same file again only updates.
        var again = await ImportAsync(server, "/import/Opportunity?matchOn=externalId", csv);
        Assert.Equal(0, again.Count("created"));
        Assert.Equal(3, again.Count("updated"));
        Assert.Equal(3, (await OpportunitiesAsync(server)).Count);

        var notUnique = await ImportAsync(server, "/import/Opportunity?matchOn=stage", csv);
        ResponseAssert.HttpError(notUnique.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var unknown = await ImportAsync(server, "/import/Opportunity?matchOn=nope", csv);
        ResponseAssert.HttpError(unknown.Response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Wrong_content_type_unknown_object_and_missing_key_are_refused(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string csv = "name\nA\n";

        var json = await ImportAsync(server, "/import/Opportunity", csv, "application/json");
        ResponseAssert.HttpError(json.Response, HttpStatusCode.UnsupportedMediaType, "VALIDATION_FAILED");
        var none = await ImportAsync(server, "/import/Opportunity", csv, contentType: null);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, none.Response.Status);

        var unknown = await ImportAsync(server, "/import/Nope", csv);
        ResponseAssert.HttpError(unknown.Response, HttpStatusCode.NotFound, "NOT_FOUND");

        var anonymous = await ImportAsync(server, "/import/Opportunity", csv, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Response.Status);
        var badKey = await ImportAsync(server, "/import/Opportunity", csv, key: "paas_not_a_real_key_0123456789012345678901");
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.Response.Status);
        var operatorKey = await ImportAsync(server, "/import/Opportunity", csv, key: PaasServer.OperatorKey);
        Assert.Equal(HttpStatusCode.Forbidden, operatorKey.Response.Status);

        // GET is not an import.
        var get = await server.GetAsync("/import/Opportunity");
        Assert.True(get.Status is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, get.ToString());

        Assert.Empty(await OpportunitiesAsync(server));

        var charset = await ImportAsync(server, "/import/Opportunity", csv, "text/csv; charset=utf-8");
        Assert.Equal(1, charset.Count("created"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task More_than_a_thousand_rows_go_in_over_several_batches(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        var csv = new StringBuilder("name,amount,externalId,closeDate,isPriority,quantity\n");
        for (var i = 0; i < 1_234; i++)
        {
            csv.Append($"Row {i:D4},{i}.{i % 100:D2},EXT-{i},2026-{1 + (i % 12):D2}-{1 + (i % 28):D2},{(i % 2 == 0 ? "true" : "false")},{i}\n");
        }

        var outcome = await ImportAsync(server, "/import/Opportunity?batchSize=500", csv.ToString());
        Assert.Equal(1_234, outcome.Count("rowsRead"));
        Assert.Equal(1_234, outcome.Count("created"));
        Assert.Equal(0, outcome.Count("failed"));
        Assert.Empty(outcome.Result["errors"]!.AsArray());
        Assert.Null(outcome.Result["errorCsv"]);
        Assert.Equal([500L, 1_000L], outcome.Progress.Select(p => (long)p["rowsRead"]!).ToList());
        Assert.Equal([500L, 1_000L], outcome.Progress.Select(p => (long)p["created"]!).ToList());

        var data = await server.DataOkAsync("""
            { opportunities(first: 1, orderBy: [{name: DESC}]) { totalCount nodes { name amount externalId closeDate isPriority quantity } }
              opportunitiesAggregate { count sum { amount quantity } } }
            """);
        Assert.Equal(1_234, (long)data["opportunities"]!["totalCount"]!);
        var last = data["opportunities"]!["nodes"]![0]!;
        Assert.Equal("Row 1233", (string?)last["name"]);
        Assert.Equal(1233.33m, Crm.Dec(last["amount"]));
        Assert.Equal("EXT-1233", (string?)last["externalId"]);
        Assert.Equal("2026-10-02", (string?)last["closeDate"]);
        Assert.False((bool)last["isPriority"]!);
        Assert.Equal(1233, (long)last["quantity"]!);
        var expectedSum = Enumerable.Range(0, 1_234).Sum(i => i + (i % 100) / 100m);
        Assert.Equal(1_234, (long)data["opportunitiesAggregate"]![0]!["count"]!);
        Assert.Equal(expectedSum, Crm.Dec(data["opportunitiesAggregate"]![0]!["sum"]!["amount"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_byte_order_mark_is_ignored_and_a_broken_file_after_the_first_batch_ends_with_an_error_line(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);

        // Spreadsheet programs start UTF-8 CSV files with a byte order mark.
        var bom = await ImportAsync(server, "/import/Opportunity", "\uFEFFname,amount\nWith BOM,1\n");
        Assert.Equal(1, bom.Count("created"));

        // Once progress has been streamed the status is sent: a later format error is the last line, and the rows of
        // the finished batches stay in.
        var broken = await ImportAsync(server, "/import/Opportunity?batchSize=1", "name,amount\nFirst,1\nSecond,2\n\"Third,3\n");
        Assert.Equal(HttpStatusCode.OK, broken.Response.Status);
        Assert.Equal(2, broken.Progress.Count);
        var last = broken.Lines[^1];
        Assert.Equal("error", (string?)last["type"]);
        Assert.Equal("VALIDATION_FAILED", (string?)last["code"]);
        Assert.Contains("Line 4", (string?)last["message"], StringComparison.Ordinal);
        Assert.Equal(["First", "Second", "With BOM"], Crm.Names(await OpportunitiesAsync(server)));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_row_with_more_cells_than_the_header_is_reported_not_truncated(DatabaseProvider provider)
    {
        await using var server = await StartAsync(provider);
        const string csv = """
            name,externalId
            Fine,F1
            Too wide,W1,surprise
            """;

        var outcome = await ImportAsync(server, "/import/Opportunity", csv);
        Assert.Equal(2, outcome.Count("rowsRead"));
        Assert.Equal(1, outcome.Count("created"));
        Assert.Equal(1, outcome.Count("failed"));
        Assert.Equal(3L, outcome.Errors.Single().Line);
        Assert.Equal(["Fine"], Crm.Names(await OpportunitiesAsync(server)));
    }
}
