using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Metadata;

/// <summary>
/// Turning on <c>indexed</c> or <c>unique</c> on a field with data builds its index (concurrently on PostgreSQL, before
/// the change commits); a change that cannot be made leaves no index behind and the version unchanged.
/// </summary>
public sealed class FieldIndexTests
{
    private static async Task<TestTenant> TenantWithDataAsync(DatabaseProvider provider)
    {
        var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("Item");
        await t.CreateFieldAsync("Item", "code", FieldType.Text);
        foreach (var code in new[] { "A", "B", "B", "C" })
        {
            await t.InsertAsync("Item", new Dictionary<string, object?> { ["name"] = "item " + code, ["code"] = code });
        }

        return t;
    }

    private static async Task<IReadOnlyList<string>> IndexesAsync(TestTenant t)
    {
        await using var session = await t.OpenSessionAsync();
        var table = (await t.ObjectAsync("Item")).Table;
        var statement = session.Statement();
        var name = statement.Parameter(null, table);
        statement.Append(t.Database.Provider == DatabaseProvider.Postgres
            ? $"SELECT i.indexname FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid " +
              $"WHERE i.tablename = {name} AND i.schemaname = {statement.Parameter(null, t.Tenant.StorageName)} AND x.indisvalid ORDER BY 1"
            : $"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = {name} AND sql IS NOT NULL ORDER BY 1");
        var names = new List<string>();
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Indexed_on_a_field_with_data_builds_a_valid_index_and_off_drops_it(DatabaseProvider provider)
    {
        await using var t = await TenantWithDataAsync(provider);
        var before = await IndexesAsync(t);
        await t.UpdateFieldAsync("Item", "code", new FieldInput { Indexed = true });
        var added = (await IndexesAsync(t)).Except(before).ToList();
        Assert.Single(added);
        Assert.StartsWith("ix_", added[0], StringComparison.Ordinal);
        Assert.True((await t.FieldAsync("Item", "code"))!.Indexed);

        await t.UpdateFieldAsync("Item", "code", new FieldInput { Indexed = false });
        Assert.Equal(before, await IndexesAsync(t));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unique_on_duplicates_is_refused_and_leaves_no_index_and_the_version_unchanged(DatabaseProvider provider)
    {
        await using var t = await TenantWithDataAsync(provider);
        var before = await IndexesAsync(t);
        var version = await t.VersionAsync();

        await Refused.ValidationAsync(() => t.UpdateFieldAsync("Item", "code", new FieldInput { Unique = true }), "unique");

        Assert.Equal(before, await IndexesAsync(t));
        Assert.Equal(version, await t.VersionAsync());
        Assert.False((await t.FieldAsync("Item", "code"))!.Unique);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Unique_without_duplicates_replaces_the_plain_index_and_is_enforced(DatabaseProvider provider)
    {
        await using var t = await TenantWithDataAsync(provider);
        await t.UpdateFieldAsync("Item", "code", new FieldInput { Indexed = true });
        var ids = await t.InsertAsync("Item", new Dictionary<string, object?> { ["name"] = "d", ["code"] = "D" });
        await using (var session = await t.OpenSessionAsync())
        {
            var statement = session.Statement();
            statement.Append($"DELETE FROM {session.Table(await t.ObjectAsync("Item"))} WHERE {session.Dialect.Quote("code")} = {statement.Parameter(null, "B")}");
            await session.ExecuteAsync(statement, CancellationToken.None);
        }

        await t.UpdateFieldAsync("Item", "code", new FieldInput { Unique = true });
        var indexes = await IndexesAsync(t);
        Assert.Contains(indexes, i => i.StartsWith("ux_", StringComparison.Ordinal));
        Assert.DoesNotContain(indexes, i => i.StartsWith("ix_", StringComparison.Ordinal) && i.Contains("code", StringComparison.Ordinal));
        await Refused.WithAsync(Core.Errors.ErrorCodes.Conflict, () => t.InsertAsync("Item", new Dictionary<string, object?> { ["name"] = "again", ["code"] = "D" }));
        Assert.NotEqual(Guid.Empty, ids);
    }
}
