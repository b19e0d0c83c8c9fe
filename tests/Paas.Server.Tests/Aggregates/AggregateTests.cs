using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Server.Tests.Relations;
using Paas.Testing;

namespace Paas.Server.Tests.Aggregates;

/// <summary>
/// <c>opportunitiesAggregate(filter, groupBy, having, orderBy, first) { key {..} count sum {..} avg {..} min {..} max {..} }</c>:
/// groups by picklist, boolean, lookup, date and date parts (of DATE and DATETIME), exact decimals, empty values as a
/// null key, HAVING on count and metrics, ordering by count, key and metric.
/// </summary>
public sealed class AggregateTests
{
    private sealed record Seeded(PaasServer Server, string Acme, string Globex);

    /// <summary>Eight opportunities; see the table in the comments for the values the assertions rely on.</summary>
    internal static async Task<(string Acme, string Globex)> SeedAsync(PaasServer server)
    {
        await Crm.CreateAsync(server);
        var accounts = await Crm.CreateAccountsAsync(server, new { name = "Acme", industry = "Software" }, new { name = "Globex", industry = "Retail" });
        var (a, g) = (accounts[0], accounts[1]);
        //  name amount   stage        prio  closeDate   lastActivity (UTC)            qty account
        //  O1   100.10   Prospecting  true  2025-01-15  2025-01-15T10:00Z              1  Acme
        //  O2   200.20   Prospecting  false 2025-02-20  2025-04-01T01:30Z (-02:00 in)  2  Acme
        //  O3   300.30   Negotiation  true  2025-04-01  2025-06-30T12:00Z              3  Globex
        //  O4     0.10   Negotiation  -     2025-05-05  -                              -  Globex
        //  O5     0.20   Negotiation  false 2025-12-31  2025-12-31T23:59:59Z           5  -
        //  O6    50.00   ClosedWon    true  -           2025-12-31T23:00Z (+01:00 in)  6  Acme
        //  O7  1000.00   ClosedWon    false 2026-01-01  -                              7  Globex
        //  O8       -    -            -     2026-03-15  -                              8  -
        await Crm.CreateOpportunitiesAsync(server,
            new { name = "O1", amount = "100.10", stage = "Prospecting", isPriority = (bool?)true, closeDate = "2025-01-15", lastActivity = "2025-01-15T10:00:00Z", quantity = (int?)1, account = a },
            new { name = "O2", amount = "200.20", stage = "Prospecting", isPriority = (bool?)false, closeDate = "2025-02-20", lastActivity = "2025-03-31T23:30:00-02:00", quantity = (int?)2, account = a },
            new { name = "O3", amount = "300.30", stage = "Negotiation", isPriority = (bool?)true, closeDate = "2025-04-01", lastActivity = "2025-06-30T12:00:00Z", quantity = (int?)3, account = g },
            new { name = "O4", amount = "0.10", stage = "Negotiation", isPriority = (bool?)null, closeDate = "2025-05-05", lastActivity = (string?)null, quantity = (int?)null, account = g },
            new { name = "O5", amount = "0.20", stage = "Negotiation", isPriority = (bool?)false, closeDate = "2025-12-31", lastActivity = "2025-12-31T23:59:59Z", quantity = (int?)5, account = (string?)null },
            new { name = "O6", amount = "50.00", stage = "ClosedWon", isPriority = (bool?)true, closeDate = (string?)null, lastActivity = "2026-01-01T00:00:00+01:00", quantity = (int?)6, account = a },
            new { name = "O7", amount = "1000", stage = "ClosedWon", isPriority = (bool?)false, closeDate = "2026-01-01", lastActivity = (string?)null, quantity = (int?)7, account = g },
            new { name = "O8", amount = (string?)null, stage = (string?)null, isPriority = (bool?)null, closeDate = "2026-03-15", lastActivity = (string?)null, quantity = (int?)8, account = (string?)null });
        return (a, g);
    }

