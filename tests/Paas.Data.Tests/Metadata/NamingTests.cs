using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>The naming rules of the contract: bad, reserved and duplicate names are refused and change nothing.</summary>
public sealed class NamingTests
{
    private static readonly string[] BadObjectNames =
    [
        "Drop Table", "x\"; DROP TABLE", "Invoice\"; DROP TABLE o_invoice; --", "invoice", "Query", "Mutation", "String",
        "InvoiceFilter", "InvoiceConnection", "InvoiceOrderBy", "InvoiceCreateInput", "1Invoice", "Invoice_1", "Invoice-1",
        "Ünicode", "A" + new string('b', 40), "", "ns__invoice", "Table", "query", "Invoice\n", "Invoice ", " Invoice", "Inv\0ice",
    ];

    private static readonly string[] BadFieldNames =
    [
        "id", "name", "Name", "createdAt", "CREATEDAT", "version", "ownerId", "and", "or", "not", "totalCount", "cursor",
        "Drop Table", "drop table", "x\"; DROP TABLE", "amount\" text); --", "Amount", "1amount", "amount_1", "amount-1",
        "a" + new string('b', 40), "", "héllo", "null", "true", "isNull", "amount\n", "amount ",
    ];

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Bad_or_reserved_object_names_are_refused_and_change_nothing(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        var version = await t.VersionAsync();

        foreach (var name in BadObjectNames)
        {
            var error = await Refused.ValidationAsync(() => t.CreateObjectAsync(name));
            Assert.True(error.FieldErrors.Any(e => e.Field == "apiName"), $"'{name}': {error.Message}");
        }

        Assert.Equal(version, await t.VersionAsync());
        Assert.Equal(version, (await t.StoredMetadataAsync()).Version);
        Assert.Equal(["Invoice"], await t.ObjectNamesAsync());
        await t.CreateObjectAsync("Payment");
        Assert.Equal(version + 1, await t.VersionAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Bad_or_reserved_field_names_are_refused_and_change_nothing(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        var before = (await t.ObjectAsync("Invoice")).Fields.Select(f => f.ApiName).ToList();
        var version = await t.VersionAsync();

        foreach (var name in BadFieldNames)
        {
            var error = await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", name, FieldType.Text));
            Assert.True(error.FieldErrors.Any(e => e.Field == "apiName"), $"'{name}': {error.Message}");
        }

        Assert.Equal(version, await t.VersionAsync());
        Assert.Equal(before, (await t.ObjectAsync("Invoice")).Fields.Select(f => f.ApiName));
        await t.CreateFieldAsync("Invoice", "amount", FieldType.Integer);
        await t.InsertAsync("Invoice", """{"name": "INV-1", "amount": 3}""");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Longest_allowed_field_name_is_accepted(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        var fieldName = "a" + new string('B', 39);
        await t.CreateObjectAsync("Invoice");

        await t.CreateFieldAsync("Invoice", fieldName, FieldType.Text, f => f with { Unique = true });
        var id = await t.InsertAsync("Invoice", new Dictionary<string, object?> { ["name"] = "x", [fieldName] = "v" });

        Assert.Equal("v", (await t.RequireAsync("Invoice", id))[fieldName]);
        Assert.Equal(["x"], await t.NamesAsync("Invoice", new Dictionary<string, object?> { [fieldName] = Json.Map("""{"eq": "v"}""") }));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Long_object_and_field_names_keep_unique_conflicts_named_after_the_field(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        var objectName = "A" + new string('b', 38);
        var fieldName = "a" + new string('B', 39);
        await t.CreateObjectAsync(objectName);
        await t.CreateFieldAsync(objectName, fieldName, FieldType.Text, f => f with { Unique = true });
        await t.InsertAsync(objectName, new Dictionary<string, object?> { ["name"] = "x", [fieldName] = "v" });

        var error = await Refused.WithAsync(ErrorCodes.Conflict, () => t.InsertAsync(objectName, new Dictionary<string, object?> { ["name"] = "y", [fieldName] = "v" }));

        Assert.Equal(fieldName, Assert.Single(error.FieldErrors).Field);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Longest_allowed_object_name_is_accepted_with_its_default_plural(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        var objectName = "A" + new string('b', 39);

        // The contract allows 40 characters; the client gave no plural, so the default plural must not make it invalid.
        await t.CreateObjectAsync(objectName);
        var id = await t.InsertAsync(objectName, """{"name": "x"}""");

        Assert.Equal("x", (await t.RequireAsync(objectName, id))["name"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Duplicate_object_name_is_refused_also_when_it_differs_only_in_case(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.CreateObjectAsync("Invoice"), "apiName");
        await Refused.ValidationAsync(() => t.CreateObjectAsync("INVOICE"), "apiName");
        await Refused.ValidationAsync(() => t.CreateObjectAsync("InVoice"), "apiName");

        Assert.Equal(version, await t.VersionAsync());
        Assert.Equal(["Invoice"], await t.ObjectNamesAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Duplicate_field_name_is_refused_also_when_it_differs_only_in_case(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "amount", FieldType.Integer);
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "amount", FieldType.Integer), "apiName");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "aMOUNT", FieldType.Text), "apiName");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "nAME", FieldType.Text), "apiName");

        Assert.Equal(version, await t.VersionAsync());
        Assert.Single((await t.ObjectAsync("Invoice")).Fields, f => !f.IsSystem);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Same_field_name_on_two_objects_is_fine(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateObjectAsync("Payment");

        await t.CreateFieldAsync("Invoice", "code", FieldType.Text, f => f with { Unique = true });
        await t.CreateFieldAsync("Payment", "code", FieldType.Text, f => f with { Unique = true });
        await t.InsertAsync("Invoice", """{"name": "i", "code": "A"}""");
        await t.InsertAsync("Payment", """{"name": "p", "code": "A"}""");

        Assert.Equal(1, await t.CountAsync("Invoice"));
        Assert.Equal(1, await t.CountAsync("Payment"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_whose_query_name_collides_with_another_objects_plural_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Person", pluralApiName: "people");

        await Refused.ValidationAsync(() => t.CreateObjectAsync("People"), "pluralApiName");
        await Refused.ValidationAsync(() => t.CreateObjectAsync("Human", pluralApiName: "people"), "pluralApiName");
        await Refused.ValidationAsync(() => t.CreateObjectAsync("Sheep", pluralApiName: "sheep"), "pluralApiName");

        Assert.Equal(["Person"], await t.ObjectNamesAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Lookup_to_an_unknown_object_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateObjectAsync("Account");
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Customer" }), "target");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "account" }), "target");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "account", FieldType.MasterDetail, f => f with { Target = "x\"; DROP TABLE o_invoice; --" }), "target");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "account", FieldType.Lookup), "target");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "parent", FieldType.MasterDetail, f => f with { Target = "Invoice" }), "target");

        Assert.Equal(version, await t.VersionAsync());
        var account = await t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Account" });
        Assert.Equal("Account", account.Target);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Lookup_to_a_deleted_object_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateObjectAsync("Account");
        await t.DeleteObjectAsync("Account");

        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Account" }), "target");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Field_on_an_unknown_object_is_refused(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");

        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoce", "amount", FieldType.Integer), "object");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("invoice", "amount", FieldType.Integer), "object");
        await Refused.ValidationAsync(() => t.CreateFieldAsync(TestTenant.Field(null!, "amount", FieldType.Integer)), "object");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_with_a_namespace_prefix_is_created_and_usable(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);

        await t.CreateObjectAsync("acme__Invoice");
        await t.CreateFieldAsync("acme__Invoice", "acme__score", FieldType.Integer);
        var id = await t.InsertAsync("acme__Invoice", """{"name": "x", "acme__score": 5}""");

        Assert.Equal(5L, (await t.RequireAsync("acme__Invoice", id))["acme__score"]);
        Assert.Equal(["x"], await t.NamesAsync("acme__Invoice", """{"acme__score": {"eq": 5}}"""));
    }
}
