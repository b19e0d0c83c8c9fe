using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>Deleting hides a field or object and keeps its data; restoring brings it back; purging drops it for good.</summary>
public sealed class DeleteRestorePurgeTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleted_field_is_hidden_and_its_data_is_back_after_restore(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "note", FieldType.Text, f => f with { Required = true });
        var a = await t.InsertAsync("Item", """{"name": "a", "note": "kept"}""");

        await t.DeleteFieldAsync("Item", "note");

        var item = await t.ObjectAsync("Item");
        Assert.Null(item.FindField("note"));
        Assert.True(item.FindFieldIncludingDeleted("note")!.IsDeleted);
        Assert.DoesNotContain("note", (await t.RequireAsync("Item", a)).Keys);
        await Refused.ValidationAsync(() => t.InsertAsync("Item", """{"name": "b", "note": "x"}"""), "note");
        await Refused.ValidationAsync(() => t.NamesAsync("Item", """{"note": {"eq": "kept"}}"""), "filter.note");
        var b = await t.InsertAsync("Item", """{"name": "b"}""");

        var restored = await t.RestoreFieldAsync("Item", "note");

        Assert.False(restored.IsDeleted);
        Assert.Equal("kept", (await t.RequireAsync("Item", a))["note"]);
        Assert.Null((await t.RequireAsync("Item", b))["note"]);
        Assert.Equal(["a"], await t.NamesAsync("Item", """{"note": {"eq": "kept"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleted_field_name_cannot_be_reused_until_the_field_is_purged(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "note", FieldType.Text, f => f with { Unique = true });
        var a = await t.InsertAsync("Item", """{"name": "a", "note": "old data"}""");
        await t.DeleteFieldAsync("Item", "note");

        await Refused.ValidationAsync(() => t.CreateFieldAsync("Item", "note", FieldType.Integer), "apiName");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Item", "NOTE", FieldType.Integer), "apiName");
        await t.PurgeFieldAsync("Item", "note");

        Assert.Null((await t.ObjectAsync("Item")).FindFieldIncludingDeleted("note"));
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.RestoreFieldAsync("Item", "note"));
        var recreated = await t.CreateFieldAsync("Item", "note", FieldType.Integer, f => f with { Unique = true });
        Assert.Equal(FieldType.Integer, recreated.Type);
        Assert.Null((await t.RequireAsync("Item", a))["note"]);
        await t.UpdateAsync("Item", a, """{"note": 7}""");
        Assert.Equal(7L, (await t.RequireAsync("Item", a))["note"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Only_deleted_fields_can_be_purged_or_restored(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "note", FieldType.Text);
        var a = await t.InsertAsync("Item", """{"name": "a", "note": "x"}""");

        await Refused.ValidationAsync(() => t.PurgeFieldAsync("Item", "note"), "apiName");
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.RestoreFieldAsync("Item", "note"));
        await Refused.ValidationAsync(() => t.DeleteFieldAsync("Item", "missing"), "apiName");
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.RestoreFieldAsync("Item", "missing"));

        Assert.Equal("x", (await t.RequireAsync("Item", a))["note"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleted_field_can_be_purged_after_a_type_change_and_an_index(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Text, f => f with { Unique = true });
        await t.CreateFieldAsync("Item", "other", FieldType.Text);
        await t.InsertAsync("Item", """{"name": "a", "qty": "1", "other": "o"}""");
        await t.UpdateFieldAsync("Item", "qty", new FieldInput { Type = FieldType.Integer });
        await t.Metadata.CreateIndexAsync(t.Tenant, new IndexInput { Object = "Item", Fields = [new IndexColumn("qty", false), new IndexColumn("other", false)] }, CancellationToken.None);

        await t.DeleteFieldAsync("Item", "qty");
        await t.PurgeFieldAsync("Item", "qty");

        var item = await t.ObjectAsync("Item");
        Assert.Null(item.FindFieldIncludingDeleted("qty"));
        Assert.Empty(item.Indexes);
        await t.CreateFieldAsync("Item", "qty", FieldType.Integer, f => f with { Unique = true });
        await t.InsertAsync("Item", """{"name": "b", "qty": 1}""");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleted_object_is_hidden_and_its_records_are_back_after_restore(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Integer);
        var a = await t.InsertAsync("Item", """{"name": "a", "qty": 3}""");

        await t.DeleteObjectAsync("Item");

        var metadata = await t.MetadataAsync();
        Assert.Null(metadata.FindObject("Item"));
        Assert.True(metadata.FindObjectIncludingDeleted("Item")!.IsDeleted);
        Assert.DoesNotContain(metadata.LiveObjects, o => o.ApiName == "Item");

        await t.RestoreObjectAsync("Item");

        var row = await t.RequireAsync("Item", a);
        Assert.Equal(("a", 3L), (row["name"], row["qty"]));
        await t.InsertAsync("Item", """{"name": "b", "qty": 4}""");
        Assert.Equal(2, await t.CountAsync("Item"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleted_object_name_cannot_be_reused_until_the_object_is_purged(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Integer);
        await t.InsertAsync("Item", """{"name": "old", "qty": 3}""");
        await t.DeleteObjectAsync("Item");

        await Refused.ValidationAsync(() => t.CreateObjectAsync("Item"), "apiName");
        await Refused.ValidationAsync(() => t.CreateObjectAsync("ITEM"), "apiName");
        await t.PurgeObjectAsync("Item");

        Assert.Null((await t.MetadataAsync()).FindObjectIncludingDeleted("Item"));
        await Refused.WithAsync(ErrorCodes.NotFound, () => t.RestoreObjectAsync("Item"));
        await t.CreateObjectAsync("Item");
        var item = await t.ObjectAsync("Item");
        Assert.Null(item.FindFieldIncludingDeleted("qty"));
        Assert.Equal(0, await t.CountAsync("Item"));
        await t.CreateFieldAsync("Item", "qty", FieldType.Text);
        await t.InsertAsync("Item", """{"name": "new", "qty": "three"}""");
        Assert.Equal(["new"], await t.NamesAsync("Item", "{}"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_with_an_auto_number_name_can_be_purged_and_recreated_with_a_fresh_sequence(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Ticket", NameType.AutoNumber, "T-{000}");
        await t.InsertAsync("Ticket", "{}");
        await t.InsertAsync("Ticket", "{}");
        await t.DeleteObjectAsync("Ticket");
        await t.PurgeObjectAsync("Ticket");

        await t.CreateObjectAsync("Ticket", NameType.AutoNumber, "T-{000}");
        var id = await t.InsertAsync("Ticket", "{}");

        Assert.Equal("T-001", (await t.RequireAsync("Ticket", id))["name"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_targeted_by_a_live_lookup_cannot_be_deleted(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateObjectAsync("Contact");
        await t.CreateFieldAsync("Contact", "account", FieldType.Lookup, f => f with { Target = "Account" });
        var version = await t.VersionAsync();

        var error = await Refused.ValidationAsync(() => t.DeleteObjectAsync("Account"));

        Assert.Contains("Contact.account", error.Message, StringComparison.Ordinal);
        Assert.Equal(version, await t.VersionAsync());
        Assert.NotNull((await t.MetadataAsync()).FindObject("Account"));

        await t.DeleteFieldAsync("Contact", "account");
        await t.DeleteObjectAsync("Account");
        Assert.Null((await t.MetadataAsync()).FindObject("Account"));

        // The deleted (unpurged) lookup still points at Account: it blocks the purge and cannot be restored without its target.
        await Refused.ValidationAsync(() => t.PurgeObjectAsync("Account"));
        await Refused.ValidationAsync(() => t.RestoreFieldAsync("Contact", "account"), "target");
        await t.PurgeFieldAsync("Contact", "account");
        await t.PurgeObjectAsync("Account");
        Assert.Null((await t.MetadataAsync()).FindObjectIncludingDeleted("Account"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_with_a_self_lookup_can_be_deleted_and_restored(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        var parent = await t.InsertAsync("Account", """{"name": "parent"}""");
        var child = await t.InsertAsync("Account", new Dictionary<string, object?> { ["name"] = "child", ["parent"] = parent.ToString() });

        await t.DeleteObjectAsync("Account");
        await t.RestoreObjectAsync("Account");

        Assert.Equal(parent, (await t.RequireAsync("Account", child))["parent"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_whose_lookup_target_is_deleted_cannot_be_restored_before_the_target(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateObjectAsync("Contact");
        await t.CreateFieldAsync("Contact", "account", FieldType.Lookup, f => f with { Target = "Account" });
        await t.DeleteObjectAsync("Contact");
        await t.DeleteObjectAsync("Account");

        await Refused.ValidationAsync(() => t.RestoreObjectAsync("Contact"), "account");
        await t.RestoreObjectAsync("Account");
        await t.RestoreObjectAsync("Contact");

        Assert.NotNull((await t.MetadataAsync()).FindObject("Contact"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Restored_lookup_field_does_not_point_at_a_record_deleted_while_it_was_hidden(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateObjectAsync("Contact");
        await t.CreateFieldAsync("Contact", "account", FieldType.Lookup, f => f with { Target = "Account" });
        var account = await t.InsertAsync("Account", """{"name": "gone"}""");
        var contact = await t.InsertAsync("Contact", new Dictionary<string, object?> { ["name"] = "c", ["account"] = account.ToString() });

        await t.DeleteFieldAsync("Contact", "account");
        await t.DeleteAsync("Account", account);
        await t.RestoreFieldAsync("Contact", "account");

        // A lookup always names an existing record (or nothing): deleting the account clears it, hidden or not.
        Assert.Null(await t.GetAsync("Account", account));
        Assert.Null((await t.RequireAsync("Contact", contact))["account"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Restored_object_does_not_point_at_a_record_deleted_while_it_was_hidden(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateObjectAsync("Contact");
        await t.CreateFieldAsync("Contact", "account", FieldType.Lookup, f => f with { Target = "Account" });
        var account = await t.InsertAsync("Account", """{"name": "gone"}""");
        var contact = await t.InsertAsync("Contact", new Dictionary<string, object?> { ["name"] = "c", ["account"] = account.ToString() });

        await t.DeleteObjectAsync("Contact");
        await t.DeleteAsync("Account", account);
        await t.RestoreObjectAsync("Contact");

        Assert.Null((await t.RequireAsync("Contact", contact))["account"]);
    }
}
