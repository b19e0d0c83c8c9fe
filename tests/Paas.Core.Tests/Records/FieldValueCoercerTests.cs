using System.Text.Json;
using Paas.Core.Metadata;
using Paas.Core.Records;
using static Paas.Core.Tests.TestFields;

namespace Paas.Core.Tests.Records;

public sealed class FieldValueCoercerTests
{
    private static readonly FieldDefinition Text = Field(FieldType.Text);
    private static readonly FieldDefinition Number = Field(FieldType.Number);
    private static readonly FieldDefinition Integer = Field(FieldType.Integer);
    private static readonly FieldDefinition Picklist = Field(FieldType.Picklist) with { Values = ["Draft", "Sent", "Paid"] };
    private static readonly FieldDefinition MultiPicklist = Field(FieldType.MultiPicklist) with { Values = ["A", "B", "C"] };

    private static object? Accept(FieldDefinition field, object? input)
    {
        var ok = FieldValueCoercer.TryCoerce(field, input, out var value, out var error);
        Assert.True(ok, $"{field.Type} should accept {Describe(input)}, but: {error}");
        Assert.Null(error);
        return value;
    }

    private static string Refuse(FieldDefinition field, object? input)
    {
        var ok = FieldValueCoercer.TryCoerce(field, input, out var value, out var error);
        Assert.False(ok, $"{field.Type} should refuse {Describe(input)}, but gave {Describe(value)}");
        Assert.Null(value);
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error!;
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{(s.Length > 60 ? s[..60] + "…" : s)}\"",
        _ => $"{value} ({value.GetType().Name})",
    };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    // ------------------------------------------------------------------ null and empty

    public static TheoryData<FieldType> AllClientTypes => new(Enum.GetValues<FieldType>().Where(t => t != FieldType.Id));

    [Theory]
    [MemberData(nameof(AllClientTypes))]
    public void Null_is_accepted_as_no_value_for_every_type(FieldType type)
    {
        var field = Field(type) with { Values = ["A"] };
        Assert.Null(Accept(field, null));
        Assert.Null(Accept(field, Json("null")));
    }

    [Theory]
    [MemberData(nameof(AllClientTypes))]
    public void An_empty_string_means_no_value_except_for_json(FieldType type)
    {
        var field = Field(type) with { Values = ["A"] };
        if (type == FieldType.Json)
        {
            Refuse(field, "");
        }
        else
        {
            Assert.Null(Accept(field, ""));
        }
    }

    // ------------------------------------------------------------------ text

    [Fact]
    public void Text_accepts_strings_and_formats_scalars_invariantly()
    {
        Assert.Equal("hello", Accept(Text, "hello"));
        Assert.Equal("  spaced  ", Accept(Text, "  spaced  "));
        Assert.Equal("42", Accept(Text, 42L));
        Assert.Equal("1.5", Accept(Text, 1.5m));
        Assert.Equal("true", Accept(Text, true));
        Assert.Equal("false", Accept(Text, false));
        Assert.Equal("x", Accept(Text, Json("\"x\"")));
        Assert.Equal("Ünïcödé ✓ 日本", Accept(Text, "Ünïcödé ✓ 日本"));
    }

    [Fact]
    public void Text_refuses_values_that_are_not_scalars()
    {
        Refuse(Text, new object());
        Refuse(Text, Json("{\"a\":1}"));
    }

    [Fact]
    public void Text_enforces_the_default_and_the_configured_max_length()
    {
        Assert.Equal(255, Text.EffectiveMaxLength);
        Accept(Text, new string('a', 255));
        Assert.Contains("255", Refuse(Text, new string('a', 256)), StringComparison.Ordinal);

        var short5 = Text with { MaxLength = 5 };
        Assert.Equal("abcde", Accept(short5, "abcde"));
        Refuse(short5, "abcdef");

        var longText = Field(FieldType.LongText);
        Accept(longText, new string('a', FieldTypeInfo.DefaultLongTextLength));
        Refuse(longText, new string('a', FieldTypeInfo.DefaultLongTextLength + 1));
    }

