using System.Buffers.Text;
using System.Text;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Query;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Query;

/// <summary>Keyset paging with opaque cursors, forwards and backwards, and its limits.</summary>
public sealed class PagingTests(SharedRows shared) : IClassFixture<SharedRows>
{
    private const int RowCount = 57;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Paging_forward_and_backward_visits_every_row_once_in_order(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);

        foreach (var order in new[] { "name", "qty", "qty desc", "price desc, due", "flag, stamp desc", "status desc, qty, price" })
        {
            var all = await t.ListAsync("Row", orderBy: order, first: 500);
            var expected = Rows.Expected(all.Rows.Select(r => r.Values), order);
            Assert.Equal(RowCount, expected.Count);
            foreach (var size in new[] { 1, 7, 50 })
            {
                Assert.Equal(expected, await ForwardAsync(t, order, size));
                Assert.Equal(expected, await BackwardAsync(t, order, size));
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Paging_with_a_filter_visits_exactly_the_matching_rows(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);
        var filter = Json.Map("""{"or": [{"qty": {"gte": 2}}, {"qty": {"isNull": true}}]}""");

        var all = await t.ListAsync("Row", filter, orderBy: "qty desc", first: 500, totalCount: true);
        var expected = Rows.Expected(all.Rows.Select(r => r.Values), "qty desc");

        Assert.Equal(all.TotalCount, expected.Count);
        Assert.Equal(expected, await ForwardAsync(t, "qty desc", 4, filter));
        Assert.Equal(expected, await BackwardAsync(t, "qty desc", 4, filter));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Page_info_tells_whether_more_rows_exist(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);

        var first = await t.ListAsync("Row", orderBy: "name", first: 25);
        var middle = await t.ListAsync("Row", orderBy: "name", first: 25, after: first.Rows[^1].Cursor);
        var last = await t.ListAsync("Row", orderBy: "name", first: 25, after: middle.Rows[^1].Cursor);
        var exact = await t.ListAsync("Row", orderBy: "name", first: RowCount);
        var tail = await t.ListAsync("Row", orderBy: "name", last: 3);

        Assert.Equal((25, true, false), (first.Rows.Count, first.HasNextPage, first.HasPreviousPage));
        Assert.Equal((25, true, true), (middle.Rows.Count, middle.HasNextPage, middle.HasPreviousPage));
        Assert.Equal((7, false, true), (last.Rows.Count, last.HasNextPage, last.HasPreviousPage));
        Assert.Equal((RowCount, false), (exact.Rows.Count, exact.HasNextPage));
        Assert.Equal((3, true, false), (tail.Rows.Count, tail.HasPreviousPage, tail.HasNextPage));
        Assert.Equal(["row54", "row55", "row56"], tail.Rows.Select(r => r.Values["name"]));
        Assert.Equal(["row00", "row01", "row02", "row03"], first.Rows.Take(4).Select(r => r.Values["name"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Default_page_is_50_and_the_maximum_500(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);

        var defaultPage = await t.ListAsync("Row");
        var maxPage = await t.ListAsync("Row", first: QueryLimits.MaxPageSize);
        var error = await Refused.WithAsync(ErrorCodes.LimitExceeded, () => t.ListAsync("Row", first: 501));
        await Refused.WithAsync(ErrorCodes.LimitExceeded, () => t.ListAsync("Row", last: 501));

        Assert.Equal((50, true), (defaultPage.Rows.Count, defaultPage.HasNextPage));
        Assert.Equal((RowCount, false), (maxPage.Rows.Count, maxPage.HasNextPage));
        Assert.Equal("maxPageSize", error.Limit);
        await Refused.ValidationAsync(() => t.ListAsync("Row", first: -1), "first");
        await Refused.ValidationAsync(() => t.ListAsync("Row", first: 2, last: 2), "first");
        Assert.Empty((await t.ListAsync("Row", first: 0)).Rows);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Cursor_from_another_order_is_refused(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);
        var byQty = await t.ListAsync("Row", orderBy: "qty", first: 3);
        var cursor = byQty.Rows[^1].Cursor;

        await Refused.ValidationAsync(() => t.ListAsync("Row", orderBy: "name", first: 3, after: cursor), "after");
        await Refused.ValidationAsync(() => t.ListAsync("Row", orderBy: "qty desc", first: 3, after: cursor), "after");
        await Refused.ValidationAsync(() => t.ListAsync("Row", orderBy: "qty, price", first: 3, after: cursor), "after");
        await Refused.ValidationAsync(() => t.ListAsync("Row", first: 3, after: cursor), "after");
        await Refused.ValidationAsync(() => t.ListAsync("Row", orderBy: "name", last: 3, before: cursor), "before");
        Assert.Equal(3, (await t.ListAsync("Row", orderBy: "qty", first: 3, after: cursor)).Rows.Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Tampered_or_garbage_cursor_is_refused(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);
        var cursor = (await t.ListAsync("Row", orderBy: "qty", first: 3)).Rows[^1].Cursor;
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var bad = new[]
        {
            cursor[..^2],
            cursor + "!!",
            "not a cursor",
            "",
            new string('A', 5000),
            Encode("{}"),
            Encode("[]"),
            Encode("null"),
            Encode("""{"o": 1, "v": []}"""),
            Encode("""{"o": "qty+,id+", "v": [1]}"""),
            Encode("""{"o": "qty+,id+", "v": [1, 2, 3]}"""),
            Encode("""{"o": "qty+,id+", "v": ["x'; DROP TABLE o_row; --", "00000000-0000-0000-0000-000000000000"]}"""),
            Encode("""{"o": "qty+,id+", "v": [1, "not-a-guid"]}"""),
            Encode("""{"o": "qty+,id+", "v": [{"a": 1}, "00000000-0000-0000-0000-000000000000"]}"""),
            Encode(new string('[', 2000)),
            payload.Replace("qty+", "qty-", StringComparison.Ordinal) is var flipped && flipped != payload ? Encode(flipped) : "x",
        };

        foreach (var tampered in bad)
        {
            await Refused.ValidationAsync(() => t.ListAsync("Row", orderBy: "qty", first: 3, after: tampered), "after");
        }

        Assert.Equal(RowCount, await t.CountAsync("Row"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Rows_inserted_before_the_cursor_neither_repeat_nor_shift_the_next_page(DatabaseProvider provider)
    {
        await using var t = await Rows.CreateAsync(provider, 10);
        var first = await t.ListAsync("Row", orderBy: "name", first: 5);

        await t.InsertNamedAsync("Row", ["aaa", "row025"]);
        var second = await t.ListAsync("Row", orderBy: "name", first: 5, after: first.Rows[^1].Cursor);

        Assert.Equal(["row00", "row01", "row02", "row03", "row04"], first.Rows.Select(r => r.Values["name"]));
        Assert.Equal(["row05", "row06", "row07", "row08", "row09"], second.Rows.Select(r => r.Values["name"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Cursor_of_a_deleted_row_still_continues_after_its_position(DatabaseProvider provider)
    {
        await using var t = await Rows.CreateAsync(provider, 10);
        var first = await t.ListAsync("Row", orderBy: "qty desc", first: 4);
        var expected = (await t.ListAsync("Row", orderBy: "qty desc", first: 100)).Rows.Skip(4).Select(r => r.Values["id"]).ToList();

        await t.DeleteAsync("Row", (Guid)first.Rows[^1].Values["id"]!);
        var rest = await t.ListAsync("Row", orderBy: "qty desc", first: 100, after: first.Rows[^1].Cursor);

        Assert.Equal(expected, rest.Rows.Select(r => r.Values["id"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Cursor_issued_for_a_long_text_sort_key_is_accepted_back(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Row");
        await t.CreateFieldAsync("Row", "label", FieldType.Text, f => f with { MaxLength = 4000 });
        await t.InsertManyAsync("Row", Enumerable.Range(0, 6).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["name"] = "r" + i, ["label"] = new string((char)('a' + (i % 3)), 3500) + "é\"\\'" + i,
        }).ToList());

        // Text fields may hold 4000 characters and are sortable: the cursors of such a page must work as "after".
        var visited = await ForwardAsync(t, "label", 2);

        Assert.Equal(6, visited.Distinct().Count());
    }

    private static async Task<List<Guid>> ForwardAsync(TestTenant t, string order, int size, IReadOnlyDictionary<string, object?>? filter = null)
    {
        var ids = new List<Guid>();
        string? after = null;
        for (var guard = 0; guard < 1000; guard++)
        {
            var page = await t.ListAsync("Row", filter, orderBy: order, first: size, after: after);
            Assert.Equal(after is not null, page.HasPreviousPage);
            ids.AddRange(page.Rows.Select(r => (Guid)r.Values["id"]!));
            if (!page.HasNextPage)
            {
                return ids;
            }

            Assert.Equal(size, page.Rows.Count);
            after = page.Rows[^1].Cursor;
        }

        throw new InvalidOperationException("Paging did not end.");
    }

    private static async Task<List<Guid>> BackwardAsync(TestTenant t, string order, int size, IReadOnlyDictionary<string, object?>? filter = null)
    {
        var ids = new List<Guid>();
        string? before = null;
        for (var guard = 0; guard < 1000; guard++)
        {
            var page = await t.ListAsync("Row", filter, orderBy: order, last: size, before: before);
            Assert.Equal(before is not null, page.HasNextPage);
            ids.InsertRange(0, page.Rows.Select(r => (Guid)r.Values["id"]!));
            if (!page.HasPreviousPage)
            {
                return ids;
            }

            Assert.Equal(size, page.Rows.Count);
            before = page.Rows[0].Cursor;
        }

        throw new InvalidOperationException("Paging did not end.");
    }
}
