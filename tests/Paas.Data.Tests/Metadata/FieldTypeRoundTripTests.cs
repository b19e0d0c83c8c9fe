using System.Text.Json;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>Every field type can be created, and the values a client writes read back as the same canonical values.</summary>
public sealed class FieldTypeRoundTripTests
{
    private const string AccountPlaceholder = "$account";

    public static TheoryData<DatabaseProvider, FieldType> AllTypes =>
        Providers.Cross(Enum.GetValues<FieldType>().Where(t => t is not (FieldType.Id or FieldType.Formula or FieldType.Rollup)));

    [Theory]
    [MemberData(nameof(AllTypes))]
    public async Task Field_of_each_type_is_created_and_its_values_round_trip(DatabaseProvider provider, FieldType type)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        var accountId = await t.InsertAsync("Account", """{"name": "Acme"}""");
        await t.CreateObjectAsync("Sample");
        var (configure, inputs, expected) = Case(type);

        var field = await t.CreateFieldAsync("Sample", "value", type, configure);

        Assert.Equal(type, field.Type);
        Assert.Equal(type, (await t.FieldAsync("Sample", "value"))!.Type);
        var ids = new List<Guid>();
        foreach (var input in inputs)
        {
            var row = new Dictionary<string, object?> { ["name"] = "row" + ids.Count };
            if (type != FieldType.AutoNumber)
            {
                row["value"] = input is AccountPlaceholder ? accountId.ToString() : input;
            }

            ids.Add(await t.InsertAsync("Sample", row));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var stored = (await t.RequireAsync("Sample", ids[i]))["value"];
            var want = expected[i] is AccountPlaceholder ? accountId : expected[i];
            AssertCanonicalEqual(want, stored);
        }

