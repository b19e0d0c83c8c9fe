using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Storage;

/// <summary>Each tenant has its own metadata and its own records, even with the same object names.</summary>
public sealed class TenantIsolationTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Two_tenants_with_the_same_object_name_have_separate_data(DatabaseProvider provider)
    {
        await using var a = await TestTenant.CreateAsync(provider);
        var b = await a.CreateSiblingAsync();
        foreach (var t in new[] { a, b })
        {
            await t.CreateObjectAsync("Invoice");
            await t.CreateFieldAsync("Invoice", "code", FieldType.Text, f => f with { Unique = true });
        }

        await a.InsertAsync("Invoice", """{"name": "a1", "code": "SAME"}""");
        await a.InsertAsync("Invoice", """{"name": "a2", "code": "A-ONLY"}""");
        await b.InsertAsync("Invoice", """{"name": "b1", "code": "SAME"}""");

        Assert.Equal(["a1", "a2"], await a.NamesAsync("Invoice", "{}"));
        Assert.Equal(["b1"], await b.NamesAsync("Invoice", "{}"));
        Assert.Empty(await b.NamesAsync("Invoice", """{"code": {"eq": "A-ONLY"}}"""));
        Assert.Equal((2L, 1L), (await a.CountAsync("Invoice"), await b.CountAsync("Invoice")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Record_id_of_one_tenant_is_not_found_in_another(DatabaseProvider provider)
    {
        await using var a = await TestTenant.CreateAsync(provider);
        var b = await a.CreateSiblingAsync();
        await a.CreateObjectAsync("Invoice");
        await b.CreateObjectAsync("Invoice");
        var id = await a.InsertAsync("Invoice", """{"name": "secret"}""");

        Assert.Null(await b.GetAsync("Invoice", id));
        Assert.Empty(await b.NamesAsync("Invoice", """{"id": {"eq": "@0"}}""".With(id)));
        await Refused.WithAsync(ErrorCodes.NotFound, () => b.UpdateAsync("Invoice", id, """{"name": "stolen"}"""));
        await Refused.WithAsync(ErrorCodes.NotFound, () => b.UpdateAsync("Invoice", id, """{"name": "stolen"}""", expectedVersion: 1));
        await Refused.WithAsync(ErrorCodes.NotFound, () => b.DeleteAsync("Invoice", id));
        await Refused.WithAsync(ErrorCodes.NotFound, () => b.UpsertAsync("Invoice", "id", new Dictionary<string, object?> { ["id"] = id.ToString(), ["name"] = "stolen" }));

        var row = await a.RequireAsync("Invoice", id);
        Assert.Equal(("secret", 1L), (row["name"], row["version"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Metadata_and_its_version_are_per_tenant(DatabaseProvider provider)
    {
        await using var a = await TestTenant.CreateAsync(provider);
        var b = await a.CreateSiblingAsync();

        await a.CreateObjectAsync("Invoice");
        await a.CreateFieldAsync("Invoice", "amount", FieldType.Number);
        await b.CreateObjectAsync("Invoice");
        await b.CreateFieldAsync("Invoice", "amount", FieldType.Text);
        await b.CreateObjectAsync("Payment");

        Assert.Equal((3L, 4L), (await a.VersionAsync(), await b.VersionAsync())); // each started at 1 (profiles, administrator)
        Assert.Equal(["Invoice"], await a.ObjectNamesAsync());
        Assert.Equal(["Invoice", "Payment"], await b.ObjectNamesAsync());
        Assert.Equal(FieldType.Number, (await a.FieldAsync("Invoice", "amount"))!.Type);
        Assert.Equal(FieldType.Text, (await b.FieldAsync("Invoice", "amount"))!.Type);
        await a.InsertAsync("Invoice", """{"name": "x", "amount": 1.5}""");
        await b.InsertAsync("Invoice", """{"name": "x", "amount": "one and a half"}""");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Deleting_or_purging_in_one_tenant_leaves_the_other_untouched(DatabaseProvider provider)
    {
        await using var a = await TestTenant.CreateAsync(provider);
        var b = await a.CreateSiblingAsync();
        foreach (var t in new[] { a, b })
        {
            await t.CreateObjectAsync("Account");
            await t.CreateObjectAsync("Invoice", NameType.AutoNumber, "INV-{000}");
            await t.CreateFieldAsync("Invoice", "account", FieldType.Lookup, f => f with { Target = "Account" });
        }

        var accountA = await a.InsertAsync("Account", """{"name": "acme"}""");
        var accountB = await b.InsertAsync("Account", """{"name": "acme"}""");
        await a.InsertAsync("Invoice", new Dictionary<string, object?> { ["account"] = accountA.ToString() });
        var invoiceB = await b.InsertAsync("Invoice", new Dictionary<string, object?> { ["account"] = accountB.ToString() });

        await a.DeleteAsync("Account", accountA);
        await a.DeleteFieldAsync("Invoice", "account");
        await a.PurgeFieldAsync("Invoice", "account");
        await a.DeleteObjectAsync("Invoice");
        await a.PurgeObjectAsync("Invoice");

        var row = await b.RequireAsync("Invoice", invoiceB);
        Assert.Equal((accountB, "INV-001"), (row["account"], row["name"]));
        Assert.Equal("INV-002", (await b.RequireAsync("Invoice", await b.InsertAsync("Invoice", "{}")))["name"]);
        await a.CreateObjectAsync("Invoice", NameType.AutoNumber, "INV-{000}");
        Assert.Equal("INV-001", (await a.RequireAsync("Invoice", await a.InsertAsync("Invoice", "{}")))["name"]);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Tenant_slugs_with_hyphens_get_separate_storage(DatabaseProvider provider)
    {
        await using var a = await TestTenant.CreateAsync(provider);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (first, _) = await a.Database.CreateTenantAsync("acme-" + suffix);
        var (second, _) = await a.Database.CreateTenantAsync("acme" + suffix);

        Assert.NotEqual(first.StorageName, second.StorageName);
        await Refused.WithAsync(ErrorCodes.Conflict, () => a.Database.CreateTenantAsync("acme-" + suffix));
        await Refused.ValidationAsync(() => a.Database.CreateTenantAsync("Acme_" + suffix), "slug");
        await Refused.ValidationAsync(() => a.Database.CreateTenantAsync("x\"; DROP SCHEMA public; --"), "slug");
    }
}
