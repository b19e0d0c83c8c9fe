using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Records;

/// <summary>Writes and metadata changes that race: none is lost, none is applied twice.</summary>
public sealed class ConcurrencyTests
{
    private const int Writers = 8;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Concurrent_metadata_changes_each_bump_the_version_once_and_none_is_lost(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        var version = await t.VersionAsync();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(() => t.CreateFieldAsync("Item", "f" + i, FieldType.Integer))));

        var stored = await t.StoredMetadataAsync();
        Assert.Equal(version + Writers, stored.Version);
        Assert.Equal(version + Writers, await t.VersionAsync());
        Assert.Equal(Enumerable.Range(0, Writers).Select(i => "f" + i), stored.FindObject("Item")!.Fields.Where(f => !f.IsSystem).Select(f => f.ApiName).Order());
        var row = Enumerable.Range(0, Writers).ToDictionary(i => "f" + i, i => (object?)(long)i);
        row["name"] = "all";
        await t.InsertAsync("Item", row);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Concurrent_updates_with_the_same_expected_version_let_exactly_one_win(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "qty", FieldType.Integer);
        var id = await t.InsertAsync("Item", """{"name": "a", "qty": 0}""");

        var outcomes = await Task.WhenAll(Enumerable.Range(1, Writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await t.UpdateAsync("Item", id, new Dictionary<string, object?> { ["qty"] = (long)i }, expectedVersion: 1);
                return "ok:" + i;
            }
            catch (PaasException e) when (e.Code == ErrorCodes.Conflict)
            {
                return "conflict";
            }
        })));

        var winner = Assert.Single(outcomes, o => o.StartsWith("ok:", StringComparison.Ordinal));
        Assert.Equal(Writers - 1, outcomes.Count(o => o == "conflict"));
        var row = await t.RequireAsync("Item", id);
        Assert.Equal((long.Parse(winner[3..], System.Globalization.CultureInfo.InvariantCulture), 2L), (row["qty"], row["version"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Concurrent_inserts_get_distinct_consecutive_auto_numbers(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Ticket", NameType.AutoNumber, "T-{000}");
        await t.CreateObjectAsync("Account");
        await t.CreateFieldAsync("Ticket", "account", FieldType.Lookup, f => f with { Target = "Account" });
        var account = await t.InsertAsync("Account", """{"name": "acme"}""");

        var ids = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
            t.InsertManyAsync("Ticket", [Json.Map("""{"account": "@0"}""".With(account)), Json.Map("{}")]))));

        var names = new List<string>();
        foreach (var id in ids.SelectMany(i => i))
        {
            names.Add((string)(await t.RequireAsync("Ticket", id))["name"]!);
        }

        Assert.Equal(Enumerable.Range(1, Writers * 2).Select(i => $"T-{i:000}"), names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Concurrent_inserts_of_the_same_unique_value_store_it_once(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text, f => f with { Unique = true });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await t.InsertAsync("Item", new Dictionary<string, object?> { ["name"] = "n" + i, ["code"] = "SAME" });
                return "ok";
            }
            catch (PaasException e)
            {
                return e.Code;
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal(ErrorCodes.Conflict, o));
        Assert.Equal(1, await t.CountAsync("Item"));
    }
}
