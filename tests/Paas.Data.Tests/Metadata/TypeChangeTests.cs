using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>Changing a field's type or rules converts the existing data, or is refused and changes nothing.</summary>
public sealed class TypeChangeTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_holding_whole_numbers_converts_to_integer(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Text);
        var a = await t.InsertAsync("Item", """{"name": "a", "qty": "42"}""");
        var b = await t.InsertAsync("Item", """{"name": "b", "qty": "-7"}""");
        var c = await t.InsertAsync("Item", """{"name": "c"}""");

        var changed = await t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Integer });

        Assert.Equal(FieldType.Integer, changed.Type);
        Assert.Equal(42L, (await t.RequireAsync("Item", a))["qty"]);
        Assert.Equal(-7L, (await t.RequireAsync("Item", b))["qty"]);
        Assert.Null((await t.RequireAsync("Item", c))["qty"]);
        Assert.Equal(["a"], await t.NamesAsync("Item", """{"qty": {"gt": 0}}"""));
        await t.InsertAsync("Item", """{"name": "d", "qty": 5}""");
        Assert.Equal(["d", "a"], (await t.ListAsync("Item", Json.Map("""{"qty": {"gt": 0}}"""), orderBy: "qty")).Rows.Select(r => r.Values["name"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Integer_converts_to_text(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Integer);
        var a = await t.InsertAsync("Item", """{"name": "a", "qty": 1234567890123}""");

        await t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Text });

        Assert.Equal("1234567890123", (await t.RequireAsync("Item", a))["qty"]);
        Assert.Equal(["a"], await t.NamesAsync("Item", """{"qty": {"startsWith": "1234"}}"""));
        await t.InsertAsync("Item", """{"name": "b", "qty": "not a number"}""");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Number_scale_increase_keeps_the_values(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "price", FieldType.Number, f => f with { Precision = 10, Scale = 2 });
        var a = await t.InsertAsync("Item", """{"name": "a", "price": 12.34}""");
        var b = await t.InsertAsync("Item", """{"name": "b", "price": -0.5}""");

        var changed = await t.UpdateFieldAsync("Item", "price", new FieldInput { Precision = 12, Scale = 4 });

        Assert.Equal((12, 4), (changed.EffectivePrecision, changed.EffectiveScale));
        Assert.Equal(12.34m, (await t.RequireAsync("Item", a))["price"]);
        Assert.Equal(-0.5m, (await t.RequireAsync("Item", b))["price"]);
        var c = await t.InsertAsync("Item", """{"name": "c", "price": 1.2345}""");
        Assert.Equal(1.2345m, (await t.RequireAsync("Item", c))["price"]);
        Assert.Equal(["a", "c"], await t.NamesAsync("Item", """{"price": {"gt": 1.2344}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Number_scale_decrease_converts_values_that_fit_and_refuses_values_that_would_lose_digits(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "price", FieldType.Number, f => f with { Precision = 10, Scale = 3 });
        var a = await t.InsertAsync("Item", """{"name": "a", "price": 12.5}""");
        var b = await t.InsertAsync("Item", """{"name": "b", "price": 1.125}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "price", new FieldInput { Scale = 1 }), "type");
        Assert.Equal(3, (await t.FieldAsync("Item", "price"))!.EffectiveScale);
        Assert.Equal(1.125m, (await t.RequireAsync("Item", b))["price"]);

        await t.UpdateAsync("Item", b, """{"price": 1.1}""");
        await t.UpdateFieldAsync("Item", "price", new FieldInput { Scale = 1 });
        Assert.Equal(12.5m, (await t.RequireAsync("Item", a))["price"]);
        Assert.Equal(1.1m, (await t.RequireAsync("Item", b))["price"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Number_precision_narrowing_below_existing_values_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "price", FieldType.Currency, f => f with { Precision = 12, Scale = 2 });
        var a = await t.InsertAsync("Item", """{"name": "a", "price": 123456.78}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "price", new FieldInput { Precision = 6 }), "type");

        Assert.Equal(12, (await t.FieldAsync("Item", "price"))!.EffectivePrecision);
        Assert.Equal(123456.78m, (await t.RequireAsync("Item", a))["price"]);
        await t.UpdateFieldAsync("Item", "price", new FieldInput { Precision = 8 });
        Assert.Equal(123456.78m, (await t.RequireAsync("Item", a))["price"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Picklist_converts_to_text(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "status", FieldType.Picklist, f => f with { Values = ["Draft", "Sent"], DefaultValue = "Draft" });
        var a = await t.InsertAsync("Item", """{"name": "a", "status": "Sent"}""");

        var changed = await t.UpdateFieldAsync("Item", "status", new FieldInput { Type = FieldType.Text });

        Assert.Equal(FieldType.Text, changed.Type);
        Assert.Empty(changed.Values);
        Assert.Equal("Sent", (await t.RequireAsync("Item", a))["status"]);
        var b = await t.InsertAsync("Item", """{"name": "b", "status": "Anything goes"}""");
        Assert.Equal("Anything goes", (await t.RequireAsync("Item", b))["status"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_converts_to_picklist_only_when_every_value_is_allowed(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "status", FieldType.Text);
        var a = await t.InsertAsync("Item", """{"name": "a", "status": "Open"}""");
        await t.InsertAsync("Item", """{"name": "b", "status": "Closed"}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "status", new FieldInput { Type = FieldType.Picklist, Values = ["Open"] }), "type");
        var changed = await t.UpdateFieldAsync("Item", "status", new FieldInput { Type = FieldType.Picklist, Values = ["Open", "Closed"] });

        Assert.Equal(FieldType.Picklist, changed.Type);
        Assert.Equal("Open", (await t.RequireAsync("Item", a))["status"]);
        await Refused.ValidationAsync(() => t.InsertAsync("Item", """{"name": "c", "status": "Other"}"""), "status");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Type_change_that_existing_data_cannot_convert_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Text, f => f with { Indexed = true });
        var good = await t.InsertAsync("Item", """{"name": "good", "qty": "42"}""");
        var bad = await t.InsertAsync("Item", """{"name": "bad", "qty": "forty-two"}""");
        var version = await t.VersionAsync();

        var error = await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Integer }), "type");

        Assert.Contains("1 existing record", error.FieldErrors.Single(e => e.Field == "type").Message, StringComparison.Ordinal);
        Assert.Equal(version, await t.VersionAsync());
        var field = (await t.StoredMetadataAsync()).FindObject("Item")!.FindField("qty")!;
        Assert.Equal((FieldType.Text, "qty"), (field.Type, field.Column));
        Assert.Equal("42", (await t.RequireAsync("Item", good))["qty"]);
        Assert.Equal("forty-two", (await t.RequireAsync("Item", bad))["qty"]);
        Assert.Equal(["bad"], await t.NamesAsync("Item", """{"qty": {"eq": "forty-two"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Other_non_convertible_changes_are_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "price", FieldType.Number);
        await t.CreateFieldAsync("Item", "flag", FieldType.Integer);
        await t.CreateFieldAsync("Item", "note", FieldType.Text);
        await t.CreateFieldAsync("Item", "account", FieldType.Lookup, f => f with { Target = "Account" });
        await t.InsertAsync("Item", """{"name": "a", "price": 12.5, "flag": 7, "note": "not json {"}""");
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "price", new FieldInput { Type = FieldType.Integer }), "type");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "flag", new FieldInput { Type = FieldType.Boolean }), "type");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "note", new FieldInput { Type = FieldType.Json }), "type");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "note", new FieldInput { Type = FieldType.Email }), "type");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "note", new FieldInput { Type = FieldType.Lookup, Target = "Account" }), "type");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "account", new FieldInput { Type = FieldType.Text }), "type");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "note", new FieldInput { Type = FieldType.AutoNumber }), "type");

        Assert.Equal(version, await t.VersionAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Narrowing_max_length_below_existing_data_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text);
        var a = await t.InsertAsync("Item", """{"name": "a", "code": "ABCDEFGH"}""");
        await t.InsertAsync("Item", """{"name": "b", "code": "AB"}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "code", new FieldInput { MaxLength = 5 }), "type");

        Assert.Equal(255, (await t.FieldAsync("Item", "code"))!.EffectiveMaxLength);
        Assert.Equal("ABCDEFGH", (await t.RequireAsync("Item", a))["code"]);
        await t.UpdateFieldAsync("Item", "code", new FieldInput { MaxLength = 8 });
        Assert.Equal(8, (await t.FieldAsync("Item", "code"))!.EffectiveMaxLength);
        await Refused.ValidationAsync(() => t.InsertAsync("Item", """{"name": "c", "code": "ABCDEFGHI"}"""), "code");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Widening_max_length_beyond_the_default_keeps_data_and_accepts_longer_values(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text, f => f with { Unique = true });
        var a = await t.InsertAsync("Item", """{"name": "a", "code": "short"}""");

        await t.UpdateFieldAsync("Item", "code", new FieldInput { MaxLength = 2000 });
        var longValue = new string('z', 2000);
        var b = await t.InsertAsync("Item", new Dictionary<string, object?> { ["name"] = "b", ["code"] = longValue });

        Assert.Equal("short", (await t.RequireAsync("Item", a))["code"]);
        Assert.Equal(longValue, (await t.RequireAsync("Item", b))["code"]);
        await Refused.WithAsync(Paas.Core.Errors.ErrorCodes.Conflict, () => t.InsertAsync("Item", """{"name": "c", "code": "short"}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Making_a_field_required_while_records_lack_a_value_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text);
        await t.InsertAsync("Item", """{"name": "a", "code": "A"}""");
        var empty = await t.InsertAsync("Item", """{"name": "b"}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "code", new FieldInput { Required = true }), "required");
        Assert.False((await t.FieldAsync("Item", "code"))!.Required);

        await t.UpdateAsync("Item", empty, """{"code": "B"}""");
        await t.UpdateFieldAsync("Item", "code", new FieldInput { Required = true });
        Assert.True((await t.FieldAsync("Item", "code"))!.Required);
        await Refused.ValidationAsync(() => t.InsertAsync("Item", """{"name": "c"}"""), "code");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Making_a_field_unique_while_records_share_a_value_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text);
        await t.InsertAsync("Item", """{"name": "a", "code": "A"}""");
        var b = await t.InsertAsync("Item", """{"name": "b", "code": "A"}""");
        await t.InsertAsync("Item", """{"name": "c"}""");
        await t.InsertAsync("Item", """{"name": "d"}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "code", new FieldInput { Unique = true }), "unique");
        Assert.False((await t.FieldAsync("Item", "code"))!.Unique);

        // Several empty values do not count as duplicates.
        await t.UpdateAsync("Item", b, """{"code": "B"}""");
        await t.UpdateFieldAsync("Item", "code", new FieldInput { Unique = true });
        var error = await Refused.WithAsync(Paas.Core.Errors.ErrorCodes.Conflict, () => t.InsertAsync("Item", """{"name": "e", "code": "A"}"""));
        Assert.Equal("code", Assert.Single(error.FieldErrors).Field);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task New_required_field_on_an_object_with_records_needs_a_default_which_fills_them(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        var ids = await t.InsertNamedAsync("Item", ["a", "b", "c"]);

        await Refused.ValidationAsync(() => t.CreateFieldAsync("Item", "status", FieldType.Picklist, f => f with { Values = ["New", "Old"], Required = true }), "defaultValue");
        await t.CreateFieldAsync("Item", "status", FieldType.Picklist, f => f with { Values = ["New", "Old"], Required = true, DefaultValue = "Old" });
        await t.CreateFieldAsync("Item", "weight", FieldType.Number, f => f with { Required = true, DefaultValue = "1.5" });

        foreach (var id in ids)
        {
            var row = await t.RequireAsync("Item", id);
            Assert.Equal(("Old", 1.5m), (row["status"], row["weight"]));
        }

        var d = await t.InsertAsync("Item", """{"name": "d"}""");
        Assert.Equal("Old", (await t.RequireAsync("Item", d))["status"]);
        Assert.Equal(4, await t.CountAsync("Item", Json.Map("""{"status": {"eq": "Old"}, "weight": {"eq": 1.5}}""")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task New_required_field_on_an_empty_object_needs_no_default(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");

        await t.CreateFieldAsync("Item", "code", FieldType.Text, f => f with { Required = true });

        await Refused.ValidationAsync(() => t.InsertAsync("Item", """{"name": "a"}"""), "code");
        await t.InsertAsync("Item", """{"name": "a", "code": "A"}""");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task New_required_unique_field_whose_default_would_duplicate_values_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.InsertNamedAsync("Item", ["a", "b"]);
        var version = await t.VersionAsync();

        // Two records would both get "X": that is bad input (VALIDATION_FAILED), not a database failure.
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Item", "code", FieldType.Text, f => f with { Required = true, Unique = true, DefaultValue = "X" }));

        Assert.Equal(version, await t.VersionAsync());
        Assert.Null(await t.FieldAsync("Item", "code"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Type_change_keeps_the_unique_rule_and_composite_indexes_working(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text, f => f with { Unique = true });
        await t.CreateFieldAsync("Item", "status", FieldType.Text);
        await t.Metadata.CreateIndexAsync(t.Tenant, new IndexInput { Object = "Item", Fields = [new IndexColumn("code", false), new IndexColumn("status", true)] }, CancellationToken.None);
        await t.InsertAsync("Item", """{"name": "a", "code": "1", "status": "x"}""");

        await t.UpdateFieldAsync("Item", "code", new FieldInput { Type = FieldType.Integer });

        var error = await Refused.WithAsync(Paas.Core.Errors.ErrorCodes.Conflict, () => t.InsertAsync("Item", """{"name": "b", "code": 1}"""));
        Assert.Equal("code", Assert.Single(error.FieldErrors).Field);
        await t.InsertAsync("Item", """{"name": "c", "code": 2}""");
        await t.UpdateFieldAsync("Item", "code", new FieldInput { Type = FieldType.Text });
        Assert.Equal(["a"], await t.NamesAsync("Item", """{"code": {"eq": "1"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Type_change_that_would_make_unique_values_collide_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text, f => f with { Unique = true });
        await t.InsertAsync("Item", """{"name": "a", "code": "1"}""");
        await t.InsertAsync("Item", """{"name": "b", "code": "01"}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "code", new FieldInput { Type = FieldType.Integer }), "unique");

        Assert.Equal(FieldType.Text, (await t.FieldAsync("Item", "code"))!.Type);
        Assert.Equal(["b"], await t.NamesAsync("Item", """{"code": {"eq": "01"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Field_can_change_type_back_and_forth_repeatedly(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Integer);
        var a = await t.InsertAsync("Item", """{"name": "a", "qty": 5}""");

        for (var i = 0; i < 3; i++)
        {
            await t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Text });
            Assert.Equal("5", (await t.RequireAsync("Item", a))["qty"]);
            await t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Number, Scale = 2 });
            Assert.Equal(5m, (await t.RequireAsync("Item", a))["qty"]);
            await t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Integer });
            Assert.Equal(5L, (await t.RequireAsync("Item", a))["qty"]);
        }

        Assert.Equal(["a"], await t.NamesAsync("Item", """{"qty": {"eq": 5}}"""));
    }
}
