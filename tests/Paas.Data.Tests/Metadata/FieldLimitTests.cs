using System.Diagnostics;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;
using Xunit.Abstractions;

namespace Paas.Data.Tests.Metadata;

/// <summary>An object holds at most 500 custom fields, deleted ones included until they are purged.</summary>
public sealed class FieldLimitTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Object_accepts_500_custom_fields_and_refuses_the_501st(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Wide");
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 500; i++)
        {
            await t.CreateFieldAsync("Wide", "f" + i, i % 3 == 0 ? FieldType.Integer : FieldType.Text);
        }

        output.WriteLine($"{provider}: 500 fields in {clock.Elapsed.TotalSeconds:F1} s");
        var version = await t.VersionAsync();
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Wide", "f500", FieldType.Text), "apiName");
        Assert.Equal(version, await t.VersionAsync());

        // A deleted field still counts until it is purged.
        await t.DeleteFieldAsync("Wide", "f0");
        await Refused.ValidationAsync(() => t.CreateFieldAsync("Wide", "f500", FieldType.Text), "apiName");
        await t.PurgeFieldAsync("Wide", "f0");
        await t.CreateFieldAsync("Wide", "f500", FieldType.Text);

        var id = await t.InsertAsync("Wide", new Dictionary<string, object?> { ["name"] = "w", ["f499"] = "last", ["f500"] = "new", ["f3"] = 3L });
        var row = await t.RequireAsync("Wide", id);
        Assert.Equal(("last", "new", 3L), (row["f499"], row["f500"], row["f3"]));
        Assert.Equal(500, (await t.ObjectAsync("Wide")).CustomFieldCount);
    }
}
