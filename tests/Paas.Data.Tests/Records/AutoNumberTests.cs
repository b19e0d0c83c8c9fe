using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Records;

/// <summary>AUTO_NUMBER fields: formatted sequence values, read-only, never handed out twice, not consumed by failed writes.</summary>
public sealed class AutoNumberTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Auto_number_field_takes_consecutive_formatted_values(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "number", FieldType.AutoNumber, f => f with { DisplayFormat = "INV-{0000}" });

        var one = await t.InsertAsync("Invoice", """{"name": "a"}""");
        var batch = await t.InsertNamedAsync("Invoice", ["b", "c", "d"]);

        Assert.Equal("INV-0001", (await t.RequireAsync("Invoice", one))["number"]);
        var numbers = new List<object?>();
        foreach (var id in batch)
        {
            numbers.Add((await t.RequireAsync("Invoice", id))["number"]);
        }

        Assert.Equal(["INV-0002", "INV-0003", "INV-0004"], numbers);
        Assert.Equal(["c"], await t.NamesAsync("Invoice", """{"number": {"eq": "INV-0003"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Auto_number_starts_at_the_starting_number_and_grows_past_its_padding(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "number", FieldType.AutoNumber, f => f with { DisplayFormat = "{00}/X", StartingNumber = 98 });

        var ids = await t.InsertNamedAsync("Invoice", ["a", "b", "c"]);

        var numbers = new List<object?>();
        foreach (var id in ids)
        {
            numbers.Add((await t.RequireAsync("Invoice", id))["number"]);
        }

        Assert.Equal(["98/X", "99/X", "100/X"], numbers);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Auto_number_name_is_filled_by_the_platform(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Ticket", NameType.AutoNumber, "T-{0000}");

        var a = await t.InsertAsync("Ticket", "{}");
        var b = await t.InsertAsync("Ticket", "{}");

        Assert.Equal("T-0001", (await t.RequireAsync("Ticket", a))["name"]);
        Assert.Equal("T-0002", (await t.RequireAsync("Ticket", b))["name"]);
        Assert.Equal(FieldType.AutoNumber, (await t.FieldAsync("Ticket", "name"))!.Type);
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Ticket", """{"name": "T-9999"}"""), "name");
        await Refused.ValidationExactlyAsync(() => t.UpdateAsync("Ticket", a, """{"name": "T-9999"}"""), "name");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Auto_number_field_cannot_be_written(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "number", FieldType.AutoNumber, f => f with { DisplayFormat = "INV-{0000}" });
        var id = await t.InsertAsync("Invoice", """{"name": "a"}""");

        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Invoice", """{"name": "b", "number": "INV-0001"}"""), "number");
        await Refused.ValidationExactlyAsync(() => t.UpdateAsync("Invoice", id, """{"number": "INV-0042"}"""), "number");

        Assert.Equal("INV-0001", (await t.RequireAsync("Invoice", id))["number"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Auto_number_added_to_an_object_with_records_numbers_them_in_creation_order(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        var first = await t.InsertAsync("Invoice", """{"name": "first"}""");
        await Task.Delay(5);
        var second = await t.InsertAsync("Invoice", """{"name": "second"}""");

        await t.CreateFieldAsync("Invoice", "number", FieldType.AutoNumber, f => f with { DisplayFormat = "N{000}" });
        var third = await t.InsertAsync("Invoice", """{"name": "third"}""");

        Assert.Equal("N001", (await t.RequireAsync("Invoice", first))["number"]);
        Assert.Equal("N002", (await t.RequireAsync("Invoice", second))["number"]);
        Assert.Equal("N003", (await t.RequireAsync("Invoice", third))["number"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Failed_write_does_not_consume_auto_numbers(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "number", FieldType.AutoNumber, f => f with { DisplayFormat = "INV-{0000}" });
        await t.CreateFieldAsync("Invoice", "code", FieldType.Text, f => f with { Unique = true });
        await t.InsertAsync("Invoice", """{"name": "a", "code": "A"}""");

        // The numbers are reserved before the insert fails on the unique value: the rollback must return them.
        await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertManyAsync("Invoice", Json.Maps("""[{"name": "b", "code": "B"}, {"name": "c", "code": "A"}]""")));
        var next = await t.InsertAsync("Invoice", """{"name": "d", "code": "D"}""");

        Assert.Equal("INV-0002", (await t.RequireAsync("Invoice", next))["number"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Two_auto_number_fields_on_one_object_count_independently(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Ticket", NameType.AutoNumber, "T-{000}");
        await t.InsertAsync("Ticket", "{}");
        await t.CreateFieldAsync("Ticket", "ref", FieldType.AutoNumber, f => f with { DisplayFormat = "R{0}", StartingNumber = 500 });

        var id = await t.InsertAsync("Ticket", "{}");

        var row = await t.RequireAsync("Ticket", id);
        Assert.Equal(("T-002", "R501"), (row["name"], row["ref"]));
    }
}
