using System.Text.Json;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Query;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Security;

/// <summary>
/// Values that look like SQL, are huge, hold NUL characters or nest deeply: they are stored and matched literally,
/// or refused with a client error (never a database error, never a changed schema).
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string[] SqlLookingValues =
    [
        "'; DROP TABLE o_invoice; --",
        "\"; DROP TABLE \"o_invoice\"; --",
        "Robert'); DROP TABLE Students;--",
        "' OR '1'='1",
        "%' OR 1=1 --",
        "\\'; SELECT pg_sleep(5); --",
        "x' UNION SELECT api_name, definition FROM _paas_objects --",
        "@p0",
        "$1",
        "?",
        "\\",
        "'",
        "\"",
        "--",
        "/* comment */",
        ";",
    ];

    private static async Task<TestTenant> InvoiceTenantAsync(DatabaseProvider provider)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "memo", FieldType.Text, f => f with { Unique = true });
        await t.CreateFieldAsync("Invoice", "body", FieldType.LongText);
        await t.CreateFieldAsync("Invoice", "data", FieldType.Json);
        await t.CreateFieldAsync("Invoice", "tags", FieldType.MultiPicklist, f => f with { Values = ["a') OR 1=1 DROP TABLE o_invoice --", "plain", "x\" OR \"1\"=\"1"] });
        return t;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Sql_looking_values_are_stored_and_matched_literally(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var ids = new Dictionary<string, Guid>();
        for (var i = 0; i < SqlLookingValues.Length; i++)
        {
            var value = SqlLookingValues[i];
            ids[value] = await t.InsertAsync("Invoice", new Dictionary<string, object?>
            {
                ["name"] = "n" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), ["memo"] = value, ["body"] = value + value,
                ["data"] = JsonSerializer.Serialize(new { q = value }),
            });
        }

        var objectsBefore = await t.ObjectNamesAsync();
        foreach (var (value, id) in ids)
        {
            var row = await t.RequireAsync("Invoice", id);
            Assert.Equal(value, row["memo"]);
            Assert.Equal(value + value, row["body"]);
            Assert.Equal(value, ((JsonElement)row["data"]!).GetProperty("q").GetString());
            Assert.Equal([id], await IdsAsync(t, new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["eq"] = value } }));
            Assert.Equal([id], await IdsAsync(t, new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["in"] = new List<object?> { value, "zzz" } } }));
            Assert.Equal([id], await IdsAsync(t, new Dictionary<string, object?> { ["body"] = new Dictionary<string, object?> { ["eq"] = value + value } }));
            Assert.Contains(id, await IdsAsync(t, new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["contains"] = value } }));
            Assert.Contains(id, await IdsAsync(t, new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["startsWith"] = value } }));
            Assert.Contains(id, await IdsAsync(t, new Dictionary<string, object?> { ["body"] = new Dictionary<string, object?> { ["endsWith"] = value } }));
            Assert.Equal(SqlLookingValues.Length - 1, await t.CountAsync("Invoice", new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["neq"] = value } }));
        }

        Assert.Equal(SqlLookingValues.Length, await t.CountAsync("Invoice"));
        Assert.Equal(objectsBefore, await t.ObjectNamesAsync());
        var error = await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "dup", ["memo"] = SqlLookingValues[0] }));
        Assert.Equal("memo", Assert.Single(error.FieldErrors).Field);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Sql_looking_picklist_values_are_stored_and_matched_literally(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var evil = "a') OR 1=1 DROP TABLE o_invoice --";
        var quoted = "x\" OR \"1\"=\"1";
        var a = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["tags"] = new List<object?> { evil, "plain" } });
        var b = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "b", ["tags"] = new List<object?> { quoted } });

        Assert.Equal([evil, "plain"], (string[])(await t.RequireAsync("Invoice", a))["tags"]!);
        Assert.Equal([a], await IdsAsync(t, Json.Map("""{"tags": {"containsAny": ["@0"]}}""".With(JsonEncoded(evil)))));
        Assert.Equal([b], await IdsAsync(t, Json.Map("""{"tags": {"containsAll": ["@0"]}}""".With(JsonEncoded(quoted)))));
        Assert.Empty(await IdsAsync(t, Json.Map("""{"tags": {"containsAny": ["' OR 1=1 --"]}}""")));
        Assert.Equal(2, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unicode_text_is_stored_and_matched_exactly(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        string[] values = ["emoji 😀👍🏽", "עברית RTL", "e\u0301 combining", "日本語テキスト", "tab\tnew\nline\r", "zero\u200Bwidth"];
        var ids = new List<Guid>();
        foreach (var value in values)
        {
            ids.Add(await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = value, ["memo"] = value }));
        }

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], (await t.RequireAsync("Invoice", ids[i]))["memo"]);
            Assert.Equal([ids[i]], await IdsAsync(t, new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["eq"] = values[i] } }));
        }

        Assert.Equal([ids[0]], await IdsAsync(t, Json.Map("""{"memo": {"contains": "😀"}}""")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Huge_values_are_refused_by_their_limits(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var megabyte = new string('x', 1_000_000);

        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["memo"] = new string('m', 256) }), "memo");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = megabyte }), "name");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["body"] = new string('b', FieldTypeInfo.DefaultLongTextLength + 1) }), "body");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["data"] = JsonSerializer.Serialize(new { big = megabyte }) }), "data");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["data"] = new string('[', 100) + new string(']', 100) }), "data");
        await Refused.WithAsync(ErrorCodes.LimitExceeded, () => t.ListAsync("Invoice", new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["contains"] = megabyte } }));
        await Refused.WithAsync(ErrorCodes.LimitExceeded, () => t.ListAsync("Invoice", new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["in"] = Enumerable.Range(0, 1001).Select(i => (object?)i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList() } }));
        await Refused.ValidationAsync(() => t.ListAsync("Invoice", new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["eq"] = megabyte } }), "filter.memo.eq");

        var longest = new string('b', FieldTypeInfo.DefaultLongTextLength);
        var id = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = new string('n', 255), ["memo"] = new string('m', 255), ["body"] = longest });
        Assert.Equal(longest, (await t.RequireAsync("Invoice", id))["body"]);
        Assert.Equal(1, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_with_a_NUL_character_is_refused(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.CreateFieldAsync("Invoice", "email", FieldType.Email);

        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a\0b" }), "name");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["memo"] = "\0" }), "memo");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["body"] = "x\0" }), "body");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["email"] = "a\0@example.com" }), "email");
        await Refused.ValidationAsync(() => t.ListAsync("Invoice", new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["eq"] = "a\0" } }), "filter.memo.eq");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "a\0b", FieldType.Text), "apiName");
        await Refused.ValidationAsync(() => t.CreateObjectAsync("Bad\0Name"), "apiName");

        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Pattern_filter_with_a_NUL_character_is_a_client_error_or_matches_nothing(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.InsertAsync("Invoice", """{"name": "a", "memo": "abc"}""");

        foreach (var op in new[] { "contains", "startsWith", "endsWith" })
        {
            var filter = new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { [op] = "a\0" } };
            try
            {
                Assert.Empty((await t.ListAsync("Invoice", filter)).Rows);
            }
            catch (PaasException e)
            {
                Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Json_value_with_an_escaped_NUL_is_stored_or_refused_as_bad_input(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var json = """{"text": "a\u0000b"}""";

        try
        {
            var id = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["data"] = json });
            Assert.Equal("a\0b", ((JsonElement)(await t.RequireAsync("Invoice", id))["data"]!).GetProperty("text").GetString());
        }
        catch (PaasException e)
        {
            Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
            Assert.Equal("data", Assert.Single(e.FieldErrors).Field);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_with_an_unpaired_surrogate_is_stored_exactly_or_refused_as_bad_input(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var broken = "ab\uD800cd";

        try
        {
            var id = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["memo"] = broken });
            Assert.Equal(broken, (await t.RequireAsync("Invoice", id))["memo"]);
        }
        catch (PaasException e)
        {
            Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
            Assert.Equal("memo", Assert.Single(e.FieldErrors).Field);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Picklist_value_with_a_NUL_character_is_refused_or_usable(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        try
        {
            await t.CreateFieldAsync("Invoice", "kind", FieldType.Picklist, f => f with { Values = ["ok", "bad\0value"] });
        }
        catch (PaasException e)
        {
            Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
            return;
        }

        // Accepted as a value: then a record must be able to hold it (a NUL-free text column cannot).
        var id = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["kind"] = "bad\0value" });
        Assert.Equal("bad\0value", (await t.RequireAsync("Invoice", id))["kind"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deeply_nested_filters_hit_the_depth_limit(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.CreateFieldAsync("Invoice", "parent", FieldType.Lookup, f => f with { Target = "Invoice" });
        await t.InsertAsync("Invoice", """{"name": "a"}""");

        Dictionary<string, object?> Nest(string key, int depth, Func<Dictionary<string, object?>, object?> wrap)
        {
            var filter = new Dictionary<string, object?> { ["name"] = new Dictionary<string, object?> { ["eq"] = "a" } };
            for (var i = 0; i < depth; i++)
            {
                filter = new Dictionary<string, object?> { [key] = wrap(filter) };
            }

            return filter;
        }

        Assert.Single((await t.ListAsync("Invoice", Nest("and", QueryLimits.MaxFilterDepth, f => new List<object?> { f }))).Rows);
        Assert.Single((await t.ListAsync("Invoice", Nest("not", QueryLimits.MaxFilterDepth / 2, f => new Dictionary<string, object?> { ["not"] = f }))).Rows);
        Assert.Empty((await t.ListAsync("Invoice", Nest("parent", QueryLimits.MaxFilterDepth, f => f))).Rows);
        foreach (var filter in new[]
        {
            Nest("not", 11, f => f),
            Nest("and", 11, f => new List<object?> { f }),
            Nest("or", 50, f => new List<object?> { f, f }),
            Nest("not", 100_000, f => f),
            Nest("parent", 12, f => f),
        })
        {
            var error = await Refused.WithAsync(ErrorCodes.LimitExceeded, () => t.ListAsync("Invoice", filter));
            Assert.Equal("filterDepth", error.Limit);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filters_with_too_many_conditions_hit_the_condition_limit(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.InsertAsync("Invoice", """{"name": "a"}""");
        List<object?> Conditions(int count) => Enumerable.Range(0, count)
            .Select(i => (object?)new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["neq"] = "v" + i } }).ToList();

        Assert.Single((await t.ListAsync("Invoice", new Dictionary<string, object?> { ["and"] = Conditions(QueryLimits.MaxFilterConditions) })).Rows);
        var error = await Refused.WithAsync(ErrorCodes.LimitExceeded,
            () => t.ListAsync("Invoice", new Dictionary<string, object?> { ["or"] = Conditions(QueryLimits.MaxFilterConditions + 1) }));

        Assert.Equal("filterConditions", error.Limit);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filter_naming_unknown_or_injected_fields_is_refused(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.InsertAsync("Invoice", """{"name": "a"}""");

        foreach (var field in new[] { "bogus", "memo\" = '' OR '1'='1", "1=1; --", "o_invoice.memo", "MEMO", "", "_paas_objects" })
        {
            await Refused.ValidationAsync(() => t.ListAsync("Invoice", new Dictionary<string, object?> { [field] = new Dictionary<string, object?> { ["eq"] = "x" } }), "filter." + field);
        }

        await Refused.ValidationAsync(() => t.ListAsync("Invoice", new Dictionary<string, object?> { ["memo"] = new Dictionary<string, object?> { ["eq' OR 1=1 --"] = "x" } }));
        Assert.Equal(1, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Record_input_naming_unknown_or_injected_fields_is_refused(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);

        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", new Dictionary<string, object?>
        {
            ["name"] = "a", ["memo\") VALUES ('x'); DROP TABLE o_invoice; --"] = "x", ["MEMO"] = "y",
        }), "memo\") VALUES ('x'); DROP TABLE o_invoice; --", "MEMO");

        Assert.Equal(0, await t.CountAsync("Invoice"));
        await t.InsertAsync("Invoice", """{"name": "still works"}""");
    }

    private static async Task<IReadOnlyList<Guid>> IdsAsync(TestTenant t, IReadOnlyDictionary<string, object?> filter) =>
        (await t.ListAsync("Invoice", filter, orderBy: "name", first: 500)).Rows.Select(r => (Guid)r.Values["id"]!).ToList();

    private static string JsonEncoded(string value)
    {
        var quoted = JsonSerializer.Serialize(value);
        return quoted[1..^1];
    }
}
