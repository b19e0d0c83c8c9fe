using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Records;

/// <summary>Validation, system fields, versions, unique values and upserts of the record write pipeline.</summary>
public sealed class WritePipelineTests
{
    private static async Task<TestTenant> InvoiceTenantAsync(DatabaseProvider provider)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "amount", FieldType.Currency, f => f with { Precision = 12, Scale = 2 });
        await t.CreateFieldAsync("Invoice", "qty", FieldType.Integer);
        await t.CreateFieldAsync("Invoice", "email", FieldType.Email);
        await t.CreateFieldAsync("Invoice", "status", FieldType.Picklist, f => f with { Values = ["Draft", "Sent", "Paid"], DefaultValue = "Draft" });
        await t.CreateFieldAsync("Invoice", "due", FieldType.Date);
        await t.CreateFieldAsync("Invoice", "code", FieldType.Text, f => f with { Required = true, Unique = true, MaxLength = 20 });
        return t;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Every_bad_field_is_reported_at_once(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);

        var error = await Refused.ValidationExactlyAsync(
            () => t.InsertAsync("Invoice", """{"amount": "lots", "qty": 1.5, "email": "nobody", "status": "Lost", "due": "yesterday", "bogus": 1}"""),
            "amount", "qty", "email", "status", "due", "bogus", "code", "name");

        Assert.All(error.FieldErrors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unknown_field_is_refused_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);

        var error = await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "a", "code": "A", "amont": 5}"""), "amont");

        Assert.Contains("amont", error.FieldErrors[0].Message, StringComparison.Ordinal);
        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task System_fields_other_than_name_and_owner_are_read_only(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var owner = await t.AddUserAsync("owner@example.test");

        await Refused.ValidationExactlyAsync(
            () => t.InsertAsync("Invoice", new Dictionary<string, object?>
            {
                ["name"] = "a", ["code"] = "A", ["id"] = Guid.NewGuid().ToString(), ["createdAt"] = "2020-01-01T00:00:00Z",
                ["createdBy"] = Guid.NewGuid().ToString(), ["updatedAt"] = "2020-01-01T00:00:00Z", ["updatedBy"] = Guid.NewGuid().ToString(), ["version"] = 7L,
            }),
            "id", "createdAt", "createdBy", "updatedAt", "updatedBy", "version");
        await Refused.ValidationExactlyAsync(
            () => t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["code"] = "A", ["ownerId"] = Guid.NewGuid().ToString() }), "ownerId");
        var id = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "a", ["code"] = "A", ["ownerId"] = owner.ToString() });
        await Refused.ValidationExactlyAsync(() => t.UpdateAsync("Invoice", id, """{"version": 9, "createdBy": null}"""), "version", "createdBy");

        var row = await t.RequireAsync("Invoice", id);
        Assert.Equal((owner, 1L, t.Caller.UserId), (row["ownerId"], row["version"], row["createdBy"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Created_record_gets_system_values_and_a_time_ordered_id(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var first = await t.InsertAsync("Invoice", """{"name": "a", "code": "A"}""");
        await Task.Delay(5);
        var second = await t.InsertAsync("Invoice", """{"name": "b", "code": "B"}""");

        var row = await t.RequireAsync("Invoice", first);
        Assert.Equal(first, row["id"]);
        Assert.Equal(1L, row["version"]);
        Assert.Equal(t.Caller.UserId, row["createdBy"]);
        Assert.Equal(t.Caller.UserId, row["updatedBy"]);
        Assert.Equal(t.Caller.UserId, row["ownerId"]);
        Assert.Equal(row["createdAt"], row["updatedAt"]);
        Assert.InRange((DateTimeOffset)row["createdAt"]!, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(7, first.Version);
        Assert.True(string.CompareOrdinal(first.ToString(), second.ToString()) < 0, "ids are time-ordered");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Update_changes_only_the_given_fields_and_bumps_version_and_update_stamp(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var id = await t.InsertAsync("Invoice", """{"name": "a", "code": "A", "qty": 3, "amount": 10}""");
        var created = await t.RequireAsync("Invoice", id);
        await Task.Delay(5);

        await t.UpdateAsync("Invoice", id, """{"qty": 4}""");
        await t.UpdateAsync("Invoice", id, """{"amount": null}""");

        var row = await t.RequireAsync("Invoice", id);
        Assert.Equal((4L, null, "A", "Draft", 3L), (row["qty"], row["amount"], row["code"], row["status"], row["version"]));
        Assert.Equal(created["createdAt"], row["createdAt"]);
        Assert.True((DateTimeOffset)row["updatedAt"]! > (DateTimeOffset)created["updatedAt"]!);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Update_cannot_empty_a_required_field(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var id = await t.InsertAsync("Invoice", """{"name": "a", "code": "A"}""");

        await Refused.ValidationExactlyAsync(() => t.UpdateAsync("Invoice", id, """{"code": null, "name": ""}"""), "code", "name");

        var row = await t.RequireAsync("Invoice", id);
        Assert.Equal(("a", "A", 1L), (row["name"], row["code"], row["version"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Update_or_delete_of_a_missing_record_is_not_found(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var missing = Guid.CreateVersion7();

        await Refused.WithAsync(ErrorCodes.NotFound, () => t.UpdateAsync("Invoice", missing, """{"qty": 1}"""));
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.UpdateAsync("Invoice", missing, """{"qty": 1}""", expectedVersion: 1));
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.DeleteAsync("Invoice", missing));
        Assert.Null(await t.GetAsync("Invoice", missing));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Stale_expected_version_is_a_conflict_and_changes_nothing(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var id = await t.InsertAsync("Invoice", """{"name": "a", "code": "A", "qty": 1}""");
        await t.UpdateAsync("Invoice", id, """{"qty": 2}""", expectedVersion: 1);

        await Refused.WithAsync(ErrorCodes.Conflict, () => t.UpdateAsync("Invoice", id, """{"qty": 99}""", expectedVersion: 1));
        await Refused.WithAsync(ErrorCodes.Conflict, () => t.UpdateAsync("Invoice", id, """{"qty": 99}""", expectedVersion: 3));

        var row = await t.RequireAsync("Invoice", id);
        Assert.Equal((2L, 2L), (row["qty"], row["version"]));
        await t.UpdateAsync("Invoice", id, """{"qty": 3}""", expectedVersion: 2);
        Assert.Equal(3L, (await t.RequireAsync("Invoice", id))["version"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Taken_unique_value_is_a_conflict_naming_the_field(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.InsertAsync("Invoice", """{"name": "a", "code": "A-1"}""");
        var b = await t.InsertAsync("Invoice", """{"name": "b", "code": "B-1"}""");

        var onCreate = await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertAsync("Invoice", """{"name": "c", "code": "A-1"}"""));
        var onUpdate = await Refused.WithAsync(ErrorCodes.Conflict, () => t.UpdateAsync("Invoice", b, """{"code": "A-1"}"""));
        var inBatch = await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertManyAsync("Invoice", Json.Maps("""[{"name": "d", "code": "D"}, {"name": "e", "code": "D"}]""")));

        Assert.Equal("code", Assert.Single(onCreate.FieldErrors).Field);
        Assert.Equal("code", Assert.Single(onUpdate.FieldErrors).Field);
        Assert.Contains("code", inBatch.FieldErrors.Select(e => e.Field).Single(), StringComparison.Ordinal);
        Assert.Equal(2, await t.CountAsync("Invoice"));
        Assert.Equal("B-1", (await t.RequireAsync("Invoice", b))["code"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unique_text_values_differing_in_case_are_distinct(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.InsertAsync("Invoice", """{"name": "a", "code": "abc"}""");

        await t.InsertAsync("Invoice", """{"name": "b", "code": "ABC"}""");

        Assert.Equal(["a"], await t.NamesAsync("Invoice", """{"code": {"eq": "abc"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_inserts_then_updates_the_same_record(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);

        var first = await t.UpsertAsync("Invoice", "code", Json.Map("""{"code": "crm-42", "name": "first", "qty": 1}"""));
        var second = await t.UpsertAsync("Invoice", "code", Json.Map("""{"code": "crm-42", "name": "second"}"""));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal((true, false), (first.Created, second.Created));
        Assert.Equal(1, await t.CountAsync("Invoice"));
        var row = await t.RequireAsync("Invoice", first.Id);
        Assert.Equal(("second", 1L, 2L, "Draft"), (row["name"], row["qty"], row["version"], row["status"]));
        var other = await t.UpsertAsync("Invoice", "code", Json.Map("""{"code": "crm-43", "name": "other"}"""));
        Assert.NotEqual(first.Id, other.Id);
        Assert.True(other.Created);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_needs_a_valid_match_value(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);

        await Refused.ValidationAsync(() => t.UpsertAsync("Invoice", "code", Json.Map("""{"name": "x"}""")), "code");
        await Refused.ValidationAsync(() => t.UpsertAsync("Invoice", "code", Json.Map("""{"name": "x", "code": null}""")), "code");
        await Refused.ValidationAsync(() => t.UpsertAsync("Invoice", "code", Json.Map("""{"name": "x", "code": "way too long for twenty"}""")), "code");
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.UpsertAsync("Invoice", "id", new Dictionary<string, object?> { ["id"] = Guid.NewGuid().ToString(), ["name"] = "x", ["code"] = "X" }));

        Assert.Equal(0, await t.CountAsync("Invoice"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Upsert_on_id_updates_the_record(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        var id = await t.InsertAsync("Invoice", """{"name": "a", "code": "A"}""");

        var upserted = await t.UpsertAsync("Invoice", "id", new Dictionary<string, object?> { ["id"] = id.ToString(), ["qty"] = 5L });

        Assert.Equal((id, false), upserted);
        Assert.Equal((5L, 2L), ((await t.RequireAsync("Invoice", id))["qty"], (await t.RequireAsync("Invoice", id))["version"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Defaults_apply_on_create_when_the_field_is_not_given(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.CreateFieldAsync("Invoice", "paid", FieldType.Boolean, f => f with { DefaultValue = "false" });
        await t.CreateFieldAsync("Invoice", "tags", FieldType.MultiPicklist, f => f with { Values = ["A", "B", "C"], DefaultValue = "C;A" });
        await t.CreateFieldAsync("Invoice", "rate", FieldType.Percent, f => f with { DefaultValue = "12.5" });
        await t.CreateFieldAsync("Invoice", "meta", FieldType.Json, f => f with { DefaultValue = """{"v": 1}""" });

        var defaulted = await t.InsertAsync("Invoice", """{"name": "a", "code": "A"}""");
        var given = await t.InsertAsync("Invoice", """{"name": "b", "code": "B", "status": "Sent", "paid": true, "rate": 1}""");
        var cleared = await t.InsertAsync("Invoice", """{"name": "c", "code": "C", "status": null}""");

        var row = await t.RequireAsync("Invoice", defaulted);
        Assert.Equal(("Draft", false, 12.5m), (row["status"], row["paid"], row["rate"]));
        Assert.Equal(["A", "C"], (string[])row["tags"]!);
        Assert.Equal(1, ((System.Text.Json.JsonElement)row["meta"]!).GetProperty("v").GetInt32());
        row = await t.RequireAsync("Invoice", given);
        Assert.Equal(("Sent", true, 1m), (row["status"], row["paid"], row["rate"]));
        Assert.Null((await t.RequireAsync("Invoice", cleared))["status"]);
        await t.UpdateAsync("Invoice", given, """{"qty": 1}""");
        Assert.Equal("Sent", (await t.RequireAsync("Invoice", given))["status"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Required_field_with_a_default_accepts_records_that_omit_it(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);
        await t.CreateFieldAsync("Invoice", "currency", FieldType.Text, f => f with { Required = true, DefaultValue = "EUR" });

        var id = await t.InsertAsync("Invoice", """{"name": "a", "code": "A"}""");

        Assert.Equal("EUR", (await t.RequireAsync("Invoice", id))["currency"]);
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "b", "code": "B", "currency": null}"""), "currency");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Values_are_coerced_from_text_and_numbers(DatabaseProvider provider)
    {
        await using var t = await InvoiceTenantAsync(provider);

        var id = await t.InsertAsync("Invoice", """{"name": "a", "code": "A", "amount": "19.99", "qty": "7", "due": "2024-05-01"}""");

        var row = await t.RequireAsync("Invoice", id);
        Assert.Equal((19.99m, 7L, new DateOnly(2024, 5, 1)), (row["amount"], row["qty"], row["due"]));
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "b", "code": "B", "amount": 1.999}"""), "amount");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "b", "code": "B", "amount": 12345678901}"""), "amount");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "b", "code": "B", "qty": "1e3"}"""), "qty");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "b", "code": "B", "due": "2024-02-30"}"""), "due");
    }
}
