using System.Globalization;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Formulas;
using Paas.Testing;

namespace Paas.Data.Tests.Formulas;

/// <summary>Formulas evaluated by the database, on both providers, decoded as their value type's column would be.</summary>
public sealed class FormulaSqlTests(SharedFormulaCrm shared) : IClassFixture<SharedFormulaCrm>
{
    /// <summary>A formula, its return type (and scale) and the value expected.</summary>
    public sealed record Case(string Formula, FieldType ReturnType, object? Expected, int? Scale = null);

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}' (string)",
        _ => $"{Convert.ToString(value, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
    };

    private async Task CheckAsync(DatabaseProvider provider, string record, params Case[] cases)
    {
        var crm = await shared.GetAsync(provider);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            object? actual;
            try
            {
                actual = await crm.EvaluateAsync(record, c.Formula, c.ReturnType, c.Scale);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{c.Formula}: threw {e.GetType().Name}: {e.Message}");
                continue;
            }

            var expected = c.Expected is int i ? (long)i : c.Expected;
            if (!Equals(expected, actual))
            {
                failures.Add($"{c.Formula}: expected {Show(expected)}, got {Show(actual)}");
            }
        }

        Assert.True(failures.Count == 0, $"{provider}, {record}:\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Decimal_arithmetic_is_exact_and_rounds_half_away_from_zero_to_the_scale(DatabaseProvider provider) => CheckAsync(provider, "Big",
        new("amount * probability / 100", FieldType.Currency, 37.04m, 2),
        new("amount * probability / 100", FieldType.Number, 37.035m, 3),
        new("amount * probability / 100", FieldType.Integer, 37L),
        new("amount + 0.1 + 0.2", FieldType.Currency, 123.75m, 2),
        new("amount * discount / 100", FieldType.Currency, 15.43m, 2),
        new("amount - amount * discount / 100", FieldType.Currency, 108.02m, 2),
        new("(amount + 1) * 2 / 4", FieldType.Number, 62.23m, 2),
        new("probability / 7", FieldType.Number, 4.2857m, 4),
        new("1 / 3 * 3", FieldType.Number, 1.00m, 2),
        new("1 / 3", FieldType.Number, 0.33333333m, 8),
        new("amount / 7", FieldType.Number, 17.63571429m, 8),
        new("probability % 7", FieldType.Integer, 2L),
        new("-amount % 10", FieldType.Number, -3.45m, 2),
        new("+amount - -1", FieldType.Number, 124.45m, 2),
        new("discount", FieldType.Percent, 12.5m, 1),
        new("amount", FieldType.Integer, 123L),
        new("amount * 1000000", FieldType.Currency, 123450000m, 2),
        new("ROUND(amount, 1)", FieldType.Number, 123.5m, 2),
        new("ROUND(amount, 5)", FieldType.Number, 123.45m, 5),
        new("ROUND(-2.5, 0)", FieldType.Integer, -3L),
        new("FLOOR(-amount)", FieldType.Integer, -124L),
        new("CEILING(amount)", FieldType.Integer, 124L),
        new("FLOOR(amount) + CEILING(-amount)", FieldType.Integer, 0L),
        new("ABS(-amount)", FieldType.Currency, 123.45m, 2),
        new("MOD(probability, 4)", FieldType.Integer, 2L),
        new("MIN(amount, probability, 200)", FieldType.Number, 30m, 2),
        new("MAX(amount, probability, 0.5)", FieldType.Number, 123.45m, 2),
        new("LEN(name) * 1.5", FieldType.Number, 12m, 2));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Negative_and_zero_values_round_and_print_correctly(DatabaseProvider provider) => CheckAsync(provider, "Small",
        new("amount * 10", FieldType.Currency, -0.5m, 2),
        new("ROUND(amount, 1)", FieldType.Number, -0.1m, 2),
        new("amount * probability", FieldType.Currency, 0m, 2),
        new("TEXT(amount)", FieldType.Text, "-0.05"),
        new("TEXT(discount)", FieldType.Text, "0"),
        new("TEXT(amount * 100)", FieldType.Text, "-5"),
        new("FLOOR(amount)", FieldType.Integer, -1L),
        new("CEILING(amount)", FieldType.Integer, 0L));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Empty_values_propagate_and_division_by_zero_is_null(DatabaseProvider provider) => CheckAsync(provider, "Empty",
        new("amount * 2", FieldType.Number, null, 2),
        new("amount + probability", FieldType.Number, null, 2),
        new("closeDate + 1", FieldType.Date, null),
        new("UPPER(stage)", FieldType.Text, null),
        new("amount ?? 5", FieldType.Number, 5m, 2),
        new("BLANKVALUE(amount, -1)", FieldType.Number, -1m, 2),
        new("BLANKVALUE(stage, 'none')", FieldType.Text, "none"),
        new("ISBLANK(amount) && ISBLANK(stage)", FieldType.Boolean, true),
        new("name + stage + '!'", FieldType.Text, "Empty!"),
        new("amount == null", FieldType.Boolean, true),
        new("amount != null", FieldType.Boolean, false),
        new("amount == probability", FieldType.Boolean, true),
        new("won == false", FieldType.Boolean, false),
        new("won && true", FieldType.Boolean, null),
        new("won && false", FieldType.Boolean, false),
        new("won || true", FieldType.Boolean, true),
        new("!won", FieldType.Boolean, null),
        new("amount > 100", FieldType.Boolean, null),
        new("IF(won, 1, 2)", FieldType.Integer, 2L),
        new("CASE(stage, null, 'none', 'Won', 'yes', 'other')", FieldType.Text, "none"),
        new("MIN(amount, 3, probability)", FieldType.Number, 3m, 2),
        new("MAX(amount, probability)", FieldType.Number, null, 2),
        new("account.industry", FieldType.Text, null),
        new("LEFT(stage, 2)", FieldType.Text, null),
        new("RIGHT(stage, 0)", FieldType.Text, null),
        new("null", FieldType.DateTime, null));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Division_by_zero_gives_null(DatabaseProvider provider) => CheckAsync(provider, "Small",
        new("1 / probability", FieldType.Number, null, 2),
        new("amount / (probability * 2)", FieldType.Currency, null, 2),
        new("amount % probability", FieldType.Number, null, 2),
        new("MOD(10, probability)", FieldType.Integer, null),
        new("BLANKVALUE(100 / probability, 7)", FieldType.Integer, 7L));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Text_is_concatenated_and_transformed(DatabaseProvider provider) => CheckAsync(provider, "Big",
        new("name + ' (' + stage + ')'", FieldType.Text, "Big Deal (Won)"),
        new("'Total: ' + amount + ', ' + probability + '%'", FieldType.Text, "Total: 123.45, 30%"),
        new("'x' + null + 'y'", FieldType.Text, "xy"),
        new("closeDate + ' / ' + signedAt", FieldType.Text, "2024-01-31 / 2024-03-10T12:00:00.123456Z"),
        new("UPPER(name) + LOWER(name)", FieldType.Text, "BIG DEALbig deal"),
        new("TRIM('  a b  ')", FieldType.Text, "a b"),
        new("LEN(name)", FieldType.Integer, 8L),
        new("LEN('héllo wörld')", FieldType.Integer, 11L),
        new("LEFT(name, 3) + '|' + LEFT(name, -1) + '|' + LEFT(name, 99)", FieldType.Text, "Big||Big Deal"),
        new("RIGHT(name, 4) + '|' + RIGHT(name, 0) + '|' + RIGHT(name, 99)", FieldType.Text, "Deal||Big Deal"),
        new("MID(name, 5, 2) + '|' + MID(name, 0, 3) + '|' + MID(name, 7, 10) + '|' + MID(name, 2, -1)", FieldType.Text, "De|Big|al|"),
        new("MID('héllo', 2, 3)", FieldType.Text, "éll"),
        new("CONTAINS(name, 'Dea')", FieldType.Boolean, true),
        new("CONTAINS(name, 'dea')", FieldType.Boolean, false),
        new("CONTAINS(name, '')", FieldType.Boolean, true),
        new("BEGINS(name, 'Big')", FieldType.Boolean, true),
        new("BEGINS(name, 'Deal')", FieldType.Boolean, false),
        new("SUBSTITUTE(name, ' ', '_') + SUBSTITUTE(name, '', 'x')", FieldType.Text, "Big_DealBig Deal"),
        new("TEXT(amount) + '|' + TEXT(amount * 2) + '|' + TEXT(probability) + '|' + TEXT(won)", FieldType.Text, "123.45|246.9|30|true"),
        new("TEXT(closeDate) + '|' + TEXT(signedAt)", FieldType.Text, "2024-01-31|2024-03-10T12:00:00.123456Z"),
        new("TEXT(discount / 4)", FieldType.Text, "3.125"),
        new("'It\\'s \"quoted\"' + \" and 'single'\"", FieldType.Text, "It's \"quoted\" and 'single'"),
        new("'\\'; DROP TABLE o_opportunity; --'", FieldType.Text, "'; DROP TABLE o_opportunity; --"),
        new("'back\\\\slash \\u00e9 \\n'", FieldType.Text, "back\\slash é \n"));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Conditions_choose_and_compare(DatabaseProvider provider) => CheckAsync(provider, "Big",
        new("IF(won, 'yes', 'no')", FieldType.Text, "yes"),
        new("won ? amount : 0", FieldType.Currency, 123.45m, 2),
        new("stage === 'Won' ? 1 : 0", FieldType.Integer, 1L),
        new("CASE(stage, 'Open', 1, 'Won', 2, 0)", FieldType.Integer, 2L),
        new("CASE(probability, 10, 'low', 30, 'mid', 'high')", FieldType.Text, "mid"),
        new("CASE(amount * 2, 246.9, 0.5, 1)", FieldType.Number, 0.5m, 1),
        new("AND(won, amount > 100, probability >= 30)", FieldType.Boolean, true),
        new("OR(!won, amount < 0)", FieldType.Boolean, false),
        new("NOT(won)", FieldType.Boolean, false),
        new("amount > 100 && stage == 'Won'", FieldType.Boolean, true),
        new("stage != 'Lost'", FieldType.Boolean, true),
        new("amount == 123.45", FieldType.Boolean, true),
        new("probability == 30.0", FieldType.Boolean, true),
        new("probability > 29.5", FieldType.Boolean, true),
        new("name < 'C'", FieldType.Boolean, true),
        new("name < 'a'", FieldType.Boolean, true),
        new("account == null", FieldType.Boolean, false),
        new("won", FieldType.Boolean, true),
        new("IF(amount > 1000, 'large', IF(amount > 100, 'medium', 'small'))", FieldType.Text, "medium"));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Dates_add_days_and_months_and_count_days_between(DatabaseProvider provider) => CheckAsync(provider, "Big",
        new("closeDate + 1", FieldType.Date, Day("2024-02-01")),
        new("1 + closeDate", FieldType.Date, Day("2024-02-01")),
        new("closeDate - 31", FieldType.Date, Day("2023-12-31")),
        new("closeDate + 1.9", FieldType.Date, Day("2024-02-01")),
        new("closeDate - 1.9", FieldType.Date, Day("2024-01-30")),
        new("ADD_DAYS(closeDate, 30)", FieldType.Date, Day("2024-03-01")),
        new("ADD_MONTHS(closeDate, 1)", FieldType.Date, Day("2024-02-29")),
        new("ADD_MONTHS(closeDate, -2)", FieldType.Date, Day("2023-11-30")),
        new("ADD_MONTHS(closeDate, 13)", FieldType.Date, Day("2025-02-28")),
        new("DAYS_BETWEEN(closeDate, signedAt)", FieldType.Integer, 39L),
        new("DAYS_BETWEEN(signedAt, closeDate)", FieldType.Integer, -39L),
        new("closeDate - DATE(2024, 1, 1)", FieldType.Integer, 30L),
        new("YEAR(closeDate) * 10000 + MONTH(closeDate) * 100 + DAY(closeDate)", FieldType.Integer, 20240131L),
        new("YEAR(signedAt) + MONTH(signedAt) + DAY(signedAt)", FieldType.Integer, 2037L),
        new("DATE(2024, 2, 29)", FieldType.Date, Day("2024-02-29")),
        new("DATE(2023, 2, 29)", FieldType.Date, null),
        new("DATE(2024, 13, 1)", FieldType.Date, null),
        new("DATE(0, 1, 1)", FieldType.Date, null),
        new("DATE(YEAR(closeDate), 12, 25.7)", FieldType.Date, Day("2024-12-25")),
        new("closeDate < DATE(2024, 2, 1)", FieldType.Boolean, true),
        new("closeDate == DATE(2024, 1, 31)", FieldType.Boolean, true),
        new("closeDate", FieldType.DateTime, Instant("2024-01-31T00:00:00Z")),
        new("signedAt + 0.5", FieldType.DateTime, Instant("2024-03-11T00:00:00.123456Z")),
        new("signedAt - 1", FieldType.DateTime, Instant("2024-03-09T12:00:00.123456Z")),
        new("ADD_DAYS(signedAt, 0.25)", FieldType.DateTime, Instant("2024-03-10T18:00:00.123456Z")),
        new("ADD_MONTHS(signedAt, 1)", FieldType.DateTime, Instant("2024-04-10T12:00:00.123456Z")),
        new("IF(won, signedAt, closeDate)", FieldType.DateTime, Instant("2024-03-10T12:00:00.123456Z")),
        new("IF(!won, signedAt, closeDate)", FieldType.DateTime, Instant("2024-01-31T00:00:00Z")),
        new("MAX(closeDate, signedAt)", FieldType.DateTime, Instant("2024-03-10T12:00:00.123456Z")),
        new("signedAt > closeDate", FieldType.Boolean, true),
        new("signedAt == DATE(2024, 3, 10)", FieldType.Boolean, false));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Datetimes_cross_midnight_in_utc(DatabaseProvider provider) => CheckAsync(provider, "Small",
        new("signedAt + 0.25", FieldType.DateTime, Instant("2024-01-01T05:30:00Z")),
        new("DAYS_BETWEEN(signedAt, closeDate + 1)", FieldType.Integer, 1L),
        new("YEAR(signedAt + 0.25)", FieldType.Integer, 2024L),
        new("TEXT(signedAt - 365)", FieldType.Text, "2022-12-31T23:30:00.000000Z"));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Today_and_now_are_the_current_utc_time(DatabaseProvider provider)
    {
        var crm = await shared.GetAsync(provider);

        var today = (DateOnly)(await crm.EvaluateAsync("Big", "TODAY()", FieldType.Date))!;
        var now = (DateTimeOffset)(await crm.EvaluateAsync("Big", "NOW()", FieldType.DateTime))!;
        var tomorrow = (DateOnly)(await crm.EvaluateAsync("Big", "TODAY() + 1", FieldType.Date))!;

        Assert.InRange(today.DayNumber, DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - 1, DateOnly.FromDateTime(DateTime.UtcNow).DayNumber);
        Assert.InRange(now, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(today.AddDays(1), tomorrow);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Lookup_paths_read_the_related_records(DatabaseProvider provider)
    {
        var crm = await shared.GetAsync(provider);
        await CheckAsync(provider, "Big",
            new("account.industry", FieldType.Text, "Tech"),
            new("account.parent.industry", FieldType.Text, "Energy"),
            new("account.parent.rating + account.rating", FieldType.Integer, 12L),
            new("account.name + ' < ' + account.parent.name", FieldType.Text, "Acme < Holding"),
            new("account?.parent?.name", FieldType.Text, "Holding"),
            new("account.parent.parent.name", FieldType.Text, null),
            new("account", FieldType.Text, crm.Ids["Acme"].ToString()),
            new("account.parent", FieldType.Text, crm.Ids["Holding"].ToString()),
            new("account.parent == account.parent.id", FieldType.Boolean, true),
            new("account.parent.parent == null", FieldType.Boolean, true),
            new("CASE(account.industry, 'Energy', 1, 'Tech', 2, 3) * amount", FieldType.Currency, 246.9m, 2));
        await CheckAsync(provider, "Small",
            new("account.industry + '/' + account.parent.industry", FieldType.Text, "Energy/"),
            new("account.rating * amount", FieldType.Currency, -0.45m, 2));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Formula_fields_are_inlined_with_their_own_type_and_scale(DatabaseProvider provider)
    {
        var crm = await shared.GetAsync(provider);
        var metadata = await crm.MetadataAsync(
            ("Account", FormulaCrm.Formula("name + '/' + industry", FieldType.Text, apiName: "label")),
            ("Account", FormulaCrm.Formula("rating * 1.5", FieldType.Integer, apiName: "score")),
            ("Opportunity", FormulaCrm.Formula("amount * probability / 100", FieldType.Currency, 2, "weighted")),
            ("Opportunity", FormulaCrm.Formula("weighted > 10", FieldType.Boolean, apiName: "worth")),
            ("Opportunity", FormulaCrm.Formula("2 / 3", FieldType.Number, 8, "fine")));

        Assert.Equal("Acme/Tech 37.04", await crm.EvaluateAsync("Big", FormulaCrm.Formula("account.label + ' ' + TEXT(weighted)", FieldType.Text), metadata));
        // weighted is 37.04 as stored, so twice it is 74.08 (not 74.07 from 37.035).
        Assert.Equal(74.08m, await crm.EvaluateAsync("Big", FormulaCrm.Formula("weighted * 2", FieldType.Currency, 2), metadata));
        // rating 3 * 1.5 = 4.5 rounds to 5 as an INTEGER formula; the parent's 13.5 to 14.
        Assert.Equal(19L, await crm.EvaluateAsync("Big", FormulaCrm.Formula("account.score + account.parent.score", FieldType.Integer), metadata));
        Assert.Equal(true, await crm.EvaluateAsync("Big", FormulaCrm.Formula("worth && won", FieldType.Boolean), metadata));
        Assert.Equal(false, await crm.EvaluateAsync("Small", FormulaCrm.Formula("worth", FieldType.Boolean), metadata));
        // An inlined field keeps its own precision inside a coarser formula: 0.66666667 * 3 = 2.00000001, rounded to 2.
        Assert.Equal(2.00000001m, await crm.EvaluateAsync("Big", FormulaCrm.Formula("fine * 3", FieldType.Number, 8), metadata));
        Assert.Equal(2.0m, await crm.EvaluateAsync("Big", FormulaCrm.Formula("fine * 3", FieldType.Number, 1), metadata));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Several_formulas_with_lookups_fit_in_one_select(DatabaseProvider provider)
    {
        var crm = await shared.GetAsync(provider);
        var metadata = await crm.MetadataAsync();
        var owner = metadata.FindObject("Opportunity")!;
        var first = FormulaCrm.Formula("account.parent.name + ':' + account.name", FieldType.Text);
        var second = FormulaCrm.Formula("LEN(account.parent.industry) + account.rating", FieldType.Integer, apiName: "other");

        var row = await crm.ColumnAsync((session, statement) =>
        {
            string Render(FieldDefinition f) => FormulaSql.Render(FormulaCompiler.Analyze(metadata, owner, f), f, session.Dialect, "r", session.Table);
            var concatenated = session.Dialect.Provider == DatabaseProvider.Sqlite
                ? $"{Render(first)} || '|' || {Render(second)}"
                : $"{Render(first)} || '|' || CAST({Render(second)} AS text)";
            statement.Append($"SELECT {concatenated} FROM {session.Table(owner)} r WHERE r.\"id\" = {statement.Parameter(owner.IdField, crm.Ids["Big"])}");
            return Task.CompletedTask;
        });

        Assert.Equal(["Holding:Acme|9"], row);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Rendered_values_filter_and_sort_like_stored_columns(DatabaseProvider provider)
    {
        var crm = await shared.GetAsync(provider);
        var metadata = await crm.MetadataAsync();
        var owner = metadata.FindObject("Opportunity")!;
        var weighted = FormulaCrm.Formula("amount * probability / 100", FieldType.Currency, 2);
        var due = FormulaCrm.Formula("closeDate + 7", FieldType.Date, apiName: "due");
        var label = FormulaCrm.Formula("UPPER(name)", FieldType.Text, apiName: "label");
        string Render(Paas.Data.Storage.TenantSession session, FieldDefinition f) =>
            FormulaSql.Render(FormulaCompiler.Analyze(metadata, owner, f), f, session.Dialect, "r", session.Table);

        var above = await crm.ColumnAsync((session, statement) =>
        {
            var bound = statement.Parameter(null, session.Dialect.ComparableNumber(weighted with { Type = weighted.ValueType }, 10m));
            statement.Append($"SELECT r.\"name\" FROM {session.Table(owner)} r WHERE {Render(session, weighted)} > {bound} ORDER BY r.\"id\"");
            return Task.CompletedTask;
        });
        var byWeight = await crm.ColumnAsync((session, statement) =>
        {
            var sql = Render(session, weighted);
            statement.Append($"SELECT r.\"name\" FROM {session.Table(owner)} r WHERE {sql} IS NOT NULL ORDER BY {sql} DESC, r.\"id\"");
            return Task.CompletedTask;
        });
        var afterDue = await crm.ColumnAsync((session, statement) =>
        {
            var bound = statement.Parameter(due with { Type = due.ValueType }, new DateOnly(2024, 1, 1));
            statement.Append($"SELECT r.\"name\" FROM {session.Table(owner)} r WHERE {Render(session, due)} >= {bound} ORDER BY {Render(session, due)}");
            return Task.CompletedTask;
        });
        var byLabel = await crm.ColumnAsync((session, statement) =>
        {
            statement.Append($"SELECT r.\"name\" FROM {session.Table(owner)} r ORDER BY {Render(session, label)}");
            return Task.CompletedTask;
        });
        var won = await crm.ColumnAsync((session, statement) =>
        {
            var condition = Render(session, FormulaCrm.Formula("won && amount > 0", FieldType.Boolean));
            statement.Append($"SELECT r.\"name\" FROM {session.Table(owner)} r WHERE {condition}");
            return Task.CompletedTask;
        });

        Assert.Equal(["Big Deal"], above);
        Assert.Equal(["Big Deal", "small"], byWeight);
        Assert.Equal(["small", "Big Deal"], afterDue);
        Assert.Equal(["Big Deal", "Empty", "small"], byLabel);
        Assert.Equal(["Big Deal"], won);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public Task Formulas_at_the_limits_run_within_the_engines_limits(DatabaseProvider provider) => CheckAsync(provider, "Big",
        new("signedAt" + string.Concat(Enumerable.Repeat(" + 0.5", 149)), FieldType.DateTime, Instant("2024-05-24T00:00:00.123456Z")),
        new("amount" + string.Concat(Enumerable.Repeat(" / 1", 149)), FieldType.Currency, 123.45m, 2),
        new("probability" + string.Concat(Enumerable.Repeat(" * 1.0", 149)), FieldType.Integer, 30L),
        new("MAX(amount" + string.Concat(Enumerable.Repeat(", 1", 497)) + ")", FieldType.Currency, 123.45m, 2),
        new("AND(won" + string.Concat(Enumerable.Repeat(", won", 249)) + ")", FieldType.Boolean, true),
        new(string.Concat(Enumerable.Repeat("ADD_MONTHS(", 148)) + "signedAt" + string.Concat(Enumerable.Repeat(", 1)", 148)), FieldType.DateTime,
            Instant("2036-07-10T12:00:00.123456Z")));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Paths_of_a_non_compilable_formula_render_to_their_stored_values(DatabaseProvider provider)
    {
        var crm = await shared.GetAsync(provider);
        var metadata = await crm.MetadataAsync();
        var owner = metadata.FindObject("Opportunity")!;
        var analysis = FormulaCompiler.Analyze(metadata, owner,
            FormulaCrm.Formula("name.split(' ')[0] + account.parent.industry + amount + LEN(TEXT(account))", FieldType.Text));
        Assert.False(analysis.IsSqlCompilable);
        Assert.Throws<InvalidOperationException>(() => FormulaSql.Render(analysis, analysis.Field, new Paas.Data.Sql.SqliteDialect(), "r", o => o.Table));

        await using var session = await crm.Tenant.OpenSessionAsync();
        var statement = session.Statement();
        var columns = analysis.Paths.Select(p => FormulaSql.RenderPath(p, session.Dialect, "r", session.Table));
        statement.Append($"SELECT {string.Join(", ", columns)} FROM {session.Table(owner)} r WHERE r.\"id\" = {statement.Parameter(owner.IdField, crm.Ids["Big"])}");
        await using var command = session.Command(statement);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var values = analysis.Paths.Select((p, i) => session.Dialect.FromDb(p.Target, reader.GetValue(i))).ToList();

        Assert.Equal(["name", "account.parent.industry", "amount", "account"], analysis.Paths.Select(p => p.ToString()));
        Assert.Equal(["Big Deal", "Energy", 123.45m, crm.Ids["Acme"]], values);
        var record = FormulaScript.BuildRecord(analysis, values);
        Assert.Equal("Big Deal", record["name"]);
        Assert.Equal(123.45m, record["amount"]);
        var account = Assert.IsType<Dictionary<string, object?>>(record["account"]);
        Assert.Equal(crm.Ids["Acme"], account["id"]);
        Assert.Equal("Energy", Assert.IsType<Dictionary<string, object?>>(account["parent"])["industry"]);
    }
}