    [Theory]
    [InlineData(FieldType.Text, "a\0b")]
    [InlineData(FieldType.LongText, "\0")]
    [InlineData(FieldType.Email, "ann@example.com\0")]
    [InlineData(FieldType.Phone, "555\01234")]
    [InlineData(FieldType.Url, "https://example.com/\0")]
    [InlineData(FieldType.AutoNumber, "INV-\0")]
    public void Nul_characters_are_refused_in_textual_fields(FieldType type, string input)
    {
        Refuse(Field(type), input);
    }

    // ------------------------------------------------------------------ email, phone, url

    [Theory]
    [InlineData("ann@example.com")]
    [InlineData("ann.lee+crm@mail.example.co.uk")]
    [InlineData("a_b-c@sub-domain.example.org")]
    public void Email_accepts_plain_addresses(string input)
    {
        Assert.Equal(input, Accept(Field(FieldType.Email), input));
    }

    [Theory]
    [InlineData("not an email")]
    [InlineData("ann@example")]
    [InlineData("ann@@example.com")]
    [InlineData("@example.com")]
    [InlineData("ann@")]
    [InlineData("Ann Lee <ann@example.com>")]
    [InlineData("ann.example.com")]
    [InlineData("ann@example.com; bob@example.com")]
    public void Email_refuses_anything_but_a_plain_address(string input)
    {
        Refuse(Field(FieldType.Email), input);
    }

    [Fact]
    public void Email_is_limited_to_254_characters()
    {
        var email = Field(FieldType.Email);
        var local = new string('a', 64);
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".com"; // 186
        var ok = local + "@" + domain;
        Assert.True(ok.Length <= 254);
        Accept(email, ok);
        Refuse(email, local + "@" + new string('c', 200) + ".example.com");
    }

    [Theory]
    [InlineData("+1 (555) 123-4567")]
    [InlineData("555-1234 x12")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("0123/456789")]
    [InlineData("5551234")]
    public void Phone_accepts_digits_with_usual_punctuation(string input)
    {
        Assert.Equal(input, Accept(Field(FieldType.Phone), input));
    }

    [Theory]
    [InlineData("call me")]
    [InlineData("+")]
    [InlineData("()-")]
    [InlineData("555-CALL")]
    [InlineData("555\n1234")]
    [InlineData("555; drop table")]
    public void Phone_refuses_text_that_is_not_a_number(string input)
    {
        Refuse(Field(FieldType.Phone), input);
    }

    [Fact]
    public void Phone_is_limited_to_40_characters()
    {
        Accept(Field(FieldType.Phone), new string('5', 40));
        Refuse(Field(FieldType.Phone), new string('5', 41));
    }

