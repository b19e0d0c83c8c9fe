using Paas.Core.Configuration;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Query;

/// <summary>Each filter operator on each field type (data set: <see cref="ProductCatalog"/>).</summary>
public sealed class FilterOperatorTests(SharedCatalog shared) : IClassFixture<SharedCatalog>
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Eq_matches_exact_values_of_every_type(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha"], await c.MatchAsync("""{"code": {"eq": "A-1"}}"""));
        Assert.Empty(await c.MatchAsync("""{"code": {"eq": "a-1"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"email": {"eq": "Beta@Example.org"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"notes": {"eq": "slow"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"qty": {"eq": 5}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"qty": {"eq": -3}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"price": {"eq": 20}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"price": {"eq": 5.25}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"price": {"eq": 0}}"""));
        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"active": {"eq": true}}"""));
        Assert.Equal(["beta", "epsilon"], await c.MatchAsync("""{"active": {"eq": false}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"released": {"eq": "2024-02-15"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"stamp": {"eq": "2024-02-15T14:30:00+02:00"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"stamp": {"eq": "2023-12-31T23:59:59.999999Z"}}"""));
        Assert.Equal(["beta", "epsilon"], await c.MatchAsync("""{"status": {"eq": "Active"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"name": {"eq": "gamma"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"id": {"eq": "@0"}}""".With(c.Products["beta"])));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Neq_excludes_the_value_and_keeps_empty_values(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha", "delta", "epsilon", "gamma"], await c.MatchAsync("""{"qty": {"neq": 5}}"""));
        Assert.Equal(["alpha", "delta", "gamma"], await c.MatchAsync("""{"status": {"neq": "Active"}}"""));
        Assert.Equal(["beta", "delta", "epsilon"], await c.MatchAsync("""{"active": {"neq": true}}"""));
        Assert.Equal(["alpha", "beta", "delta", "epsilon"], await c.MatchAsync("""{"released": {"neq": "2023-12-31"}}"""));
        Assert.Equal(["alpha", "beta", "delta", "epsilon"], await c.MatchAsync("""{"code": {"neq": "100%"}}"""));
        Assert.Equal(["alpha", "delta", "epsilon", "gamma"], await c.MatchAsync("""{"price": {"neq": 20.00}}"""));
        Assert.Equal(["alpha", "beta", "delta", "epsilon"], await c.MatchAsync("""{"stamp": {"neq": "2023-12-31T23:59:59.999999Z"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task In_and_nin_match_lists_of_values(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"qty": {"in": [1, 10, 11]}}"""));
        Assert.Equal(["beta", "delta", "epsilon"], await c.MatchAsync("""{"qty": {"nin": [1, 10]}}"""));
        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"status": {"in": ["New", "Retired"]}}"""));
        Assert.Equal(["beta", "delta", "epsilon"], await c.MatchAsync("""{"status": {"nin": ["New", "Retired"]}}"""));
        Assert.Equal(["alpha", "epsilon"], await c.MatchAsync("""{"released": {"in": ["2024-01-01", "2024-03-01"]}}"""));
        Assert.Equal(["beta", "gamma"], await c.MatchAsync("""{"price": {"in": [20, 5.25]}}"""));
        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"code": {"in": ["A-1", "b_2", "nope"]}}"""));
        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"name": {"in": ["alpha", "beta"]}}"""));
        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"id": {"in": ["@0", "@1"]}}""".With(c.Products["alpha"], c.Products["gamma"])));
        Assert.Empty(await c.MatchAsync("""{"qty": {"in": []}}"""));
        Assert.Equal(5, (await c.MatchAsync("""{"qty": {"nin": []}}""")).Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task IsNull_matches_empty_or_filled_values_of_every_type(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        foreach (var field in new[] { "code", "notes", "qty", "price", "active", "released", "stamp", "status", "colors" })
        {
            Assert.Equal(["delta"], await c.MatchAsync("""{"@0": {"isNull": true}}""".With(field)));
            Assert.Equal(["alpha", "beta", "epsilon", "gamma"], await c.MatchAsync("""{"@0": {"isNull": false}}""".With(field)));
        }

        Assert.Equal(["gamma"], await c.MatchAsync("""{"email": {"isNull": true}}"""));
        Assert.Equal(["delta"], await c.MatchAsync("""{"account": {"id": {"isNull": true}}}"""));
        Assert.Equal(["alpha", "beta", "epsilon", "gamma"], await c.MatchAsync("""{"account": {"id": {"isNull": false}}}"""));
        Assert.Empty(await c.MatchAsync("""{"name": {"isNull": true}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Range_operators_compare_numbers_dates_and_text(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["beta", "gamma"], await c.MatchAsync("""{"qty": {"gt": 1}}"""));
        Assert.Equal(["alpha", "beta", "gamma"], await c.MatchAsync("""{"qty": {"gte": 1}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"qty": {"lt": 1}}"""));
        Assert.Equal(["alpha", "epsilon"], await c.MatchAsync("""{"qty": {"lte": 1}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"qty": {"gt": 1, "lt": 10}}"""));
        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"price": {"gt": 5.25}}"""));
        Assert.Equal(["alpha", "beta", "gamma"], await c.MatchAsync("""{"price": {"gte": 5.25}}"""));
        Assert.Equal(["epsilon", "gamma"], await c.MatchAsync("""{"price": {"lt": 10.5}}"""));
        Assert.Equal(["alpha", "epsilon", "gamma"], await c.MatchAsync("""{"price": {"lte": 10.50}}"""));
        Assert.Equal(["beta", "epsilon"], await c.MatchAsync("""{"released": {"gt": "2024-01-01"}}"""));
        Assert.Equal(["alpha", "beta", "epsilon"], await c.MatchAsync("""{"released": {"gte": "2024-01-01"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"released": {"lt": "2024-01-01"}}"""));
        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"released": {"lte": "2024-01-01"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"stamp": {"lt": "2024-01-01T00:00:00Z"}}"""));
        Assert.Equal(["alpha", "beta", "epsilon"], await c.MatchAsync("""{"stamp": {"gte": "2024-01-01T00:00:00Z"}}"""));
        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"stamp": {"lte": "2024-01-01T10:00:00Z"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"stamp": {"gt": "2024-01-01T10:00:00Z", "lt": "2024-03-01T00:00:00Z"}}"""));
        Assert.Equal(["delta", "epsilon", "gamma"], await c.MatchAsync("""{"name": {"gt": "beta"}}"""));
        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"name": {"lte": "beta"}}"""));
        Assert.Equal(["alpha"], await c.MatchAsync("""{"name": {"lt": "beta"}}"""));
        Assert.Equal(["beta", "delta"], await c.MatchAsync("""{"name": {"gte": "beta", "lt": "e"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Range_operators_compare_by_value_when_the_operand_is_more_precise_than_the_field(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        // price has scale 2 and qty is whole: a client comparing with 5.251 or 1.5 asks a valid numeric question.
        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"price": {"gt": 5.251}}"""));
        Assert.Equal(["epsilon", "gamma"], await c.MatchAsync("""{"price": {"lt": 10.499}}"""));
        Assert.Empty(await c.MatchAsync("""{"price": {"eq": 5.251}}"""));
        Assert.Equal(["beta", "gamma"], await c.MatchAsync("""{"qty": {"gt": 1.5}}"""));
        Assert.Equal(["alpha", "epsilon"], await c.MatchAsync("""{"qty": {"lte": 1.5}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_pattern_operators_are_case_insensitive(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha", "delta"], await c.MatchAsync("""{"email": {"contains": "EXAMPLE.c"}}"""));
        Assert.Equal(["alpha", "beta", "delta", "epsilon"], await c.MatchAsync("""{"email": {"contains": "eXaMpLe"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"email": {"endsWith": ".ORG"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"email": {"startsWith": "bEtA@"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"name": {"startsWith": "G"}}"""));
        Assert.Equal(["alpha", "beta", "delta", "gamma"], await c.MatchAsync("""{"name": {"endsWith": "A"}}"""));
        Assert.Equal(["alpha", "epsilon"], await c.MatchAsync("""{"notes": {"contains": "fast"}}"""));
        Assert.Equal(["alpha", "epsilon"], await c.MatchAsync("""{"notes": {"startsWith": "FaSt"}}"""));
        Assert.Equal(["beta", "epsilon"], await c.MatchAsync("""{"status": {"contains": "tiv"}}"""));
        Assert.Equal(["alpha"], await c.MatchAsync("""{"code": {"startsWith": "a-"}}"""));
        Assert.Equal(5, (await c.MatchAsync("""{"name": {"contains": ""}}""")).Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Percent_underscore_and_backslash_in_a_pattern_are_matched_literally(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["gamma"], await c.MatchAsync("""{"code": {"contains": "%"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"code": {"endsWith": "0%"}}"""));
        Assert.Empty(await c.MatchAsync("""{"code": {"startsWith": "%"}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"code": {"contains": "_"}}"""));
        Assert.Empty(await c.MatchAsync("""{"code": {"eq": "A_1"}}"""));
        Assert.Empty(await c.MatchAsync("""{"code": {"contains": "A_1"}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"code": {"contains": "\\"}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"code": {"eq": "C\\D"}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"code": {"startsWith": "c\\d"}}"""));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"notes": {"contains": "% off_"}}"""));
        Assert.Empty(await c.MatchAsync("""{"notes": {"contains": "%_%"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Text_pattern_operators_are_case_insensitive_for_non_ascii_letters(DatabaseProvider provider)
    {
        await using var t = await TestTenant.CreateAsync(provider);
        await t.CreateObjectAsync("City");
        await t.InsertNamedAsync("City", ["Zürich", "ÉVORA", "Straße", "Århus"]);

        Assert.Equal(["Zürich"], await t.NamesAsync("City", """{"name": {"contains": "ZÜR"}}"""));
        Assert.Equal(["ÉVORA"], await t.NamesAsync("City", """{"name": {"startsWith": "évo"}}"""));
        Assert.Equal(["Århus"], await t.NamesAsync("City", """{"name": {"startsWith": "år"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Multi_picklist_contains_any_and_contains_all(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"colors": {"containsAny": ["Red"]}}"""));
        Assert.Equal(["beta", "epsilon", "gamma"], await c.MatchAsync("""{"colors": {"containsAny": ["Green", "Blue"]}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"colors": {"containsAll": ["Red", "Green"]}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"colors": {"containsAll": ["Green", "Red"]}}"""));
        Assert.Equal(["beta", "epsilon"], await c.MatchAsync("""{"colors": {"containsAll": ["Green"]}}"""));
        Assert.Empty(await c.MatchAsync("""{"colors": {"containsAll": ["Red", "Blue"]}}"""));
        Assert.Empty(await c.MatchAsync("""{"colors": {"containsAny": ["Purple"]}}"""));
        Assert.Empty(await c.MatchAsync("""{"colors": {"containsAny": ["red"]}}"""));
        Assert.Equal(["alpha", "beta", "epsilon"], await c.MatchAsync("""{"colors": {"containsAny": ["Red", "Green"]}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"colors": {"containsAny": ["Red"], "containsAll": ["Green"]}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filter_on_system_fields_works(DatabaseProvider provider)
    {
        var c = await ProductCatalog.CreateAsync(provider);
        await using var _ = c.Tenant;
        var t = c.Tenant;
        await t.UpdateAsync("Product", c.Products["beta"], """{"qty": 6}""");

        Assert.Equal(["beta"], await c.MatchAsync("""{"version": {"gt": 1}}"""));
        Assert.Equal(5, (await c.MatchAsync("""{"ownerId": {"eq": "@0"}}""".With(t.Caller.UserId))).Count);
        Assert.Equal(5, (await c.MatchAsync("""{"createdAt": {"gte": "2000-01-01T00:00:00Z"}}""")).Count);
        Assert.Empty(await c.MatchAsync("""{"createdAt": {"lt": "2000-01-01T00:00:00Z"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Null_operand_means_no_condition(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(5, (await c.MatchAsync("""{"qty": {"eq": null}}""")).Count);
        Assert.Equal(5, (await c.MatchAsync("""{"qty": null, "and": null, "or": null, "not": null}""")).Count);
        Assert.Equal(5, (await c.MatchAsync("{}")).Count);
    }
}
