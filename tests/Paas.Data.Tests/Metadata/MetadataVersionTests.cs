using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>The tenant's metadata version counts successful changes, and a refused change leaves no trace.</summary>
public sealed class MetadataVersionTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Version_increases_by_one_on_every_successful_change(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        Assert.Equal(1, await t.VersionAsync()); // a new tenant: its built-in profiles and administrator
        var changes = new Func<Task>[]
        {
            () => t.CreateObjectAsync("Account"),
            () => t.CreateObjectAsync("Invoice"),
            () => t.CreateFieldAsync("Invoice", "amount", FieldType.Number),
            () => t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Account" }),
            () => t.UpdateFieldAsync("Invoice", "amount", new FieldInput { Label = "Amount due" }),
            () => t.UpdateFieldAsync("Invoice", "amount", new FieldInput { Type = FieldType.Currency }),
            () => t.Metadata.UpdateObjectAsync(t.Tenant, "Invoice", new ObjectInput { Label = "Bill" }, CancellationToken.None),
            () => t.Metadata.CreateIndexAsync(t.Tenant, new IndexInput { Object = "Invoice", Fields = [new IndexColumn("amount", true)] }, CancellationToken.None),
            () => t.DeleteFieldAsync("Invoice", "amount"),
            () => t.RestoreFieldAsync("Invoice", "amount"),
            () => t.DeleteFieldAsync("Invoice", "amount"),
            () => t.PurgeFieldAsync("Invoice", "amount"),
            () => t.DeleteObjectAsync("Invoice"),
            () => t.RestoreObjectAsync("Invoice"),
            () => t.DeleteObjectAsync("Invoice"),
            () => t.PurgeObjectAsync("Invoice"),
        };

        for (var i = 0; i < changes.Length; i++)
        {
            await changes[i]();
            Assert.Equal(i + 2, await t.VersionAsync());
            Assert.Equal(i + 2, (await t.StoredMetadataAsync()).Version);
        }
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Refused_changes_do_not_change_the_version(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "amount", FieldType.Integer);
        await t.InsertAsync("Invoice", """{"name": "a", "amount": 1}""");
        await t.InsertAsync("Invoice", """{"name": "b", "amount": 1}""");
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.CreateObjectAsync("Invoice"));
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "amount", FieldType.Text));
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "due", FieldType.Date, f => f with { Required = true }));
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "amount", new FieldInput { Unique = true }));
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "amount", new FieldInput { Type = FieldType.Boolean }));
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "name", new FieldInput { Required = false }));
        await Refused.ValidationAsync(() => t.DeleteFieldAsync("Invoice", "id"));
        await Refused.ValidationAsync(() => t.PurgeFieldAsync("Invoice", "amount"));
        await Refused.ValidationAsync(() => t.PurgeObjectAsync("Invoice"));

        Assert.Equal(version, await t.VersionAsync());
        Assert.Equal(version, (await t.StoredMetadataAsync()).Version);
        await t.CreateFieldAsync("Invoice", "note", FieldType.Text);
        Assert.Equal(version + 1, await t.VersionAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Refused_field_creation_leaves_no_column_behind(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        var id = await t.InsertAsync("Invoice", """{"name": "a"}""");
        var objects = await t.ObjectNamesAsync();

        // The column is added before the existing records are found to need a default: the whole change must roll back.
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Invoice", "due", FieldType.Date, f => f with { Required = true }), "defaultValue");

        Assert.Null(await t.FieldAsync("Invoice", "due"));
        Assert.Null((await t.StoredMetadataAsync()).FindObject("Invoice")!.FindFieldIncludingDeleted("due"));
        Assert.Equal(objects, await t.ObjectNamesAsync());
        await t.CreateFieldAsync("Invoice", "due", FieldType.Date, f => f with { Required = true, DefaultValue = "2024-01-31" });
        Assert.Equal(new DateOnly(2024, 1, 31), (await t.RequireAsync("Invoice", id))["due"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Refused_type_change_leaves_no_column_behind_and_a_later_change_still_works(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "qty", FieldType.Text);
        var id = await t.InsertAsync("Invoice", """{"name": "a", "qty": "abc"}""");
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "qty", new FieldInput { Type = FieldType.Integer }), "type");
        await t.UpdateAsync("Invoice", id, """{"qty": "12"}""");
        var changed = await t.UpdateFieldAsync("Invoice", "qty", new FieldInput { Type = FieldType.Integer });

        Assert.Equal(version + 1, await t.VersionAsync());
        Assert.Equal(FieldType.Integer, changed.Type);
        Assert.Equal(12L, (await t.RequireAsync("Invoice", id))["qty"]);
        Assert.Equal(["Invoice"], await t.ObjectNamesAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Refused_unique_flag_leaves_no_index_behind(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "code", FieldType.Text);
        await t.InsertAsync("Invoice", """{"name": "a", "code": "X"}""");
        var b = await t.InsertAsync("Invoice", """{"name": "b", "code": "X"}""");

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "code", new FieldInput { Unique = true }), "unique");
        await t.InsertAsync("Invoice", """{"name": "c", "code": "X"}""");
        await t.UpdateAsync("Invoice", b, """{"code": "Y"}""");
        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Invoice", "code", new FieldInput { Unique = true }), "unique");

        Assert.False((await t.FieldAsync("Invoice", "code"))!.Unique);
        Assert.Equal(3, await t.CountAsync("Invoice", Json.Map("""{"code": {"in": ["X", "Y"]}}""")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Refused_unique_composite_index_changes_neither_the_version_nor_the_indexes(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Invoice");
        await t.CreateFieldAsync("Invoice", "code", FieldType.Text);
        await t.CreateFieldAsync("Invoice", "year", FieldType.Integer);
        await t.InsertAsync("Invoice", """{"name": "a", "code": "X", "year": 2024}""");
        await t.InsertAsync("Invoice", """{"name": "b", "code": "X", "year": 2024}""");
        var version = await t.VersionAsync();
        var index = new IndexInput { Object = "Invoice", Fields = [new IndexColumn("code", false), new IndexColumn("year", false)], Unique = true };

        await Refused.ValidationAsync(() => t.Metadata.CreateIndexAsync(t.Tenant, index, CancellationToken.None), "unique");

        Assert.Equal(version, await t.VersionAsync());
        Assert.Equal(version, (await t.StoredMetadataAsync()).Version);
        Assert.Empty((await t.ObjectAsync("Invoice")).Indexes);
        await t.InsertAsync("Invoice", """{"name": "c", "code": "X", "year": 2024}""");
        await Refused.ValidationAsync(() => t.Metadata.CreateIndexAsync(t.Tenant, index with { Fields = [new IndexColumn("code", false), new IndexColumn("bogus", false)] }, CancellationToken.None), "fields[1].field");
        Assert.Equal(version, await t.VersionAsync());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Change_made_through_the_service_is_seen_by_the_next_snapshot(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        var before = await t.MetadataAsync();

        await t.CreateObjectAsync("Invoice");

        Assert.Null(before.FindObject("Invoice"));
        Assert.NotNull((await t.MetadataAsync()).FindObject("Invoice"));
        Assert.NotNull((await t.StoredMetadataAsync()).FindObject("Invoice"));
    }
}
