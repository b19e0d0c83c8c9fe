using System.Text.Json.Nodes;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Scripts;

/// <summary>Triggers and validation rules deployed through the metadata API and fired by GraphQL writes, on both databases.</summary>
public sealed class TriggerTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Before_create_trigger_sees_the_whole_batch_and_its_changes_are_stored(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.TriggerAsync(server, "numberDeals", "BEFORE", ["CREATE"], """
            ctx.records.forEach((r, i) => { r.externalId = 'EXT-' + r.name + '-' + ctx.records.length; if (r.amount > 1000) r.isPriority = true; });
            log.info('numbered ' + ctx.records.length);
            """);

        var response = await ScriptFixture.CreateManyAsync(server, ScriptFixture.Opportunities(1000, i => new { name = $"O{i}", amount = i * 2 }), "name externalId isPriority");
        var created = response.AssertOk()["createOpportunities"]!.AsArray();
        Assert.Equal(1000, created.Count);
        Assert.Equal("EXT-O7-1000", (string?)created[7]!["externalId"]);
        Assert.Null((bool?)created[7]!["isPriority"]);
        Assert.True((bool?)created[999]!["isPriority"]);

        // One execution for the batch, reported with its cost.
        var cost = response.Json!["extensions"]!["scriptCost"]!.AsArray();
        var entry = Assert.Single(cost);
        Assert.Equal("numberDeals", (string?)entry!["script"]);
        Assert.Equal("trigger", (string?)entry["kind"]);
        Assert.True((long)entry["statements"]! > 1000);

        var stored = await server.DataOkAsync("""{ opportunities(filter: {externalId: {eq: "EXT-O999-1000"}}) { totalCount } }""");
        Assert.Equal(1, (long)stored["opportunities"]!["totalCount"]!);

        // The log line is kept and admins can read it.
        var runs = await server.MetadataOkAsync("""{ scriptRuns(script: "numberDeals") { script kind logs { level message } } }""");
        var run = Assert.Single(runs["scriptRuns"]!.AsArray());
        Assert.Equal("numbered 1000", (string?)run!["logs"]![0]!["message"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Errors_a_trigger_reports_name_the_record_and_nothing_is_written(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.TriggerAsync(server, "noOddAmounts", "BEFORE", ["CREATE"], """
            ctx.records.forEach((r, i) => { if (r.amount % 2 === 1) ctx.addError('amount', 'Amounts must be even.', i); });
            """);

        var response = await ScriptFixture.CreateManyAsync(server, ScriptFixture.Opportunities(6, i => new { name = $"O{i}", amount = i == 3 ? 7 : 10 }));
        ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
        Assert.Equal(["inputs[3].amount"], response.FieldErrorNames);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "opportunities"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Validation_rule_reports_its_message_on_its_field_for_each_failing_record(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.DeployAsync(server, new
        {
            apiName = "closeDateWhenWon", kind = "VALIDATION_RULE", @object = "Opportunity",
            code = "record.stage === 'ClosedWon' && !record.closeDate", errorField = "closeDate", errorMessage = "A won deal needs a close date.",
        });

        var many = await ScriptFixture.CreateManyAsync(server, [
            new { name = "A", amount = 1, stage = "ClosedWon", closeDate = "2026-01-01" },
            new { name = "B", amount = 1, stage = "ClosedWon" },
            new { name = "C", amount = 1, stage = "Prospecting" },
        ]);
        ResponseAssert.GraphQLError(many, "VALIDATION_FAILED");
        Assert.Equal(["inputs[1].closeDate"], many.FieldErrorNames);
        Assert.Contains("A won deal needs a close date.", many.Body, StringComparison.Ordinal);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "opportunities"));

        // On update the rule sees the merged record: the stored close date counts.
        var id = (string)(await server.DataOkAsync("""mutation { createOpportunity(input: {name: "D", amount: 1, closeDate: "2026-02-02"}) { id } }"""))["createOpportunity"]!["id"]!;
        await server.DataOkAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {stage: \"ClosedWon\"}) { id } }", new { id });
        var cleared = await server.DataAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {closeDate: null}) { id } }", new { id });
        ResponseAssert.GraphQLError(cleared, "VALIDATION_FAILED");
        Assert.Equal(["closeDate"], cleared.FieldErrorNames);

        // A disabled rule no longer runs.
        await server.MetadataOkAsync("""mutation { disableScript(apiName: "closeDateWhenWon") { active } }""");
        await server.DataOkAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {closeDate: null}) { id } }", new { id });
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_and_delete_triggers_see_old_values_and_after_triggers_write_through_the_pipeline(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.TriggerAsync(server, "stampStageChange", "BEFORE", ["UPDATE"], """
            const r = ctx.record, old = ctx.old[0];
            if (r.stage !== old.stage) r.externalId = old.stage + '>' + r.stage;
            """);
        await ScriptFixture.TriggerAsync(server, "accountOnWin", "AFTER", ["UPDATE"], """
            if (ctx.record.stage === 'ClosedWon' && ctx.old[0].stage !== 'ClosedWon') {
              const account = db.create('Account', { name: 'Won: ' + ctx.record.name, industry: 'Software' });
              db.update('Opportunity', ctx.record.id, { account: account.id });
            }
            """);
        await ScriptFixture.TriggerAsync(server, "keepWon", "BEFORE", ["DELETE"], """
            if (ctx.old[0].stage === 'ClosedWon') ctx.addError(null, 'Won deals are kept.');
            """);

        var id = (string)(await server.DataOkAsync("""mutation { createOpportunity(input: {name: "Big", amount: 5}) { id } }"""))["createOpportunity"]!["id"]!;
        var updated = await server.DataOkAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {stage: \"ClosedWon\"}) { externalId account { name } } }", new { id });
        Assert.Equal("Prospecting>ClosedWon", (string?)updated["updateOpportunity"]!["externalId"]);
        Assert.Equal("Won: Big", (string?)updated["updateOpportunity"]!["account"]!["name"]);

        var delete = await server.DataAsync("mutation($id: ID!) { deleteOpportunity(id: $id) }", new { id });
        ResponseAssert.GraphQLError(delete, "VALIDATION_FAILED");
        Assert.Equal(1, await SalesSchema.CountAsync(server, "opportunities"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_failing_after_trigger_rolls_back_the_write_and_what_the_trigger_wrote(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.TriggerAsync(server, "createsThenFails", "AFTER", ["CREATE"], """
            db.create('Account', { name: 'Side effect' });
            throw new Error('second thoughts');
            """);

        var response = await server.DataAsync("""mutation { createOpportunity(input: {name: "X", amount: 1}) { id } }""");
        ResponseAssert.GraphQLError(response, "SCRIPT_ERROR");
        Assert.Contains("second thoughts", response.Body, StringComparison.Ordinal);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "opportunities"));
        Assert.Equal(0, await SalesSchema.CountAsync(server, "accounts"));

        // The failed execution is in the log even though its transaction rolled back.
        var runs = await server.MetadataOkAsync("""{ scriptRuns(script: "createsThenFails") { errorCode error } }""");
        Assert.Equal("SCRIPT_ERROR", (string?)Assert.Single(runs["scriptRuns"]!.AsArray())!["errorCode"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_trigger_that_updates_its_own_object_forever_stops_at_the_trigger_depth_and_changes_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var id = (string)(await server.DataOkAsync("""mutation { createOpportunity(input: {name: "Loop", amount: 1}) { id } }"""))["createOpportunity"]!["id"]!;
        await ScriptFixture.TriggerAsync(server, "forever", "AFTER", ["UPDATE"], """
            db.update('Opportunity', ctx.record.id, { amount: ctx.record.amount + 1 });
            """);

        var response = await server.DataAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 2}) { id } }", new { id });
        ResponseAssert.GraphQLError(response, "LIMIT_EXCEEDED");
        Assert.Equal("triggerDepth", (string?)response.Errors![0]!["extensions"]!["limit"]);
        var amount = await server.DataOkAsync("query($id: ID!) { opportunity(id: $id) { amount version } }", new { id });
        Assert.Equal(1m, (decimal)amount["opportunity"]!["amount"]!);
        Assert.Equal(1, (long)amount["opportunity"]!["version"]!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Scripts_run_as_the_caller_unless_marked_to_run_as_system(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.TriggerAsync(server, "countAccounts", "BEFORE", ["CREATE"], """
            ctx.records.forEach(r => { r.externalId = String(db.query('Account', { first: 500 }).length); });
            """, runAs: "SYSTEM");
        await SalesSchema.CreateAccountAsync(server, "Visible");
        var created = await server.DataOkAsync("""mutation { createOpportunity(input: {name: "S", amount: 1}) { externalId } }""");
        Assert.Equal("1", (string?)created["createOpportunity"]!["externalId"]);

        // db.* refuses what GraphQL refuses: an unknown object, a bad filter.
        await ScriptFixture.TriggerAsync(server, "countAccounts", "BEFORE", ["CREATE"], """
            try { db.query('Nope', {}); } catch (e) { ctx.records[0].externalId = e.code; }
            """);
        var refused = await server.DataOkAsync("""mutation { createOpportunity(input: {name: "T", amount: 1}) { externalId } }""");
        Assert.Equal("VALIDATION_FAILED", (string?)refused["createOpportunity"]!["externalId"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_db_call_that_fails_and_is_caught_leaves_nothing_behind_and_the_transaction_goes_on(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await server.DataOkAsync("""mutation { createOpportunity(input: {name: "Taken", amount: 1, externalId: "dup"}) { id } }""");
        await ScriptFixture.TriggerAsync(server, "failingChild", "AFTER", ["CREATE"], "if (ctx.record.name === 'child') throw new Error('no');", obj: "Account");
        await ScriptFixture.TriggerAsync(server, "tryThings", "BEFORE", ["CREATE"], """
            const r = ctx.record;
            if (r.name !== 'Parent') return;
            const seen = [];
            try { db.create('Account', { name: 'child' }); } catch (e) { seen.push(e.code); }
            try { db.create('Opportunity', { name: 'Again', amount: 1, externalId: 'dup' }); } catch (e) { seen.push(e.code); }
            seen.push(db.query('Account', {}).length);
            r.externalId = seen.join(',');
            """);

        var created = await server.DataOkAsync("""mutation { createOpportunity(input: {name: "Parent", amount: 1}) { externalId } }""");
        Assert.Equal("SCRIPT_ERROR,CONFLICT,0", (string?)created["createOpportunity"]!["externalId"]);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "accounts"));
        Assert.Equal(2, await SalesSchema.CountAsync(server, "opportunities"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Triggers_see_lookups_as_ids_in_records_and_old_values(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var account = await SalesSchema.CreateAccountAsync(server, "Acme");
        await ScriptFixture.TriggerAsync(server, "keepAccount", "BEFORE", ["UPDATE"], """
            if (ctx.old[0].account && !ctx.record.account) ctx.addError('account', 'Keep the account.');
            ctx.record.externalId = typeof ctx.old[0].account + ':' + ctx.record.account;
            """);
        var id = (string)(await server.DataOkAsync("mutation($a: ID) { createOpportunity(input: {name: \"L\", amount: 1, account: $a}) { id } }", new { a = account }))["createOpportunity"]!["id"]!;
        var updated = await server.DataOkAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {amount: 2}) { externalId } }", new { id });
        Assert.Equal("string:" + account, (string?)updated["updateOpportunity"]!["externalId"]);
        var cleared = await server.DataAsync("mutation($id: ID!) { updateOpportunity(id: $id, input: {account: null}) { id } }", new { id });
        ResponseAssert.GraphQLError(cleared, "VALIDATION_FAILED");
        Assert.Equal(["account"], cleared.FieldErrorNames);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_csv_import_runs_the_same_triggers_and_rules_and_logs_them(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.TriggerAsync(server, "stampImport", "BEFORE", ["CREATE"], """
            ctx.records.forEach(r => { r.externalId = 'imp-' + r.name; });
            log.info('batch of ' + ctx.records.length);
            """);
        await ScriptFixture.DeployAsync(server, new { apiName = "positive", kind = "VALIDATION_RULE", @object = "Opportunity", code = "record.amount <= 0",
            errorField = "amount", errorMessage = "Amounts are positive." });

        var response = await server.PostRawAsync("/import/Opportunity?batchSize=2", "name,amount\nA,1\nB,2\nC,-5\nD,4\n", "text/csv");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        Assert.Contains("Amounts are positive.", response.Body, StringComparison.Ordinal);
        var imported = await server.DataOkAsync("""{ opportunities(orderBy: [{name: ASC}]) { nodes { name externalId } } }""");
        Assert.Equal(["A", "B", "D"], imported["opportunities"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));
        Assert.Equal("imp-D", (string?)imported["opportunities"]!["nodes"]![2]!["externalId"]);
        var runs = await server.MetadataOkAsync("""{ scriptRuns(script: "stampImport") { logs { message } } }""");
        Assert.NotEmpty(runs["scriptRuns"]!.AsArray());
    }

    internal static JsonNode? LimitOf(GraphQLResponse response) => response.Errors?[0]?["extensions"]?["limit"];
}