    private static async Task<Seeded> StartAsync(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider);
        try
        {
            var (a, g) = await SeedAsync(server);
            return new Seeded(server, a, g);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<JsonArray> GroupsAsync(PaasServer server, string arguments, string selection)
    {
        var data = await server.DataOkAsync(arguments.Length == 0
            ? $"{{ opportunitiesAggregate {{ {selection} }} }}"
            : $"{{ opportunitiesAggregate({arguments}) {{ {selection} }} }}");
        return data["opportunitiesAggregate"]!.AsArray();
    }

    private static List<string?> Keys(JsonArray groups, string key) =>
        groups.Select(g => g!["key"]![key] is { } v ? v.ToJsonString().Trim('"') : null).ToList();

    private static List<long> Counts(JsonArray groups) => groups.Select(g => (long)g!["count"]!).ToList();

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Groups_by_picklist_with_every_metric_and_a_null_group(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        var groups = await GroupsAsync(server, "groupBy: [stage]",
            "key { stage } count sum { amount quantity } avg { amount quantity } min { amount closeDate lastActivity } max { amount closeDate lastActivity }");
        Assert.Equal(["ClosedWon", "Negotiation", "Prospecting", null], Keys(groups, "stage"));
        Assert.Equal([2L, 3L, 2L, 1L], Counts(groups));

        Assert.Equal([1050.00m, 300.60m, 300.30m, null], groups.Select(g => Crm.Dec(g!["sum"]!["amount"])).ToList());
        Assert.Equal([13m, 8m, 3m, 8m], groups.Select(g => Crm.Dec(g!["sum"]!["quantity"])).ToList());
        Assert.Equal([525m, 100.2m, 150.15m, null], groups.Select(g => Crm.Dec(g!["avg"]!["amount"])).ToList());
        Assert.Equal([6.5m, 4m, 1.5m, 8m], groups.Select(g => Crm.Dec(g!["avg"]!["quantity"])).ToList());
        Assert.Equal([50m, 0.10m, 100.10m, null], groups.Select(g => Crm.Dec(g!["min"]!["amount"])).ToList());
        Assert.Equal([1000m, 300.30m, 200.20m, null], groups.Select(g => Crm.Dec(g!["max"]!["amount"])).ToList());
        Assert.Equal(["2026-01-01", "2025-04-01", "2025-01-15", "2026-03-15"], groups.Select(g => (string?)g!["min"]!["closeDate"]).ToList());
        Assert.Equal(["2026-01-01", "2025-12-31", "2025-02-20", "2026-03-15"], groups.Select(g => (string?)g!["max"]!["closeDate"]).ToList());
        Assert.Equal([Utc("2025-12-31T23:00:00Z"), Utc("2025-06-30T12:00:00Z"), Utc("2025-01-15T10:00:00Z"), null],
            groups.Select(g => Time(g!["min"]!["lastActivity"])).ToList());
        Assert.Equal([Utc("2025-12-31T23:00:00Z"), Utc("2025-12-31T23:59:59Z"), Utc("2025-04-01T01:30:00Z"), null],
            groups.Select(g => Time(g!["max"]!["lastActivity"])).ToList());

        // No groupBy: one group over everything; avg ignores the empty amount and is rounded to six places.
        var all = await GroupsAsync(server, "", "count sum { amount } avg { amount } min { closeDate } max { closeDate }");
        Assert.Single(all);
        Assert.Equal(8, (long)all[0]!["count"]!);
        Assert.Equal(1650.90m, Crm.Dec(all[0]!["sum"]!["amount"]));
        Assert.Equal(235.842857m, Crm.Dec(all[0]!["avg"]!["amount"]));
        Assert.Equal("2025-01-15", (string?)all[0]!["min"]!["closeDate"]);
        Assert.Equal("2026-03-15", (string?)all[0]!["max"]!["closeDate"]);

        // A filter (also through a lookup) applies before grouping; neq keeps empty values.
        var filtered = await GroupsAsync(server, """filter: {stage: {neq: "ClosedWon"}}, groupBy: [stage]""", "key { stage } count");
        Assert.Equal(["Negotiation", "Prospecting", null], Keys(filtered, "stage"));
        var viaLookup = await GroupsAsync(server, """filter: {account: {industry: {eq: "Software"}}}, groupBy: [stage]""", "key { stage } count sum { amount }");
        Assert.Equal(["ClosedWon", "Prospecting"], Keys(viaLookup, "stage"));
        Assert.Equal([50m, 300.30m], viaLookup.Select(g => Crm.Dec(g!["sum"]!["amount"])).ToList());
        var none = await GroupsAsync(server, """filter: {name: {eq: "nobody"}}, groupBy: [stage]""", "count");
        Assert.Empty(none);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Groups_by_boolean_lookup_and_several_keys(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        var byPriority = await GroupsAsync(server, "groupBy: [isPriority]", "key { isPriority } count sum { amount }");
        Assert.Equal(["false", "true", null], Keys(byPriority, "isPriority"));
        Assert.Equal([3L, 3L, 2L], Counts(byPriority));
        Assert.Equal([1200.40m, 450.40m, 0.10m], byPriority.Select(g => Crm.Dec(g!["sum"]!["amount"])).ToList());

        var byAccount = await GroupsAsync(server, "groupBy: [account]", "key { account } count sum { amount }");
        var accounts = byAccount.ToDictionary(g => (string?)g!["key"]!["account"] ?? "none", g => (Count: (long)g!["count"]!, Sum: Crm.Dec(g["sum"]!["amount"])));
        Assert.Equal(3, accounts.Count);
        Assert.Equal((3L, (decimal?)350.30m), accounts[seeded.Acme]);
        Assert.Equal((3L, (decimal?)1300.40m), accounts[seeded.Globex]);
        Assert.Equal((2L, (decimal?)0.20m), accounts["none"]);
        Assert.Null((string?)byAccount[^1]!["key"]!["account"]);

        var twoKeys = await GroupsAsync(server, "groupBy: [stage, isPriority]", "key { stage isPriority } count");
        Assert.Equal(
            ["ClosedWon/false", "ClosedWon/true", "Negotiation/false", "Negotiation/true", "Negotiation/", "Prospecting/false", "Prospecting/true", "/"],
            twoKeys.Select(g => $"{(string?)g!["key"]!["stage"]}/{g["key"]!["isPriority"]?.ToJsonString()}").ToList());
        Assert.All(twoKeys.Take(7), g => Assert.Equal(1, (long)g!["count"]!));

        // Grouping by the same key twice is the same as once.
        var twice = await GroupsAsync(server, "groupBy: [stage, stage]", "key { stage } count");
        Assert.Equal([2L, 3L, 2L, 1L], Counts(twice));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Groups_by_dates_and_their_year_quarter_and_month(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        var byYear = await GroupsAsync(server, "groupBy: [closeDate_year]", "key { closeDate_year } count sum { amount }");
        Assert.Equal(["2025", "2026", null], Keys(byYear, "closeDate_year"));
        Assert.Equal([5L, 2L, 1L], Counts(byYear));
        Assert.Equal([600.90m, 1000m, 50m], byYear.Select(g => Crm.Dec(g!["sum"]!["amount"])).ToList());

        var byQuarter = await GroupsAsync(server, "groupBy: [closeDate_quarter]", "key { closeDate_quarter } count");
        Assert.Equal(["1", "2", "4", null], Keys(byQuarter, "closeDate_quarter"));
        Assert.Equal([4L, 2L, 1L, 1L], Counts(byQuarter));

        var byMonth = await GroupsAsync(server, "groupBy: [closeDate_year, closeDate_month]", "key { closeDate_year closeDate_month } count");
        Assert.Equal(["2025-1", "2025-2", "2025-4", "2025-5", "2025-12", "2026-1", "2026-3", "-"],
            byMonth.Select(g => $"{g!["key"]!["closeDate_year"]?.ToJsonString()}-{g["key"]!["closeDate_month"]?.ToJsonString()}").ToList());

        var byDate = await GroupsAsync(server, """filter: {closeDate: {gte: "2025-12-01"}}, groupBy: [closeDate]""", "key { closeDate } count");
        Assert.Equal(["2025-12-31", "2026-01-01", "2026-03-15"], Keys(byDate, "closeDate"));

        // A DATETIME's parts are taken in UTC (inputs with offsets cross month and year boundaries).
        var activityMonth = await GroupsAsync(server, "groupBy: [lastActivity_month]", "key { lastActivity_month } count");
        Assert.Equal(["1", "4", "6", "12", null], Keys(activityMonth, "lastActivity_month"));
        Assert.Equal([1L, 1L, 1L, 2L, 3L], Counts(activityMonth));
        var activityYear = await GroupsAsync(server, "groupBy: [lastActivity_year]", "key { lastActivity_year } count");
        Assert.Equal(["2025", null], Keys(activityYear, "lastActivity_year"));
        Assert.Equal([5L, 3L], Counts(activityYear));
        var activityQuarter = await GroupsAsync(server, "groupBy: [lastActivity_quarter]", "key { lastActivity_quarter } count");
        Assert.Equal(["1", "2", "4", null], Keys(activityQuarter, "lastActivity_quarter"));
        Assert.Equal([1L, 2L, 2L, 3L], Counts(activityQuarter));
        var activity = await GroupsAsync(server, """filter: {lastActivity: {gte: "2025-12-01T00:00:00Z"}}, groupBy: [lastActivity]""", "key { lastActivity } count");
        Assert.Equal([Utc("2025-12-31T23:00:00Z"), Utc("2025-12-31T23:59:59Z")], activity.Select(g => Time(g!["key"]!["lastActivity"])).ToList());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Having_filters_groups_on_count_sum_and_avg(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        var both = await GroupsAsync(server, "groupBy: [stage], having: {count: {gt: 1}, sum: {amount: {gte: 100}}}", "key { stage } count");
        Assert.Equal(["ClosedWon", "Negotiation", "Prospecting"], Keys(both, "stage"));

        // Decimal comparisons are exact: 300.60 passes 300.5, 300.30 does not.
        var tight = await GroupsAsync(server, "groupBy: [stage], having: {count: {gt: 1}, sum: {amount: {gte: 300.5}}}", "key { stage }");
        Assert.Equal(["ClosedWon", "Negotiation"], Keys(tight, "stage"));
        var exact = await GroupsAsync(server, """groupBy: [stage], having: {sum: {amount: {eq: "300.60"}}}""", "key { stage }");
        Assert.Equal(["Negotiation"], Keys(exact, "stage"));

        var countOnly = await GroupsAsync(server, "groupBy: [stage], having: {count: {gte: 3}}", "key { stage } count");
        Assert.Equal(["Negotiation"], Keys(countOnly, "stage"));
        var countLess = await GroupsAsync(server, "groupBy: [stage], having: [{count: {lt: 3}}, {count: {neq: 1}}]", "key { stage }");
        Assert.Equal(["ClosedWon", "Prospecting"], Keys(countLess, "stage"));

        var avg = await GroupsAsync(server, "groupBy: [stage], having: {avg: {amount: {gt: 150}}}", "key { stage } avg { amount }");
        Assert.Equal(["ClosedWon", "Prospecting"], Keys(avg, "stage"));
        var avgTight = await GroupsAsync(server, "groupBy: [stage], having: {avg: {amount: {gt: 150.15}}}", "key { stage }");
        Assert.Equal(["ClosedWon"], Keys(avgTight, "stage"));

        var minMax = await GroupsAsync(server, """groupBy: [stage], having: {min: {amount: {lt: 60}}, max: {closeDate: {lte: "2026-01-01"}}}""", "key { stage }");
        Assert.Equal(["ClosedWon", "Negotiation"], Keys(minMax, "stage"));

        // HAVING on a metric that is not selected still works.
        var unselected = await GroupsAsync(server, "groupBy: [isPriority], having: {sum: {quantity: {gt: 9}}}", "key { isPriority } count");
        Assert.Equal(["false", "true"], Keys(unselected, "isPriority"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Groups_are_ordered_by_count_key_or_metric_and_limited_by_first(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        var byCount = await GroupsAsync(server, "groupBy: [stage], orderBy: [{count: DESC}]", "key { stage } count");
        Assert.Equal(["Negotiation", "ClosedWon", "Prospecting", null], Keys(byCount, "stage"));
        var byCountAsc = await GroupsAsync(server, "groupBy: [stage], orderBy: [{count: ASC}, {key: {stage: DESC}}]", "key { stage } count");
        Assert.Equal([null, "Prospecting", "ClosedWon", "Negotiation"], Keys(byCountAsc, "stage"));

        var byKeyDesc = await GroupsAsync(server, "groupBy: [stage], orderBy: [{key: {stage: DESC}}]", "key { stage }");
        Assert.Equal([null, "Prospecting", "Negotiation", "ClosedWon"], Keys(byKeyDesc, "stage"));

        var bySumDesc = await GroupsAsync(server, "groupBy: [stage], orderBy: [{sum: {amount: DESC}}]", "key { stage } sum { amount }");
        Assert.Equal([null, "ClosedWon", "Negotiation", "Prospecting"], Keys(bySumDesc, "stage"));
        var bySumAsc = await GroupsAsync(server, "groupBy: [stage], orderBy: [{sum: {amount: ASC}}]", "key { stage }");
        Assert.Equal(["Prospecting", "Negotiation", "ClosedWon", null], Keys(bySumAsc, "stage"));
        var byAvg = await GroupsAsync(server, "groupBy: [stage], having: {count: {gt: 1}}, orderBy: [{avg: {amount: ASC}}]", "key { stage }");
        Assert.Equal(["Negotiation", "Prospecting", "ClosedWon"], Keys(byAvg, "stage"));
        var byMaxDate = await GroupsAsync(server, "groupBy: [stage], having: {count: {gt: 1}}, orderBy: [{max: {closeDate: DESC}}]", "key { stage }");
        Assert.Equal(["ClosedWon", "Negotiation", "Prospecting"], Keys(byMaxDate, "stage"));

        var top = await GroupsAsync(server, "groupBy: [stage], orderBy: [{count: DESC}], first: 2", "key { stage } count");
        Assert.Equal(["Negotiation", "ClosedWon"], Keys(top, "stage"));
        var topYear = await GroupsAsync(server, "groupBy: [closeDate_year], orderBy: [{key: {closeDate_year: DESC}}], first: 1", "key { closeDate_year } count");
        Assert.Equal([null], Keys(topYear, "closeDate_year"));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Decimal_sums_and_averages_are_exact(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await Crm.CreateAsync(server);
        var inputs = Enumerable.Range(0, 30).Select(i => (object)new { name = $"tenth {i}", amount = "0.1", stage = "Prospecting" })
            .Concat(Enumerable.Range(0, 10).Select(i => (object)new { name = $"seventh {i}", amount = "0.7", stage = "Negotiation" }))
            .Concat([new { name = "p", amount = "0.1", stage = "ClosedWon" }, new { name = "q", amount = "0.2", stage = "ClosedWon" }])
            .Concat([new { name = "big1", amount = "9999999999999999.99", stage = "ClosedLost" }, new { name = "big2", amount = "-9999999999999999.98", stage = "ClosedLost" }])
            .ToArray();
        await Crm.CreateOpportunitiesAsync(server, inputs);

        var groups = await GroupsAsync(server, "groupBy: [stage]", "key { stage } count sum { amount } avg { amount } min { amount } max { amount }");
        var byStage = groups.ToDictionary(g => (string)g!["key"]!["stage"]!, g => g!);
        Assert.Equal(3.0m, Crm.Dec(byStage["Prospecting"]["sum"]!["amount"]));
        Assert.Equal(0.1m, Crm.Dec(byStage["Prospecting"]["avg"]!["amount"]));
        Assert.Equal(7.0m, Crm.Dec(byStage["Negotiation"]["sum"]!["amount"]));
        Assert.Equal(0.7m, Crm.Dec(byStage["Negotiation"]["avg"]!["amount"]));
        Assert.Equal(0.3m, Crm.Dec(byStage["ClosedWon"]["sum"]!["amount"]));
        Assert.Equal(0.15m, Crm.Dec(byStage["ClosedWon"]["avg"]!["amount"]));
        Assert.Equal(0.01m, Crm.Dec(byStage["ClosedLost"]["sum"]!["amount"]));
        Assert.Equal(9999999999999999.99m, Crm.Dec(byStage["ClosedLost"]["max"]!["amount"]));
        Assert.Equal(-9999999999999999.98m, Crm.Dec(byStage["ClosedLost"]["min"]!["amount"]));

        // Equality on an exact sum: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
        var exact = await GroupsAsync(server, "groupBy: [stage], having: {sum: {amount: {eq: 0.3}}}", "key { stage }");
        Assert.Equal(["ClosedWon"], Keys(exact, "stage"));
        var three = await GroupsAsync(server, "groupBy: [stage], having: {sum: {amount: {eq: 3}}}", "key { stage }");
        Assert.Equal(["Prospecting"], Keys(three, "stage"));
        var total = await GroupsAsync(server, """filter: {stage: {neq: "ClosedLost"}}""", "sum { amount }");
        Assert.Equal(10.3m, Crm.Dec(total[0]!["sum"]!["amount"]));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Bad_aggregate_arguments_are_refused_with_a_code(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        var tooMany = await server.DataAsync("{ opportunitiesAggregate(groupBy: [stage], first: 1001) { count } }");
        ResponseAssert.GraphQLError(tooMany, "LIMIT_EXCEEDED");
        Assert.Equal("maxGroups", (string?)tooMany.Errors![0]!["extensions"]!["limit"]);

        var twoThings = await server.DataAsync("{ opportunitiesAggregate(groupBy: [stage], orderBy: [{count: ASC, key: {stage: ASC}}]) { count } }");
        ResponseAssert.GraphQLError(twoThings, "VALIDATION_FAILED");

        var unknownKey = await server.DataAsync("{ opportunitiesAggregate(groupBy: [name]) { count } }");
        ResponseAssert.IsSafeError(unknownKey);
        var notSummable = await server.DataAsync("{ opportunitiesAggregate(groupBy: [stage]) { sum { closeDate } } }");
        ResponseAssert.IsSafeError(notSummable);

        var badHaving = await server.DataAsync("""{ opportunitiesAggregate(groupBy: [stage], having: {sum: {amount: {gt: "lots"}}}) { count } }""");
        ResponseAssert.GraphQLError(badHaving, "VALIDATION_FAILED");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Ordering_by_a_key_that_is_not_grouped_is_a_validation_error(DatabaseProvider provider)
    {
        var seeded = await StartAsync(provider);
        await using var server = seeded.Server;

        // Ordering groups by a key they are not grouped by has no meaning (PostgreSQL cannot even run it).
        var response = await server.DataAsync("{ opportunitiesAggregate(groupBy: [stage], orderBy: [{key: {closeDate_year: ASC}}]) { key { stage } count } }");
        ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
    }

    /// <summary>The same aggregate queries on SQLite and on PostgreSQL give the same answers (numbers compared by value, account ids by name).</summary>
    [Fact]
    public async Task Answers_are_identical_on_sqlite_and_postgres()
    {
        string[] queries =
        [
            "groupBy: [stage]) { key { stage } count sum { amount quantity } avg { amount quantity } min { amount closeDate lastActivity } max { amount closeDate lastActivity }",
            "groupBy: [isPriority, stage], orderBy: [{count: DESC}]) { key { isPriority stage } count sum { amount } avg { amount }",
            "groupBy: [account], orderBy: [{sum: {amount: DESC}}]) { key { account } count sum { amount } avg { quantity }",
            "groupBy: [closeDate_year, closeDate_quarter, closeDate_month]) { key { closeDate_year closeDate_quarter closeDate_month } count sum { amount }",
            "groupBy: [lastActivity_year, lastActivity_quarter, lastActivity_month]) { key { lastActivity_year lastActivity_quarter lastActivity_month } count max { lastActivity }",
            "groupBy: [closeDate, lastActivity]) { key { closeDate lastActivity } count",
            "groupBy: [stage], having: {count: {gt: 1}, sum: {amount: {gte: 100}}}, orderBy: [{avg: {amount: DESC}}]) { key { stage } count avg { amount }",
            "filter: {account: {industry: {eq: \"Retail\"}}}) { count sum { amount quantity } avg { amount quantity } min { closeDate } max { closeDate }",
        ];

        async Task<List<string>> RunAsync(DatabaseProvider provider)
        {
            await using var server = await PaasServer.StartAsync(provider);
            var (acme, globex) = await SeedAsync(server);
            var names = new Dictionary<string, string> { [acme] = "Acme", [globex] = "Globex" };
            var answers = new List<string>();
            foreach (var query in queries)
            {
                var data = await server.DataOkAsync("{ opportunitiesAggregate(" + query + " } }");
                answers.Add(Normalize(data, names)!.ToJsonString());
            }

            return answers;
        }

        var sqlite = await RunAsync(DatabaseProvider.Sqlite);
        var postgres = await RunAsync(DatabaseProvider.Postgres);
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.True(sqlite[i] == postgres[i], $"Query {i} differs:\n  SQLite:     {sqlite[i]}\n  PostgreSQL: {postgres[i]}");
        }
    }

    private static JsonNode? Normalize(JsonNode? node, IReadOnlyDictionary<string, string> names) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Normalize(kv.Value, names)))),
        JsonArray a => new JsonArray(a.Select(n => Normalize(n, names)).ToArray()),
        JsonValue v when v.TryGetValue<decimal>(out var d) => JsonValue.Create((d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture)),
        JsonValue v when v.TryGetValue<string>(out var s) && names.TryGetValue(s, out var name) => JsonValue.Create(name),
        JsonValue v => JsonNode.Parse(v.ToJsonString()),
        _ => null,
    };

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(JsonNode? node) => node is null ? null : Utc((string)node!);
}
