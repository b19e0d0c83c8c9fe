using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Records;

/// <summary>Lookups name existing records; deleting a record clears lookups to it and cascades or restricts through master-detail.</summary>
public sealed class RelationTests
{
    private static async Task<TestTenant> CrmAsync(DatabaseProvider provider, bool cascade)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Account");
        await t.CreateFieldAsync("Account", "parent", FieldType.Lookup, f => f with { Target = "Account" });
        await t.CreateObjectAsync("Contact");
        await t.CreateFieldAsync("Contact", "account", FieldType.Lookup, f => f with { Target = "Account" });
        await t.CreateObjectAsync("Order");
        await t.CreateFieldAsync("Order", "account", FieldType.MasterDetail, f => f with { Target = "Account", CascadeDelete = cascade });
        await t.CreateFieldAsync("Order", "contact", FieldType.Lookup, f => f with { Target = "Contact" });
        await t.CreateObjectAsync("OrderLine");
        await t.CreateFieldAsync("OrderLine", "order", FieldType.MasterDetail, f => f with { Target = "Order", CascadeDelete = true });
        await t.CreateObjectAsync("Note");
        await t.CreateFieldAsync("Note", "order", FieldType.Lookup, f => f with { Target = "Order" });
        return t;
    }

    private static Dictionary<string, object?> Row(string name, params (string Field, Guid? Id)[] relations)
    {
        var row = new Dictionary<string, object?> { ["name"] = name };
        foreach (var (field, id) in relations)
        {
            row[field] = id?.ToString();
        }

        return row;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Lookup_to_a_record_that_does_not_exist_is_refused(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: true);
        var contact = await t.InsertAsync("Contact", Row("c"));
        var account = await t.InsertAsync("Account", Row("a"));

        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Contact", Row("x", ("account", Guid.CreateVersion7()))), "account");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Contact", Row("x", ("account", contact))), "account");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Contact", new Dictionary<string, object?> { ["name"] = "x", ["account"] = "not-a-uuid" }), "account");
        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Contact", new Dictionary<string, object?> { ["name"] = "x", ["account"] = "' OR 1=1 --" }), "account");
        await Refused.ValidationExactlyAsync(() => t.UpdateAsync("Contact", contact, Row("c", ("account", Guid.CreateVersion7()))), "account");

        Assert.Equal(1, await t.CountAsync("Contact"));
        await t.UpdateAsync("Contact", contact, Row("c", ("account", account)));
        Assert.Equal(account, (await t.RequireAsync("Contact", contact))["account"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Lookup_to_a_record_of_another_tenant_is_refused(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: true);
        var other = await t.CreateSiblingAsync();
        await other.CreateObjectAsync("Account");
        var foreign = await other.InsertAsync("Account", Row("theirs"));

        await Refused.ValidationExactlyAsync(() => t.InsertAsync("Contact", Row("x", ("account", foreign))), "account");

        Assert.Equal(0, await t.CountAsync("Contact"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleting_a_record_clears_lookups_pointing_at_it(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: true);
        var doomed = await t.InsertAsync("Account", Row("doomed"));
        var kept = await t.InsertAsync("Account", Row("kept"));
        var child = await t.InsertAsync("Account", Row("child", ("parent", doomed)));
        var c1 = await t.InsertAsync("Contact", Row("c1", ("account", doomed)));
        var c2 = await t.InsertAsync("Contact", Row("c2", ("account", kept)));

        await t.DeleteAsync("Account", doomed);

        Assert.Null(await t.GetAsync("Account", doomed));
        var cleared = await t.RequireAsync("Contact", c1);
        Assert.Null(cleared["account"]);
        Assert.Equal(2L, cleared["version"]);
        Assert.Null((await t.RequireAsync("Account", child))["parent"]);
        Assert.Equal((kept, 1L), ((await t.RequireAsync("Contact", c2))["account"], (await t.RequireAsync("Contact", c2))["version"]));
        Assert.Equal(["c1"], await t.NamesAsync("Contact", """{"account": {"id": {"isNull": true}}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleting_a_master_cascades_to_its_details_and_their_details(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: true);
        var account = await t.InsertAsync("Account", Row("acme"));
        var other = await t.InsertAsync("Account", Row("other"));
        var order = await t.InsertAsync("Order", Row("o1", ("account", account)));
        var keptOrder = await t.InsertAsync("Order", Row("o2", ("account", other)));
        var lines = await t.InsertManyAsync("OrderLine", [Row("l1", ("order", order)), Row("l2", ("order", order)), Row("l3", ("order", keptOrder))]);
        var note = await t.InsertAsync("Note", Row("n", ("order", order)));

        await t.DeleteAsync("Account", account);

        Assert.Null(await t.GetAsync("Order", order));
        Assert.Null(await t.GetAsync("OrderLine", lines[0]));
        Assert.Null(await t.GetAsync("OrderLine", lines[1]));
        Assert.NotNull(await t.GetAsync("OrderLine", lines[2]));
        Assert.NotNull(await t.GetAsync("Order", keptOrder));
        Assert.Null((await t.RequireAsync("Note", note))["order"]);
        Assert.Equal(["o2"], await t.NamesAsync("Order", "{}"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleting_a_master_with_restricted_details_is_a_conflict_and_changes_nothing(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: false);
        var account = await t.InsertAsync("Account", Row("acme"));
        var contact = await t.InsertAsync("Contact", Row("c", ("account", account)));
        var order = await t.InsertAsync("Order", Row("o", ("account", account)));

        await Refused.WithAsync(ErrorCodes.Conflict, () => t.DeleteAsync("Account", account));

        Assert.NotNull(await t.GetAsync("Account", account));
        Assert.NotNull(await t.GetAsync("Order", order));
        var row = await t.RequireAsync("Contact", contact);
        Assert.Equal((account, 1L), (row["account"], row["version"]));

        await t.DeleteAsync("Order", order);
        await t.DeleteAsync("Account", account);
        Assert.Null(await t.GetAsync("Account", account));
        Assert.Null((await t.RequireAsync("Contact", contact))["account"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleting_a_master_without_details_is_allowed_even_when_restricted(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: false);
        var account = await t.InsertAsync("Account", Row("acme"));

        await t.DeleteAsync("Account", account);

        Assert.Null(await t.GetAsync("Account", account));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Relation_reads_as_the_related_id_and_joins_its_fields(DatabaseProvider provider)
    {
        await using var t = await CrmAsync(provider, cascade: true);
        var account = await t.InsertAsync("Account", Row("acme"));
        var contact = await t.InsertAsync("Contact", Row("c", ("account", account)));
        var orphan = await t.InsertAsync("Contact", Row("o"));

        await using var session = await t.OpenSessionAsync();
        var contactObject = session.Metadata.FindObject("Contact")!;
        var accountObject = session.Metadata.FindObject("Account")!;
        var selection = new Paas.Data.Query.RecordSelection(contactObject, [contactObject.FindField("name")!],
            [new Paas.Data.Query.RelationSelection(contactObject.FindField("account")!, new Paas.Data.Query.RecordSelection(accountObject, [accountObject.IdField, accountObject.FindField("name")!], []))]);
        var row = await Paas.Data.Query.RecordQueryExecutor.GetAsync(session, selection, contact, CancellationToken.None);
        var none = await Paas.Data.Query.RecordQueryExecutor.GetAsync(session, selection, orphan, CancellationToken.None);

        var related = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(row!["account"]);
        Assert.Equal(("acme", account), (related["name"], related["id"]));
        Assert.Null(none!["account"]);
    }
}