    [Theory]
    [InlineData("https://example.com")]
    [InlineData("http://localhost:5000/path?q=1#frag")]
    [InlineData("https://sub.example.co.uk/a/b")]
    public void Url_accepts_absolute_http_and_https(string input)
    {
        Assert.Equal(input, Accept(Field(FieldType.Url), input));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("/relative/path")]
    [InlineData("ftp://example.com/file")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:ann@example.com")]
    [InlineData("not a url")]
    public void Url_refuses_relative_and_non_http_urls(string input)
    {
        Refuse(Field(FieldType.Url), input);
    }

    // ------------------------------------------------------------------ integer

    public static TheoryData<object, long> IntegerInputs => new()
    {
        { 5, 5L },
        { 5L, 5L },
        { (short)-3, -3L },
        { (byte)7, 7L },
        { 3.0m, 3L },
        { -12.000m, -12L },
        { 2.0d, 2L },
        { "42", 42L },
        { "-7", -7L },
        { "+8", 8L },
        { "9223372036854775807", long.MaxValue },
        { "-9223372036854775808", long.MinValue },
        { new System.Numerics.BigInteger(123), 123L },
    };

    [Theory]
    [MemberData(nameof(IntegerInputs))]
    public void Integer_accepts_whole_numbers_and_numeric_strings(object input, long expected)
    {
        var value = Accept(Integer, input);
        Assert.IsType<long>(value);
        Assert.Equal(expected, value);
    }

    public static TheoryData<object> BadIntegers => new()
    {
        3.5m, 0.1d, "3.5", "1e3", "abc", "12abc", " 12", "9223372036854775808", 1e28m, 1e19d, double.NaN, double.PositiveInfinity,
        true, new object(), Guid.Empty,
    };

    [Theory]
    [MemberData(nameof(BadIntegers))]
    public void Integer_refuses_fractions_overflows_and_non_numbers(object input)
    {
        Refuse(Integer, input);
    }

    [Fact]
    public void Integer_accepts_json_numbers()
    {
        Assert.Equal(12L, Accept(Integer, Json("12")));
        Assert.Equal(12L, Accept(Integer, Json("12.0")));
        Refuse(Integer, Json("12.5"));
        Assert.Equal(12L, Accept(Integer, Json("\"12\"")));
    }

    // ------------------------------------------------------------------ number, currency, percent

    public static TheoryData<FieldType> DecimalTypes => new() { FieldType.Number, FieldType.Currency, FieldType.Percent };

    [Theory]
    [MemberData(nameof(DecimalTypes))]
    public void Decimals_accept_numbers_and_numeric_strings_up_to_the_scale(FieldType type)
    {
        var field = Field(type);
        Assert.Equal(12.34m, Accept(field, "12.34"));
        Assert.Equal(-12.34m, Accept(field, "-12.34"));
        Assert.Equal(12.3m, Accept(field, "12.30"));
        Assert.Equal(12.3m, Accept(field, "12.300"));
        Assert.Equal(5m, Accept(field, 5));
        Assert.Equal(5m, Accept(field, 5L));
        Assert.Equal(0.1m, Accept(field, 0.1d));
        Assert.Equal(120000m, Accept(field, 120000m));
        Assert.Equal(12.5m, Accept(field, Json("12.5")));
        Assert.Equal(12.5m, Accept(field, Json("\"12.5\"")));
        Assert.IsType<decimal>(Accept(field, 5));
    }

    [Theory]
    [MemberData(nameof(DecimalTypes))]
    public void Decimals_refuse_too_many_decimal_places(FieldType type)
    {
        var field = Field(type);
        Assert.Contains("2 decimal places", Refuse(field, "12.345"), StringComparison.Ordinal);
        Refuse(field, 0.001m);
        Refuse(field, "-0.005");
        Refuse(field, 1.125d);
    }

    [Theory]
    [MemberData(nameof(DecimalTypes))]
    public void Decimals_refuse_too_many_integer_digits(FieldType type)
    {
        // Default precision 18, scale 2: 16 digits before the point.
        var field = Field(type);
        Assert.Equal(9999999999999999.99m, Accept(field, "9999999999999999.99"));
        Assert.Equal(-9999999999999999.99m, Accept(field, "-9999999999999999.99"));
        Assert.Contains("16 digits", Refuse(field, "10000000000000000"), StringComparison.Ordinal);
        Refuse(field, "-10000000000000000");
        Refuse(field, 1e20m);
        Refuse(field, 1e20d);
        Refuse(field, decimal.MaxValue);
    }

    [Fact]
    public void Decimals_follow_the_configured_precision_and_scale()
    {
        var money = Field(FieldType.Currency) with { Precision = 10, Scale = 4 };
        Assert.Equal(123456.1234m, Accept(money, "123456.1234"));
        Refuse(money, "123456.12345");
        Refuse(money, "1234567");

        var whole = Field(FieldType.Number) with { Precision = 5, Scale = 0 };
        Assert.Equal(99999m, Accept(whole, 99999));
        Assert.Equal(12m, Accept(whole, "12.0"));
        Refuse(whole, 100000);
        Refuse(whole, "1.5");

        var fraction = Field(FieldType.Percent) with { Precision = 3, Scale = 3 };
        Assert.Equal(0.125m, Accept(fraction, "0.125"));
        Refuse(fraction, "1");
    }

    public static TheoryData<object> BadDecimals => new()
    {
        "abc", "1,000", "12.3.4", "NaN", "Infinity", double.NaN, double.PositiveInfinity, double.NegativeInfinity, true, new object(), Guid.Empty,
    };

    [Theory]
    [MemberData(nameof(BadDecimals))]
    public void Decimals_refuse_non_numbers(object input)
    {
        Refuse(Number, input);
    }

    // ------------------------------------------------------------------ boolean

    [Fact]
    public void Boolean_accepts_booleans_and_their_names()
    {
        var field = Field(FieldType.Boolean);
        Assert.Equal(true, Accept(field, true));
        Assert.Equal(false, Accept(field, false));
        Assert.Equal(true, Accept(field, "true"));
        Assert.Equal(false, Accept(field, "False"));
        Assert.Equal(true, Accept(field, Json("true")));
        Assert.Equal(false, Accept(field, Json("false")));
        Refuse(field, "yes");
        Refuse(field, 1);
        Refuse(field, 0L);
        Refuse(field, "1");
    }

    // ------------------------------------------------------------------ date

    [Fact]
    public void Date_accepts_iso_dates_only()
    {
        var field = Field(FieldType.Date);
        Assert.Equal(new DateOnly(2026, 1, 31), Accept(field, "2026-01-31"));
        Assert.Equal(new DateOnly(2024, 2, 29), Accept(field, "2024-02-29"));
        Assert.Equal(new DateOnly(2026, 1, 31), Accept(field, new DateOnly(2026, 1, 31)));
        Assert.Equal(new DateOnly(2026, 1, 31), Accept(field, new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateOnly(2026, 1, 31), Accept(field, Json("\"2026-01-31\"")));
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("2025-02-29")]
    [InlineData("2026-13-01")]
    [InlineData("2026-1-5")]
    [InlineData("31/01/2026")]
    [InlineData("01/31/2026")]
    [InlineData("2026-01-31T00:00:00Z")]
    [InlineData("20260131")]
    [InlineData("today")]
    public void Date_refuses_other_formats_and_impossible_dates(string input)
    {
        Refuse(Field(FieldType.Date), input);
    }

    // ------------------------------------------------------------------ datetime

    public static TheoryData<string, string> DateTimeInputs => new()
    {
        { "2026-01-31T09:30:00Z", "2026-01-31T09:30:00.000000Z" },
        { "2026-01-31T09:30:00.5Z", "2026-01-31T09:30:00.500000Z" },
        { "2026-01-31T11:30:00+02:00", "2026-01-31T09:30:00.000000Z" },
        { "2026-01-31T04:30:00-05:00", "2026-01-31T09:30:00.000000Z" },
        { "2026-01-01T01:00:00+02:00", "2025-12-31T23:00:00.000000Z" },
        { "2026-01-31T09:30:00", "2026-01-31T09:30:00.000000Z" },
        { "2026-01-31T09:30:00.1234567Z", "2026-01-31T09:30:00.123456Z" },
        { "2026-01-31T09:30:00.9999999Z", "2026-01-31T09:30:00.999999Z" },
        { "2026-01-31T09:30:00.123456Z", "2026-01-31T09:30:00.123456Z" },
    };

    [Theory]
    [MemberData(nameof(DateTimeInputs))]
    public void DateTime_is_normalised_to_utc_and_truncated_to_microseconds(string input, string expected)
    {
        var value = Assert.IsType<DateTimeOffset>(Accept(Field(FieldType.DateTime), input));
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(0, value.Ticks % 10);
        Assert.Equal(expected, FieldValueCoercer.FormatDateTime(value));
    }

    [Fact]
    public void DateTime_accepts_clr_date_times()
    {
        var field = Field(FieldType.DateTime);
        var withOffset = new DateTimeOffset(2026, 1, 31, 11, 30, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var value = Assert.IsType<DateTimeOffset>(Accept(field, withOffset));
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 9, 30, 0, TimeSpan.Zero).AddTicks(1234560), value);

        var unspecified = new DateTime(2026, 1, 31, 9, 30, 0, DateTimeKind.Unspecified);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 9, 30, 0, TimeSpan.Zero), Accept(field, unspecified));

