using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Data.Tests.Support;
using Paas.Testing;

namespace Paas.Data.Tests.Query;

/// <summary>and/or/not at every level, filters through lookups, bad filters and totalCount (data set: <see cref="ProductCatalog"/>).</summary>
public sealed class FilterCombinationTests(SharedCatalog shared) : IClassFixture<SharedCatalog>
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task And_or_not_combine_and_nest(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"or": [{"qty": {"gt": 5}}, {"status": {"eq": "New"}}]}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"and": [{"qty": {"gt": 1}}, {"qty": {"lt": 10}}]}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"qty": {"gt": 1}, "and": [{"qty": {"lt": 10}}]}"""));
        Assert.Equal(["delta", "epsilon", "gamma"], await c.MatchAsync("""{"not": {"name": {"in": ["alpha", "beta"]}}}"""));
        Assert.Equal(["alpha", "beta"], await c.MatchAsync("""{"not": {"not": {"name": {"in": ["alpha", "beta"]}}}}"""));
        Assert.Equal(["alpha", "beta", "delta"], await c.MatchAsync("""
            {"or": [
              {"and": [{"qty": {"gte": 1}}, {"not": {"status": {"eq": "Retired"}}}]},
              {"name": {"eq": "delta"}}
            ]}
            """));
        Assert.Equal(["epsilon"], await c.MatchAsync("""
            {"and": [
              {"or": [{"colors": {"containsAny": ["Blue"]}}, {"qty": {"isNull": true}}]},
              {"or": [{"active": {"eq": false}}, {"price": {"gt": 100}}]}
            ]}
            """));
        Assert.Empty(await c.MatchAsync("""{"or": []}"""));
        Assert.Equal(5, (await c.MatchAsync("""{"and": []}""")).Count);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Not_eq_matches_the_same_records_as_neq_including_empty_values(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        // neq keeps records without a value; the negation of eq must agree with it (two-valued logic for clients).
        Assert.Equal(await c.MatchAsync("""{"qty": {"neq": 5}}"""), await c.MatchAsync("""{"not": {"qty": {"eq": 5}}}"""));
        Assert.Equal(await c.MatchAsync("""{"status": {"nin": ["Active"]}}"""), await c.MatchAsync("""{"not": {"status": {"in": ["Active"]}}}"""));
        Assert.Equal(["beta", "delta", "epsilon"], await c.MatchAsync("""{"not": {"active": {"eq": true}}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Lookup_filters_on_the_related_records_fields(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"account": {"industry": {"eq": "Software"}}}"""));
        Assert.Equal(["alpha", "beta", "gamma"], await c.MatchAsync("""{"account": {"industry": {"in": ["Software", "Retail"]}}}"""));
        Assert.Equal(["epsilon"], await c.MatchAsync("""{"account": {"industry": {"isNull": true}}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"account": {"name": {"startsWith": "GLO"}}}"""));
        Assert.Equal(["alpha", "gamma"], await c.MatchAsync("""{"account": {"id": {"eq": "@0"}}}""".With(c.Acme)));
        Assert.Equal(["alpha", "beta", "gamma"], await c.MatchAsync("""{"account": {"id": {"in": ["@0", "@1"]}}}""".With(c.Acme, c.Globex)));
        Assert.Equal(["gamma"], await c.MatchAsync("""{"account": {"id": {"eq": "@0"}, "name": {"eq": "acme"}}, "qty": {"gt": 5}}""".With(c.Acme)));
        Assert.Equal(["beta"], await c.MatchAsync("""{"account": {"parent": {"name": {"eq": "acme"}}}}"""));
        Assert.Equal(["beta"], await c.MatchAsync("""{"account": {"parent": {"id": {"eq": "@0"}}}}""".With(c.Acme)));
        Assert.Equal(["alpha", "beta", "gamma"], await c.MatchAsync("""
            {"account": {"or": [{"industry": {"eq": "Software"}}, {"parent": {"industry": {"eq": "Software"}}}]}}
            """));
        Assert.Equal(["beta", "epsilon"], await c.MatchAsync("""{"or": [{"account": {"name": {"eq": "initech"}}}, {"qty": {"eq": 5}}]}"""));
        Assert.Empty(await c.MatchAsync("""{"account": {"id": {"eq": "@0"}}}""".With(Guid.CreateVersion7())));
        Assert.Equal(["delta"], await c.MatchAsync("""{"account": {"isNull": true}}"""));
        Assert.Equal(["alpha", "beta", "epsilon", "gamma"], await c.MatchAsync("""{"account": {"isNull": false}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filter_on_an_unknown_or_deleted_field_is_refused(DatabaseProvider provider)
    {
        var c = await ProductCatalog.CreateAsync(provider);
        await using var _ = c.Tenant;
        await c.Tenant.DeleteFieldAsync("Product", "code");

        await Refused.ValidationAsync(() => c.MatchAsync("""{"bogus": {"eq": 1}}"""), "filter.bogus");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"Name": {"eq": "alpha"}}"""), "filter.Name");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"code": {"eq": "A-1"}}"""), "filter.code");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"or": [{"qty": {"eq": 1}}, {"bogus": {"eq": 1}}]}"""), "filter.or[1].bogus");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"account": {"bogus": {"eq": 1}}}"""), "filter.account.bogus");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"name\" = '' OR 1=1 --": {"eq": "x"}}"""));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Filter_with_a_bad_operator_or_value_is_refused(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);

        await Refused.ValidationAsync(() => c.MatchAsync("""{"qty": {"like": "1"}}"""), "filter.qty.like");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"qty": {"eq": "abc"}}"""), "filter.qty.eq");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"qty": {"in": [1, "x"]}}"""), "filter.qty.in[1]");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"released": {"gt": "last week"}}"""), "filter.released.gt");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"account": {"id": {"eq": "not-an-id"}}}"""), "filter.account.id.eq");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"qty": 5}"""), "filter.qty");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"or": {"qty": {"eq": 1}}}"""));
        await Refused.ValidationAsync(() => c.MatchAsync("""{"name": {"contains": 5}}"""), "filter.name.contains");
        await Refused.ValidationAsync(() => c.MatchAsync("""{"colors": {"containsAny": []}}"""), "filter.colors.containsAny");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Total_count_counts_every_matching_record_not_just_the_page(DatabaseProvider provider)
    {
        var c = await shared.GetAsync(provider);
        var t = c.Tenant;

        var all = await t.ListAsync("Product", first: 2, totalCount: true);
        var filtered = await t.ListAsync("Product", Json.Map("""{"qty": {"gte": 1}}"""), first: 1, totalCount: true);
        var related = await t.ListAsync("Product", Json.Map("""{"account": {"industry": {"eq": "Software"}}}"""), totalCount: true);
        var none = await t.ListAsync("Product", Json.Map("""{"qty": {"gt": 1000}}"""), totalCount: true);

        Assert.Equal((5L, 2), (all.TotalCount, all.Rows.Count));
        Assert.Equal((3L, 1), (filtered.TotalCount, filtered.Rows.Count));
        Assert.Equal((2L, 2), (related.TotalCount, related.Rows.Count));
        Assert.Equal((0L, 0), (none.TotalCount, none.Rows.Count));
        Assert.Null((await t.ListAsync("Product")).TotalCount);
        Assert.Equal(3L, await t.CountAsync("Product", Json.Map("""{"qty": {"gte": 1}}""")));
    }
}
