using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Records;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Records;

/// <summary>createMany is all-or-nothing, reports errors per input and is bounded.</summary>
public sealed class BatchTests
{
    private static async Task<TestTenant> TenantAsync(DatabaseProvider provider)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "qty", FieldType.Integer, f => f with { Required = true });
        await t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Account" });
        return t;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task One_bad_input_writes_nothing_and_errors_are_prefixed_by_input_index(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);

        var error = await Refused.ValidationExactlyAsync(
            () => t.InsertManyAsync("Invoice", Json.Maps("""[{"name": "a", "qty": 1}, {"name": "b", "qty": "x"}, {"qty": 3, "bogus": true}]""")),
            "inputs[1].qty", "inputs[2].name", "inputs[2].bogus");

        Assert.Equal(3, error.FieldErrors.Count);
        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task One_input_with_a_missing_lookup_target_writes_nothing(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);
        var account = await t.InsertAsync("Account", """{"name": "acme"}""");
        var missing = Guid.CreateVersion7();

        await Refused.ValidationExactlyAsync(
            () => t.InsertManyAsync("Invoice", [
                Json.Map($$"""{"name": "a", "qty": 1, "account": "{{account}}"}"""),
                Json.Map($$"""{"name": "b", "qty": 2, "account": "{{missing}}"}"""),
            ]),
            "inputs[1].account");

        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Single_input_errors_carry_no_prefix(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);

        await Refused.ValidationExactlyAsync(() => t.InsertManyAsync("Invoice", Json.Maps("""[{"name": "b", "qty": "x"}]""")), "qty");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Batch_of_the_maximum_size_is_written_and_one_more_is_a_limit_error(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);
        IReadOnlyDictionary<string, object?> Row(int i) => new Dictionary<string, object?> { ["name"] = "r" + i, ["qty"] = (long)i };

        var error = await Refused.WithAsync(ErrorCodes.LimitExceeded,
            () => t.InsertManyAsync("Invoice", Enumerable.Range(0, RecordWritePipeline.MaxBatchSize + 1).Select(Row).ToList()));
        Assert.Equal(0, await t.CountAsync("Invoice"));
        Assert.Equal("maxBatchSize", error.Limit);

        var ids = await t.InsertManyAsync("Invoice", Enumerable.Range(0, RecordWritePipeline.MaxBatchSize).Select(Row).ToList());

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.Equal(1000, await t.CountAsync("Invoice"));
        Assert.Equal(1, await t.CountAsync("Invoice", Json.Map("""{"qty": {"eq": 999}, "name": {"eq": "r999"}}""")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Failed_batch_in_a_transaction_leaves_earlier_writes_of_that_transaction_undone(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);

        await Refused.ValidationAsync(() => t.WriteAsync(async (pipeline, metadata) =>
        {
            var invoice = metadata.FindObject("Invoice")!;
            await pipeline.CreateAsync(invoice, Json.Maps("""[{"name": "ok", "qty": 1}]"""), CancellationToken.None);
            await pipeline.CreateAsync(invoice, Json.Maps("""[{"name": "bad", "qty": "x"}, {"name": "ok2", "qty": 2}]"""), CancellationToken.None);
        }));

        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Large_batch_stores_every_type_exactly(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);
        await t.CreateObjectAsync("Sample");
        await t.CreateFieldAsync("Sample", "text", FieldType.Text);
        await t.CreateFieldAsync("Sample", "long", FieldType.LongText);
        await t.CreateFieldAsync("Sample", "mail", FieldType.Email);
        await t.CreateFieldAsync("Sample", "whole", FieldType.Integer);
        await t.CreateFieldAsync("Sample", "amount", FieldType.Currency, f => f with { Precision = 14, Scale = 2 });
        await t.CreateFieldAsync("Sample", "share", FieldType.Percent, f => f with { Scale = 3 });
        await t.CreateFieldAsync("Sample", "flag", FieldType.Boolean);
        await t.CreateFieldAsync("Sample", "day", FieldType.Date);
        await t.CreateFieldAsync("Sample", "moment", FieldType.DateTime);
        await t.CreateFieldAsync("Sample", "kind", FieldType.Picklist, f => f with { Values = ["A", "B"] });
        await t.CreateFieldAsync("Sample", "tags", FieldType.MultiPicklist, f => f with { Values = ["x", "y", "z"] });
        await t.CreateFieldAsync("Sample", "account", FieldType.Lookup, f => f with { Target = "Account" });
        await t.CreateFieldAsync("Sample", "data", FieldType.Json);
        await t.CreateFieldAsync("Sample", "number", FieldType.AutoNumber, f => f with { DisplayFormat = "S{0000}" });
        var account = await t.InsertAsync("Account", """{"name": "acme"}""");
        var start = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        const int count = 120;
        IReadOnlyDictionary<string, object?> Row(int i) => new Dictionary<string, object?>
        {
            ["name"] = "r" + i, ["text"] = i % 7 == 0 ? null : "t'" + i, ["long"] = new string('L', i * 10 + 1), ["mail"] = $"u{i}@example.com",
            ["whole"] = (long)i * 1_000_000_007L, ["amount"] = i * 1.25m - 50m, ["share"] = i / 8m, ["flag"] = i % 3 == 0 ? null : i % 2 == 0,
            ["day"] = DateOnly.FromDateTime(start.AddDays(i).UtcDateTime), ["moment"] = start.AddTicks(i * 10L), ["kind"] = i % 2 == 0 ? "A" : "B",
            ["tags"] = i % 4 == 0 ? null : new List<object?> { "z", "x" }, ["account"] = i % 5 == 0 ? null : account.ToString(),
            ["data"] = $$"""{"i": {{i}}, "s": "é"}""",
        };

        var ids = await t.InsertManyAsync("Sample", Enumerable.Range(0, count).Select(Row).ToList());

        Assert.Equal(count, await t.CountAsync("Sample"));
        for (var i = 0; i < count; i += 11)
        {
            var row = await t.RequireAsync("Sample", ids[i]);
            var input = Row(i);
            Assert.Equal(input["text"], row["text"]);
            Assert.Equal((input["long"], input["mail"], input["whole"], input["amount"], input["share"], input["flag"]),
                (row["long"], row["mail"], row["whole"], row["amount"], row["share"], row["flag"]));
            Assert.Equal((input["day"], (DateTimeOffset)input["moment"]!, input["kind"]), (row["day"], row["moment"], row["kind"]));
            Assert.Equal(i % 4 == 0 ? null : new[] { "x", "z" }, (string[]?)row["tags"]);
            Assert.Equal(i % 5 == 0 ? null : account, row["account"]);
            Assert.Equal(i, ((System.Text.Json.JsonElement)row["data"]!).GetProperty("i").GetInt32());
            Assert.Equal($"S{i + 1:0000}", row["number"]);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Large_batch_with_a_taken_unique_value_is_a_conflict_naming_the_field_and_writes_nothing(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);
        await t.CreateFieldAsync("Invoice", "code", FieldType.Text, f => f with { Unique = true });
        await t.InsertAsync("Invoice", """{"name": "existing", "qty": 0, "code": "C42"}""");
        IReadOnlyDictionary<string, object?> Row(int i) => new Dictionary<string, object?> { ["name"] = "r" + i, ["qty"] = (long)i, ["code"] = "C" + i };

        var taken = await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertManyAsync("Invoice", Enumerable.Range(0, 200).Select(Row).ToList()));
        var twice = await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertManyAsync("Invoice", Enumerable.Range(100, 200).Select(Row).Append(Row(150)).ToList()));

        Assert.Equal("code", Assert.Single(taken.FieldErrors).Field);
        Assert.Equal("code", Assert.Single(twice.FieldErrors).Field);
        Assert.Equal(1, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Empty_batch_writes_nothing(DatabaseProvider provider)
    {
        await using var t = await TenantAsync(provider);

        var ids = await t.InsertManyAsync("Invoice", []);

        Assert.Empty(ids);
        Assert.Equal(0, await t.CountAsync("Invoice"));
    }
}
