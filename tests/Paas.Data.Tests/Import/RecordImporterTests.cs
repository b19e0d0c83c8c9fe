using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Import;
using Paas.Data.Query;
using Paas.Data.Storage;
using Paas.Testing;
using FieldType = Paas.Core.Metadata.FieldType;

namespace Paas.Data.Tests.Import;

/// <summary>
/// <see cref="RecordImporter"/> on each provider: batches through the write pipeline, every row either in or reported
/// with its line and field, upserts on a unique field, and the error file written by <see cref="ImportErrorFile"/>.
/// </summary>
public sealed class RecordImporterTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A tenant with <c>Contact</c> (email EMAIL, age INTEGER, code TEXT unique, score NUMBER(5,1), company → Company).</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(TestDatabase db, TenantInfo tenant)
        {
            Db = db;
            Tenant = tenant;
            Caller = new Caller(tenant, Guid.NewGuid(), "importer-test");
        }

        public TestDatabase Db { get; }
        public TenantInfo Tenant { get; }
        public Caller Caller { get; }
        public IDatabaseConnector Connector => Db.Services.GetRequiredService<IDatabaseConnector>();
        public RecordImporter Importer => Db.Services.GetRequiredService<RecordImporter>();

        public static async Task<Fixture> CreateAsync(DatabaseProvider provider)
        {
            var db = await TestDatabase.CreateAsync(provider);
            try
            {
                var (tenant, _) = await db.CreateTenantAsync();
                var fixture = new Fixture(db, tenant);
                var m = db.Metadata;
                await m.CreateObjectAsync(tenant, new ObjectInput { ApiName = "Company", Label = "Company" }, None);
                await m.CreateObjectAsync(tenant, new ObjectInput { ApiName = "Contact", Label = "Contact" }, None);
                await m.CreateFieldAsync(tenant, new FieldInput { Object = "Contact", ApiName = "email", Label = "Email", Type = FieldType.Email }, None);
                await m.CreateFieldAsync(tenant, new FieldInput { Object = "Contact", ApiName = "age", Label = "Age", Type = FieldType.Integer }, None);
                await m.CreateFieldAsync(tenant, new FieldInput { Object = "Contact", ApiName = "code", Label = "Code", Type = FieldType.Text, Unique = true, MaxLength = 20 }, None);
                await m.CreateFieldAsync(tenant, new FieldInput { Object = "Contact", ApiName = "score", Label = "Score", Type = FieldType.Number, Precision = 5, Scale = 1 }, None);
                await m.CreateFieldAsync(tenant, new FieldInput { Object = "Contact", ApiName = "company", Label = "Company", Type = FieldType.Lookup, Target = "Company" }, None);
                return fixture;
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public async Task<(ImportResult Result, List<ImportProgress> Progress, string ErrorCsv, int ErrorRows)> ImportAsync(
            string csv, int batchSize = 1000, string? matchOn = null, string objectName = "Contact")
        {
            var metadata = await Db.Metadata.GetAsync(Tenant, None);
            var definition = metadata.FindObject(objectName)!;
            var progress = new List<ImportProgress>();
            var errors = new StringWriter { NewLine = "\n" };
            var errorFile = new ImportErrorFile(errors);
            var result = await Importer.ImportAsync(Caller, metadata, definition, new StringReader(csv), matchOn is null ? null : definition.FindField(matchOn), batchSize,
                p =>
                {
                    progress.Add(p);
                    return Task.CompletedTask;
                },
                errorFile.WriteAsync, None);
            return (result, progress, errors.ToString(), errorFile.Rows);
        }

        /// <summary>Every record of the object, ordered by name, as name → field values.</summary>
        public async Task<List<IReadOnlyDictionary<string, object?>>> RecordsAsync(string objectName = "Contact", params string[] fields)
        {
            var metadata = await Db.Metadata.GetAsync(Tenant, None);
            var definition = metadata.FindObject(objectName)!;
            var all = new[] { SystemFields.Name, SystemFields.Version, SystemFields.CreatedBy }.Concat(fields).Select(f => definition.FindField(f)!).ToList();
            var selected = all.Where(f => !f.Type.IsRelation()).Prepend(definition.IdField).ToList();
            var relations = all.Where(f => f.Type.IsRelation()).Select(f => new RelationSelection(f, RecordSelection.IdOnly(metadata.FindObject(f.Target!)!))).ToList();
            await using var connection = await Connector.OpenAsync(Tenant, None);
            await using var session = new TenantSession(Tenant, connection, Connector.Dialect, metadata);
            var page = await RecordQueryExecutor.ListAsync(session, new ListRequest
            {
                Selection = new RecordSelection(definition, selected, relations),
                OrderBy = [new SortKey(definition.FindField(SystemFields.Name)!, false)],
                First = 500,
            }, None);
            return page.Rows.Select(r => r.Values).ToList();
        }

        public async Task<long> CountAsync(string objectName = "Contact")
        {
            var metadata = await Db.Metadata.GetAsync(Tenant, None);
            var definition = metadata.FindObject(objectName)!;
            await using var connection = await Connector.OpenAsync(Tenant, None);
            await using var session = new TenantSession(Tenant, connection, Connector.Dialect, metadata);
            var page = await RecordQueryExecutor.ListAsync(session, new ListRequest
            {
                Selection = RecordSelection.IdOnly(definition),
                IncludeRows = false,
                IncludeTotalCount = true,
            }, None);
            return page.TotalCount!.Value;
        }

        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private static List<string?> Names(IEnumerable<IReadOnlyDictionary<string, object?>> records) =>
        records.Select(r => (string?)r[SystemFields.Name]).ToList();

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Good_rows_go_in_bad_rows_are_reported_and_the_error_file_lists_them(DatabaseProvider provider)
    {
        await using var fx = await Fixture.CreateAsync(provider);
        const string csv = "name,email,age,code,score\n"
                         + "Ann,ann@example.com,31,A1,4.5\n"
                         + "Bob,not-an-email,x,B1,1.25\n"
                         + "Cy,cy@example.com,,C1,\n"
                         + ",nobody@example.com,5,D1,2\n"
                         + "\"Eve, the second\",eve@example.com,44,E1,9999.9\n";

        var (result, progress, errorCsv, errorRows) = await fx.ImportAsync(csv, batchSize: 2);
        Assert.Equal("Contact", result.Object);
        Assert.Equal(5, result.RowsRead);
        Assert.Equal(3, result.Created);
        Assert.Equal(0, result.Updated);
        Assert.Equal(2, result.Failed);
        Assert.Equal([(3L, "age"), (3L, "email"), (3L, "score"), (5L, "name")],
            result.Errors.Select(e => (e.Line, e.Field)).OrderBy(e => e.Line).ThenBy(e => e.Field, StringComparer.Ordinal).ToList());
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.Equal([(2L, 1L, 1L), (4L, 2L, 2L)], progress.Select(p => (p.RowsRead, p.Created, p.Failed)).ToList());

        Assert.Equal(2, errorRows);
        var lines = errorCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("line,errors,name,email,age,code,score", lines[0]);
        Assert.StartsWith("3,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",Bob,not-an-email,x,B1,1.25", lines[1], StringComparison.Ordinal);
        Assert.Contains("email: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("age: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("score: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("5,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",,nobody@example.com,5,D1,2", lines[2], StringComparison.Ordinal);

        var records = await fx.RecordsAsync("Contact", "email", "age", "code", "score");
        Assert.Equal(["Ann", "Cy", "Eve, the second"], Names(records));
        Assert.Equal(31L, records[0]["age"]);
        Assert.Equal(4.5m, records[0]["score"]);
        Assert.Null(records[1]["age"]);
        Assert.Null(records[1]["score"]);
        Assert.Equal(9999.9m, records[2]["score"]);
        Assert.All(records, r => Assert.Equal(1L, r[SystemFields.Version]));
        Assert.All(records, r => Assert.Equal(fx.Caller.UserId, r[SystemFields.CreatedBy]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_batch_that_fails_on_write_is_retried_row_by_row(DatabaseProvider provider)
    {
        await using var fx = await Fixture.CreateAsync(provider);
        await fx.ImportAsync("name,code\nOld,TAKEN\n", objectName: "Contact");
        var company = await fx.ImportAsync("name\nInitech\n", objectName: "Company");
        Assert.Equal(1, company.Result.Created);
        var companyId = (Guid)(await fx.RecordsAsync("Company"))[0][SystemFields.Id]!;

        var csv = "name,code,company\n"
                + $"Linked,L1,{companyId}\n"
                + $"Dangling,L2,{Guid.CreateVersion7()}\n"
                + "Dup A,SAME,\n"
                + "Dup B,SAME,\n"
                + "Clash,TAKEN,\n"
                + "Last,L3,\n"
                + "Malformed,L4,not-a-uuid\n";

        var (result, _, errorCsv, errorRows) = await fx.ImportAsync(csv, batchSize: 3);
        Assert.Equal(7, result.RowsRead);
        Assert.Equal(3, result.Created);
        Assert.Equal(4, result.Failed);
        Assert.Equal([(3L, "company"), (5L, "code"), (6L, "code"), (8L, "company")], result.Errors.Select(e => (e.Line, e.Field)).OrderBy(e => e.Line).ToList());
        Assert.Equal(4, errorRows);
        Assert.Contains("Dup B,SAME,", errorCsv, StringComparison.Ordinal);

        var records = await fx.RecordsAsync("Contact", "code", "company");
        Assert.Equal(["Dup A", "Last", "Linked", "Old"], Names(records));
        Assert.Equal(companyId, ((IReadOnlyDictionary<string, object?>)records[2]["company"]!)[SystemFields.Id]);
        Assert.Null(records[0]["company"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_matches_on_a_unique_field(DatabaseProvider provider)
    {
        await using var fx = await Fixture.CreateAsync(provider);
        await fx.ImportAsync("name,code,age\nOld A,A,1\nOld B,B,2\n");

        var (result, _, _, _) = await fx.ImportAsync("code,name,age\nA,New A,10\nC,New C,30\nB,New B,20\nC,Newer C,31\n,No code,0\n", batchSize: 2, matchOn: "code");
        Assert.Equal(5, result.RowsRead);
        Assert.Equal(1, result.Created);
        Assert.Equal(3, result.Updated);
        Assert.Equal(1, result.Failed);
        Assert.Equal(6L, result.Errors.Single().Line);

        var records = await fx.RecordsAsync("Contact", "code", "age");
        Assert.Equal(["New A", "New B", "Newer C"], Names(records));
        Assert.Equal([10L, 20L, 31L], records.Select(r => r["age"]).ToList());
        Assert.Equal([2L, 2L, 2L], records.Select(r => r[SystemFields.Version]).ToList());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task A_bad_header_is_refused_before_anything_is_written(DatabaseProvider provider)
    {
        await using var fx = await Fixture.CreateAsync(provider);

        var unknown = await Assert.ThrowsAsync<PaasException>(() => fx.ImportAsync("name,shoeSize,email,version\nA,44,a@example.com,3\n"));
        Assert.Equal(ErrorCodes.ValidationFailed, unknown.Code);
        Assert.Equal(["header[1]", "header[3]"], unknown.FieldErrors.Select(e => e.Field).Order(StringComparer.Ordinal).ToList());

        var twice = await Assert.ThrowsAsync<PaasException>(() => fx.ImportAsync("name,email,email\nA,a@example.com,b@example.com\n"));
        Assert.Equal(["header[2]"], twice.FieldErrors.Select(e => e.Field).ToList());

        var empty = await Assert.ThrowsAsync<PaasException>(() => fx.ImportAsync(""));
        Assert.Equal(ErrorCodes.ValidationFailed, empty.Code);

        // Header names are trimmed.
        var trimmed = await fx.ImportAsync(" name , email \nTrim,trim@example.com\n");
        Assert.Equal(1, trimmed.Result.Created);
        Assert.Equal(["Trim"], Names(await fx.RecordsAsync()));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Blank_lines_are_skipped_and_line_numbers_follow_the_file(DatabaseProvider provider)
    {
        await using var fx = await Fixture.CreateAsync(provider);
        var csv = "name,email\r\n\r\nOne,one@example.com\r\n\"Two\r\nlines\",bad\r\n\r\nThree,three@example.com\r\n";

        var (result, _, errorCsv, _) = await fx.ImportAsync(csv, batchSize: 1);
        Assert.Equal(3, result.RowsRead);
        Assert.Equal(2, result.Created);
        Assert.Equal((4L, "email"), (result.Errors.Single().Line, result.Errors.Single().Field));
        Assert.Contains("\"Two\r\nlines\",bad", errorCsv, StringComparison.Ordinal);
        Assert.Equal(["One", "Three"], Names(await fx.RecordsAsync()));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Many_rows_in_batches_count_up_and_errors_are_capped(DatabaseProvider provider)
    {
        await using var fx = await Fixture.CreateAsync(provider);
        var csv = new System.Text.StringBuilder("name,age\n");
        for (var i = 0; i < 2_500; i++)
        {
            csv.Append($"P{i:D4},{(i % 2 == 0 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "odd")}\n");
        }

        var (result, progress, _, errorRows) = await fx.ImportAsync(csv.ToString(), batchSize: 1000);
        Assert.Equal(2_500, result.RowsRead);
        Assert.Equal(1_250, result.Created);
        Assert.Equal(1_250, result.Failed);
        Assert.Equal(RecordImporter.MaxReportedErrors, result.Errors.Count);
        Assert.Equal(1_250, errorRows);
        Assert.Equal([1_000L, 2_000L], progress.Select(p => p.RowsRead).ToList());
        Assert.Equal(1_250, await fx.CountAsync());
    }

    [Fact]
    public async Task The_error_file_escapes_values_and_stops_at_its_maximum()
    {
        var writer = new StringWriter { NewLine = "\n" };
        var file = new ImportErrorFile(writer, maxRows: 2);
        string[] header = ["name", "notes"];
        await file.WriteAsync(new FailedRow(header, 2, ["A, B", "say \"x\""], [new ImportRowError(2, "notes", "Too long, really.")]));
        await file.WriteAsync(new FailedRow(header, 7, ["C", "multi\nline"], [new ImportRowError(7, "name", "Bad."), new ImportRowError(7, "notes", "Worse.")]));
        await file.WriteAsync(new FailedRow(header, 9, ["D", ""], [new ImportRowError(9, "name", "Dropped.")]));

        Assert.Equal(2, file.Rows);
        Assert.Equal(
            "line,errors,name,notes\n"
            + "2,\"notes: Too long, really.\",\"A, B\",\"say \"\"x\"\"\"\n"
            + "7,name: Bad.; notes: Worse.,C,\"multi\nline\"\n",
            writer.ToString());

        var empty = new StringWriter();
        Assert.Equal(0, new ImportErrorFile(empty).Rows);
        Assert.Equal("", empty.ToString());
    }
}