        var utc = new DateTime(2026, 1, 31, 9, 30, 0, DateTimeKind.Utc);
        var fromUtc = Assert.IsType<DateTimeOffset>(Accept(field, utc));
        Assert.Equal(TimeSpan.Zero, fromUtc.Offset);
        Assert.Equal(utc, fromUtc.UtcDateTime);
    }

    [Theory]
    [InlineData("2026-01-31")]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-01-31T25:00:00Z")]
    [InlineData("T")]
    public void DateTime_refuses_dates_without_time_and_garbage(string input)
    {
        Refuse(Field(FieldType.DateTime), input);
    }

    [Fact]
    public void DateTime_refuses_non_temporal_values()
    {
        Refuse(Field(FieldType.DateTime), 12345L);
        Refuse(Field(FieldType.DateTime), true);
    }

    [Fact]
    public void TruncateToMicroseconds_keeps_the_offset_and_drops_sub_microsecond_ticks()
    {
        var value = new DateTimeOffset(2026, 1, 31, 9, 30, 0, TimeSpan.FromHours(3)).AddTicks(9);
        var truncated = FieldValueCoercer.TruncateToMicroseconds(value);
        Assert.Equal(TimeSpan.FromHours(3), truncated.Offset);
        Assert.Equal(value.AddTicks(-9), truncated);
    }

    [Fact]
    public void FormatDateTime_writes_utc_with_six_fraction_digits()
    {
        var value = new DateTimeOffset(2026, 1, 31, 11, 30, 5, TimeSpan.FromHours(2)).AddTicks(70);
        Assert.Equal("2026-01-31T09:30:05.000007Z", FieldValueCoercer.FormatDateTime(value));
    }

    // ------------------------------------------------------------------ picklists

    [Fact]
    public void Picklist_accepts_only_its_values_exactly()
    {
        Assert.Equal("Sent", Accept(Picklist, "Sent"));
        Assert.Equal("Draft", Accept(Picklist, Json("\"Draft\"")));
        Assert.Contains("Draft, Sent, Paid", Refuse(Picklist, "Other"), StringComparison.Ordinal);
        Refuse(Picklist, "sent");
        Refuse(Picklist, " Sent");
        Refuse(Picklist, 1);
        Refuse(Picklist, new[] { "Sent" });
    }

    [Fact]
    public void MultiPicklist_accepts_lists_and_semicolon_strings_in_definition_order_without_duplicates()
    {
        Assert.Equal(new[] { "A", "C" }, Accept(MultiPicklist, new[] { "C", "A" }));
        Assert.Equal(new[] { "A", "C" }, Accept(MultiPicklist, new List<object?> { "C", "A", "C" }));
        Assert.Equal(new[] { "A", "C" }, Accept(MultiPicklist, "C; A"));
        Assert.Equal(new[] { "B" }, Accept(MultiPicklist, "B"));
        Assert.Equal(new[] { "A", "B" }, Accept(MultiPicklist, Json("[\"B\",\"A\"]")));
        Assert.IsType<string[]>(Accept(MultiPicklist, new[] { "A" }));
    }

    [Fact]
    public void MultiPicklist_refuses_unknown_values()
    {
        Refuse(MultiPicklist, new[] { "A", "X" });
        Refuse(MultiPicklist, "A;X");
        Refuse(MultiPicklist, new[] { "a" });
        Refuse(MultiPicklist, new object?[] { "A", null });
        Refuse(MultiPicklist, Json("[1]"));
        Refuse(MultiPicklist, 1);
    }

    // ------------------------------------------------------------------ relations and ids

    [Theory]
    [InlineData(FieldType.Lookup)]
    [InlineData(FieldType.MasterDetail)]
    [InlineData(FieldType.Id)]
    public void Relations_and_ids_take_a_uuid(FieldType type)
    {
        var field = Field(type);
        var id = Guid.CreateVersion7();
        Assert.Equal(id, Accept(field, id.ToString()));
        Assert.Equal(id, Accept(field, id.ToString().ToUpperInvariant()));
        Assert.Equal(id, Accept(field, id));
        Assert.Equal(id, Accept(field, Json($"\"{id}\"")));
        Refuse(field, "not-a-guid");
        Refuse(field, id.ToString("N"));
        Refuse(field, id.ToString("B"));
        Refuse(field, "' OR 1=1 --");
        Refuse(field, 42);
    }

    // ------------------------------------------------------------------ json

    [Fact]
    public void Json_accepts_json_text_elements_and_plain_objects()
    {
        var field = Field(FieldType.Json);
        var fromText = Assert.IsType<JsonElement>(Accept(field, "{\"a\":1,\"b\":[true,null]}"));
        Assert.Equal(JsonValueKind.Object, fromText.ValueKind);
        Assert.Equal(1, fromText.GetProperty("a").GetInt32());

        var element = Json("[1,2,3]");
        Assert.Equal("[1,2,3]", Assert.IsType<JsonElement>(Accept(field, element)).GetRawText());

        var fromMap = Assert.IsType<JsonElement>(Accept(field, new Dictionary<string, object?> { ["x"] = 5L, ["y"] = "z" }));
        Assert.Equal(5, fromMap.GetProperty("x").GetInt64());
        Assert.Equal("z", fromMap.GetProperty("y").GetString());

        Assert.Equal(JsonValueKind.Number, Assert.IsType<JsonElement>(Accept(field, 42L)).ValueKind);
        Assert.Equal(JsonValueKind.String, Assert.IsType<JsonElement>(Accept(field, "\"text\"")).ValueKind);
    }

    [Theory]
    [InlineData("{bad")]
    [InlineData("{\"a\":}")]
    [InlineData("not json")]
    [InlineData("[1,2")]
    public void Json_refuses_malformed_text(string input)
    {
        Refuse(Field(FieldType.Json), input);
    }

    [Fact]
    public void Json_refuses_nesting_deeper_than_32_levels()
    {
        var field = Field(FieldType.Json);
        Accept(field, new string('[', 32) + new string(']', 32));
        Refuse(field, new string('[', 40) + new string(']', 40));
    }

    [Fact]
    public void Json_values_are_limited_in_size()
    {
        var field = Field(FieldType.Json);
        var max = FieldTypeInfo.MaxJsonBytes;
        var atLimit = "\"" + new string('a', max - 2) + "\"";
        Assert.Equal(max, atLimit.Length);
        Accept(field, atLimit);
        var over = "\"" + new string('a', max - 1) + "\"";
        Assert.Contains(max.ToString(System.Globalization.CultureInfo.InvariantCulture), Refuse(field, over), StringComparison.Ordinal);
        Refuse(field, Json(over));
        Refuse(field, new Dictionary<string, object?> { ["big"] = new string('b', max) });
    }

    // ------------------------------------------------------------------ robustness

    private static readonly object[] Oddities =
    [
        new object(), Array.Empty<int>(), double.PositiveInfinity, double.NaN, float.MaxValue, decimal.MaxValue, decimal.MinValue,
        long.MinValue, ulong.MaxValue, new System.Numerics.BigInteger(decimal.MaxValue) * 1000, "\0", "\uD800", new string('x', 200_000),
        Json("1e400"), Json("-1e400"), Json("[1e400]"), Json("123456789012345678901234567890"), Json("{}"), Json("[{\"a\":1}]"),
        DateTimeOffset.MaxValue, DateTime.MinValue, DateOnly.MaxValue, TimeSpan.FromDays(1), Guid.Empty,
    ];

    [Fact]
    public void TryCoerce_never_throws_whatever_the_type_and_input()
    {
        var thrown = new List<string>();
        foreach (var type in Enum.GetValues<FieldType>())
        {
            var field = Field(type) with { Values = ["A", "B"] };
            foreach (var input in Oddities)
            {
                try
                {
                    var ok = FieldValueCoercer.TryCoerce(field, input, out var value, out var error);
                    Assert.Equal(ok, error is null);
                    Assert.True(ok || value is null);
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    thrown.Add($"{type} <- {Describe(input)}: {ex.GetType().Name}");
                }
            }
        }

        Assert.True(thrown.Count == 0, "TryCoerce threw instead of returning false:\n" + string.Join("\n", thrown));
    }

    [Fact]
    public void A_json_number_too_large_for_a_decimal_is_refused_not_thrown()
    {
        Refuse(Number, Json("1e400"));
        Refuse(Field(FieldType.Currency), Json("123456789012345678901234567890"));
        Refuse(Integer, Json("1e400"));
        Refuse(Text, Json("-1e400"));
        Refuse(MultiPicklist, Json("[1e400]"));
    }

    [Fact]
    public void Json_refuses_numbers_json_cannot_represent()
    {
        Refuse(Field(FieldType.Json), double.NaN);
        Refuse(Field(FieldType.Json), double.PositiveInfinity);
    }

    [Fact]
    public void Json_refuses_text_that_is_not_valid_utf16()
    {
        Refuse(Field(FieldType.Json), "\"\uD800\"");
    }

    // ------------------------------------------------------------------ round trips

    public static TheoryData<FieldType, object> RoundTrips => new()
    {
        { FieldType.Text, "hello" },
        { FieldType.Text, "x" },
        { FieldType.LongText, "line 1\nline 2" },
        { FieldType.Email, "ann@example.com" },
        { FieldType.Phone, "+1 (555) 123-4567" },
        { FieldType.Url, "https://example.com/a?b=c" },
        { FieldType.Integer, 42L },
        { FieldType.Integer, long.MinValue },
        { FieldType.Number, "12.34" },
        { FieldType.Number, "-9999999999999999.99" },
        { FieldType.Currency, 0.01m },
        { FieldType.Percent, "99.5" },
        { FieldType.Boolean, true },
        { FieldType.Boolean, false },
        { FieldType.Date, "2026-01-31" },
        { FieldType.Date, "0001-01-01" },
        { FieldType.Date, "9999-12-31" },
        { FieldType.DateTime, "2026-01-31T11:30:00.1234567+02:00" },
        { FieldType.DateTime, "0001-01-01T00:00:00Z" },
        { FieldType.DateTime, "9999-12-31T23:59:59.9999999Z" },
        { FieldType.Picklist, "Sent" },
        { FieldType.MultiPicklist, "Paid;Draft" },
        { FieldType.Lookup, "0195f0a4-6f1c-7c3e-9b1a-2d3e4f5a6b7c" },
        { FieldType.MasterDetail, "0195f0a4-6f1c-7c3e-9b1a-2d3e4f5a6b7c" },
        { FieldType.Id, "0195f0a4-6f1c-7c3e-9b1a-2d3e4f5a6b7c" },
        { FieldType.AutoNumber, "INV-0001" },
        { FieldType.Json, "{\"a\":[1,2.5,\"x\",null,true],\"b\":{\"c\":\"\\u00e9\"}}" },
        { FieldType.Json, "\"just a string\"" },
        { FieldType.Json, "null" },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void ToPlain_round_trips_through_TryCoerce(FieldType type, object input)
    {
        var field = Field(type) with { Values = ["Draft", "Sent", "Paid"] };
        var canonical = Accept(field, input);
        var plain = FieldValueCoercer.ToPlain(canonical);
        var again = Accept(field, plain);
        AssertSameCanonical(canonical, again);
    }

    [Fact]
    public void ToPlain_writes_plain_types()
    {
        var id = Guid.CreateVersion7();
        Assert.Null(FieldValueCoercer.ToPlain(null));
        Assert.Equal("2026-01-31", FieldValueCoercer.ToPlain(new DateOnly(2026, 1, 31)));
        Assert.Equal("2026-01-31T09:30:00.000000Z", FieldValueCoercer.ToPlain(new DateTimeOffset(2026, 1, 31, 11, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal(id.ToString(), FieldValueCoercer.ToPlain(id));
        Assert.Equal("{\"a\":1}", FieldValueCoercer.ToPlain(Json("{\"a\":1}")));
        Assert.Equal(12.5m, FieldValueCoercer.ToPlain(12.5m));
        Assert.Equal(3L, FieldValueCoercer.ToPlain(3L));
        Assert.Equal(true, FieldValueCoercer.ToPlain(true));
    }

    private static void AssertSameCanonical(object? expected, object? actual)
    {
        switch (expected)
        {
            case null:
                Assert.Null(actual);
                break;
            case JsonElement e:
                Assert.Equal(e.GetRawText(), Assert.IsType<JsonElement>(actual).GetRawText());
                break;
            case string[] items:
                Assert.Equal(items, Assert.IsType<string[]>(actual));
                break;
            case DateTimeOffset dt:
                var other = Assert.IsType<DateTimeOffset>(actual);
                Assert.Equal(dt, other);
                Assert.Equal(dt.Offset, other.Offset);
                break;
            default:
                Assert.Equal(expected.GetType(), actual?.GetType());
                Assert.Equal(expected, actual);
                break;
        }
    }
}