        // The values are also what a list (with its cursor encoding) reads back.
        var page = await t.ListAsync("Sample", orderBy: type is FieldType.MultiPicklist or FieldType.Json or FieldType.LongText ? "name" : "value, name");
        Assert.Equal(ids.Count, page.Rows.Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_created_with_every_field_type_at_once_stores_a_full_record(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        var accountId = await t.InsertAsync("Account", """{"name": "Acme"}""");
        await t.CreateObjectAsync("Sample");
        var row = new Dictionary<string, object?> { ["name"] = "all" };
        var expected = new Dictionary<string, object?>();
        foreach (var type in Enum.GetValues<FieldType>().Where(t => t is not (FieldType.Id or FieldType.Formula or FieldType.Rollup)))
        {
            var apiName = "f" + type;
            var (configure, inputs, wanted) = Case(type);
            await t.CreateFieldAsync("Sample", apiName, type, configure);
            if (type != FieldType.AutoNumber)
            {
                row[apiName] = inputs[0] is AccountPlaceholder ? accountId.ToString() : inputs[0];
            }

            expected[apiName] = wanted[0] is AccountPlaceholder ? accountId : wanted[0];
        }

        var id = await t.InsertAsync("Sample", row);

        var stored = await t.RequireAsync("Sample", id);
        foreach (var (apiName, want) in expected)
        {
            AssertCanonicalEqual(want, stored[apiName]);
        }

        Assert.Equal(1L, stored["version"]);
        Assert.Equal(id, stored["id"]);
        Assert.Equal(t.Caller.UserId, stored["ownerId"]);
        Assert.IsType<DateTimeOffset>(stored["createdAt"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Extreme_values_round_trip_sort_and_filter(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Sample");
        await t.CreateFieldAsync("Sample", "whole", FieldType.Integer);
        await t.CreateFieldAsync("Sample", "money", FieldType.Currency, f => f with { Precision = 18, Scale = 2 });
        await t.CreateFieldAsync("Sample", "fraction", FieldType.Number, f => f with { Precision = 18, Scale = 18 });
        await t.CreateFieldAsync("Sample", "day", FieldType.Date);
        await t.CreateFieldAsync("Sample", "moment", FieldType.DateTime);
        var low = await t.InsertAsync("Sample", Json.Map("""
            {"name": "low", "whole": -9223372036854775808, "money": -9999999999999999.99, "fraction": -0.999999999999999999,
             "day": "0001-01-01", "moment": "0001-01-01T00:00:00Z"}
            """));
        var high = await t.InsertAsync("Sample", Json.Map("""
            {"name": "high", "whole": 9223372036854775807, "money": 9999999999999999.99, "fraction": 0.999999999999999999,
             "day": "9999-12-31", "moment": "9999-12-31T23:59:59.999999Z"}
            """));
        var mid = await t.InsertAsync("Sample", Json.Map("""{"name": "mid", "whole": 0, "money": 0, "fraction": 0, "day": "2000-01-01", "moment": "2000-01-01T00:00:00Z"}"""));

        var lowRow = await t.RequireAsync("Sample", low);
        var highRow = await t.RequireAsync("Sample", high);
        Assert.Equal((long.MinValue, -9999999999999999.99m, -0.999999999999999999m, DateOnly.MinValue), (lowRow["whole"], lowRow["money"], lowRow["fraction"], lowRow["day"]));
        Assert.Equal((long.MaxValue, 9999999999999999.99m, 0.999999999999999999m, DateOnly.MaxValue), (highRow["whole"], highRow["money"], highRow["fraction"], highRow["day"]));
        Assert.Equal(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), lowRow["moment"]);
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), highRow["moment"]);
        foreach (var field in new[] { "whole", "money", "fraction", "day", "moment" })
        {
            Assert.Equal([low, mid, high], (await t.ListAsync("Sample", orderBy: field)).Rows.Select(r => (Guid)r.Values["id"]!));
            Assert.Equal([high, mid, low], (await t.ListAsync("Sample", orderBy: field + " desc")).Rows.Select(r => (Guid)r.Values["id"]!));
        }

        Assert.Equal(["high"], await t.NamesAsync("Sample", """{"whole": {"gt": 9223372036854775806}}"""));
        Assert.Equal(["low"], await t.NamesAsync("Sample", """{"money": {"lt": -9999999999999999.98}}"""));
        Assert.Equal(["high", "mid"], await t.NamesAsync("Sample", """{"moment": {"gt": "0001-01-01T00:00:00.000001Z"}}"""));
        Assert.Equal(["low", "mid"], await t.NamesAsync("Sample", """{"day": {"lt": "9999-12-31"}}"""));
    }

    /// <summary>Field options, the values written (one record each) and the canonical values expected back.</summary>
    private static (Func<FieldInput, FieldInput>? Configure, object?[] Inputs, object?[] Expected) Case(FieldType type) => type switch
    {
        FieldType.Text => (null, ["Hello, wörld ✓", "  spaced  ", "42"], ["Hello, wörld ✓", "  spaced  ", "42"]),
        FieldType.LongText => (null, [new string('x', 20_000) + "\nline two"], [new string('x', 20_000) + "\nline two"]),
        FieldType.Email => (null, ["ada.lovelace@example.com"], ["ada.lovelace@example.com"]),
        FieldType.Phone => (null, ["+44 (20) 7946-0958"], ["+44 (20) 7946-0958"]),
        FieldType.Url => (null, ["https://example.com/path?q=1&r=%20"], ["https://example.com/path?q=1&r=%20"]),
        FieldType.Integer => (null, [9_007_199_254_740_993L, 0L, -17L, "123"], [9_007_199_254_740_993L, 0L, -17L, 123L]),
        FieldType.Number => (f => f with { Precision = 18, Scale = 4 }, [12345.6789m, -0.0001m, 7L, "3.5"], [12345.6789m, -0.0001m, 7m, 3.5m]),
        FieldType.Currency => (f => f with { Precision = 18, Scale = 2 }, [1234567.89m, 0.1m, -5m], [1234567.89m, 0.1m, -5m]),
        FieldType.Percent => (null, [12.5m, 100L, 0.01m], [12.5m, 100m, 0.01m]),
        FieldType.Boolean => (null, [true, false, "true"], [true, false, true]),
        FieldType.Date => (null, ["2024-02-29", "1999-12-31"], [new DateOnly(2024, 2, 29), new DateOnly(1999, 12, 31)]),
        FieldType.DateTime => (null,
            ["2024-03-01T10:20:30.123456Z", "2024-03-01T12:20:30+02:00"],
            [new DateTimeOffset(2024, 3, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1_234_560), new DateTimeOffset(2024, 3, 1, 10, 20, 30, TimeSpan.Zero)]),
        FieldType.Picklist => (f => f with { Values = ["Draft", "Sent", "Paid"] }, ["Sent", "Paid"], ["Sent", "Paid"]),
        FieldType.MultiPicklist => (f => f with { Values = ["Red", "Green", "Blue"] },
            [new List<object?> { "Blue", "Red" }, "Green;Blue", new List<object?> { "Green" }],
            [new[] { "Red", "Blue" }, new[] { "Green", "Blue" }, new[] { "Green" }]),
        FieldType.Lookup => (f => f with { Target = "Account" }, [AccountPlaceholder, null], [AccountPlaceholder, null]),
        FieldType.MasterDetail => (f => f with { Target = "Account" }, [AccountPlaceholder], [AccountPlaceholder]),
        FieldType.AutoNumber => (f => f with { DisplayFormat = "S-{000}" }, [null, null], ["S-001", "S-002"]),
        FieldType.Json => (null,
            ["""{"b": [1, 2.5, {"c": null}], "a": "x", "t": true}""", "[]", "\"just text\""],
            [Json.Element("""{"a": "x", "b": [1, 2.5, {"c": null}], "t": true}"""), Json.Element("[]"), Json.Element("\"just text\"")]),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static void AssertCanonicalEqual(object? expected, object? actual)
    {
        switch (expected)
        {
            case JsonElement json:
                var element = Assert.IsType<JsonElement>(actual);
                Assert.True(JsonElement.DeepEquals(json, element), $"Expected {json.GetRawText()} but got {element.GetRawText()}");
                break;
            case string[] items:
                Assert.Equal(items, Assert.IsType<string[]>(actual));
                break;
            case null:
                Assert.Null(actual);
                break;
            default:
                Assert.Equal(expected.GetType(), actual?.GetType());
                Assert.Equal(expected, actual);
                break;
        }
    }
}
