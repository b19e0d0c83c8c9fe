using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Query;

/// <summary>orderBy: several keys, ties broken by id, NULLs last ascending and first descending, every sortable type.</summary>
public sealed class OrderingTests(SharedRows shared) : IClassFixture<SharedRows>
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Multi_key_order_breaks_ties_by_id(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);

        foreach (var order in new[] { "status, qty desc", "flag desc, status", "status", "qty, price desc", "status, id desc" })
        {
            var page = await t.ListAsync("Row", orderBy: order, first: 100);
            Assert.Equal(Rows.Expected(page.Rows.Select(r => r.Values), order), page.Rows.Select(r => (Guid)r.Values["id"]!));
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Nulls_sort_last_ascending_and_first_descending(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Row");
        await t.CreateFieldAsync("Row", "qty", FieldType.Integer);
        await t.CreateFieldAsync("Row", "label", FieldType.Text);
        await t.InsertAsync("Row", """{"name": "two", "qty": 2, "label": "b"}""");
        await t.InsertAsync("Row", """{"name": "empty"}""");
        await t.InsertAsync("Row", """{"name": "minus", "qty": -1, "label": "a"}""");
        await t.InsertAsync("Row", """{"name": "ten", "qty": 10, "label": "c"}""");

        Assert.Equal(["minus", "two", "ten", "empty"], await NamesAsync(t, "qty"));
        Assert.Equal(["empty", "ten", "two", "minus"], await NamesAsync(t, "qty desc"));
        Assert.Equal(["minus", "two", "ten", "empty"], await NamesAsync(t, "label"));
        Assert.Equal(["empty", "ten", "two", "minus"], await NamesAsync(t, "label desc"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Every_sortable_type_sorts_by_value_not_by_its_stored_text(DatabaseProvider provider)
    {
        var t = await shared.GetAsync(provider);

        foreach (var order in new[] { "name", "qty", "price", "price desc", "due", "stamp desc", "flag", "status desc", "id", "id desc", "createdAt, name" })
        {
            var page = await t.ListAsync("Row", orderBy: order, first: 100);
            Assert.Equal(Rows.Expected(page.Rows.Select(r => r.Values), order), page.Rows.Select(r => (Guid)r.Values["id"]!));
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Numbers_sort_numerically_across_signs_and_magnitudes(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Row");
        await t.CreateFieldAsync("Row", "amount", FieldType.Currency, f => f with { Precision = 18, Scale = 2 });
        await t.CreateFieldAsync("Row", "units", FieldType.Integer);
        decimal[] amounts = [100m, -0.01m, 9.99m, -100m, 0m, 1_000_000_000_000m, 10m, -9.5m];
        await t.InsertManyAsync("Row", amounts.Select((a, i) => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["name"] = "r" + i, ["amount"] = a, ["units"] = (long)(a * 100),
        }).ToList());

        var byAmount = await t.ListAsync("Row", orderBy: "amount");
        var byCount = await t.ListAsync("Row", orderBy: "units desc");

        Assert.Equal(amounts.Order(), byAmount.Rows.Select(r => (decimal)r.Values["amount"]!));
        Assert.Equal(amounts.Select(a => (long)(a * 100)).OrderDescending(), byCount.Rows.Select(r => (long)r.Values["units"]!));
    }

    private static async Task<IReadOnlyList<string>> NamesAsync(TestTenant t, string order) =>
        (await t.ListAsync("Row", orderBy: order)).Rows.Select(r => (string)r.Values["name"]!).ToList();
}

/// <summary>A "Row" object with nullable, duplicated values of several sortable types, and the order the contract expects.</summary>
public static class Rows
{
    public static async Task<TestTenant> CreateAsync(DatabaseProvider provider, int count)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Row");
        await t.CreateFieldAsync("Row", "qty", FieldType.Integer);
        await t.CreateFieldAsync("Row", "price", FieldType.Number, f => f with { Precision = 12, Scale = 3 });
        await t.CreateFieldAsync("Row", "due", FieldType.Date);
        await t.CreateFieldAsync("Row", "stamp", FieldType.DateTime);
        await t.CreateFieldAsync("Row", "flag", FieldType.Boolean);
        await t.CreateFieldAsync("Row", "status", FieldType.Picklist, f => f with { Values = ["Open", "Closed", "Held"] });
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["name"] = "row" + ((i * 17) % count).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
            ["qty"] = i % 5 == 0 ? null : (long)((i * 7) % 11) - 3,
            ["price"] = i % 4 == 1 ? null : ((i * 13) % 9) * 1.125m - 4m,
            ["due"] = i % 6 == 2 ? null : DateOnly.FromDateTime(start.AddDays((i * 5) % 13).UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["stamp"] = i % 7 == 3 ? null : start.AddMinutes((i * 37) % 23).AddTicks(i % 3 * 10).ToString("O"),
            ["flag"] = i % 3 == 0 ? null : i % 2 == 0,
            ["status"] = i % 4 == 0 ? null : new[] { "Open", "Closed", "Held" }[i % 3],
        }).ToList();
        for (var offset = 0; offset < rows.Count; offset += 10)
        {
            await t.InsertManyAsync("Row", rows.Skip(offset).Take(10).ToList());
        }

        return t;
    }

    /// <summary>
    /// The ids in the order <paramref name="orderBy"/> asks for: each key ascending with NULLs last or descending with NULLs first,
    /// then the id (ascending unless the order names it).
    /// </summary>
    public static IReadOnlyList<Guid> Expected(IEnumerable<IReadOnlyDictionary<string, object?>> rows, string orderBy)
    {
        var keys = orderBy.Split(',', StringSplitOptions.TrimEntries).Select(part => part.Split(' ')).Select(w => (Field: w[0], Desc: w.Length > 1)).ToList();
        if (keys.All(k => k.Field != "id"))
        {
            keys.Add(("id", false));
        }

        var list = rows.ToList();
        list.Sort((a, b) =>
        {
            foreach (var (field, desc) in keys)
            {
                var result = CompareNullsLargest(a[field], b[field]);
                if (result != 0)
                {
                    return desc ? -result : result;
                }
            }

            return 0;
        });
        return list.Select(r => (Guid)r["id"]!).ToList();
    }

    private static int CompareNullsLargest(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        (string x, string y) => string.CompareOrdinal(x, y),
        (Guid x, Guid y) => string.CompareOrdinal(x.ToString(), y.ToString()),
        (IComparable x, _) => x.CompareTo(b),
        _ => throw new InvalidOperationException("Not comparable."),
    };
}
