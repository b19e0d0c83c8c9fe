using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Data.Platform;
using Paas.Data.Scripting;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Scripts;

/// <summary>Deploying, versioning, testing and scheduling scripts through the metadata API; custom actions as mutations.</summary>
public sealed class ScriptAdminTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_syntax_error_is_refused_at_deploy_with_its_line_and_column(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var response = await ScriptFixture.TryDeployAsync(server, new
        {
            apiName = "broken", kind = "TRIGGER", @object = "Opportunity", timing = "BEFORE", events = new[] { "CREATE" },
            code = "const a = 1;\nconst b = ;\n",
        });
        ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
        Assert.Equal(["code"], response.FieldErrorNames);
        Assert.Contains("Line 2, column", response.Body, StringComparison.Ordinal);

        var rule = await ScriptFixture.TryDeployAsync(server, new
        {
            apiName = "twoStatements", kind = "VALIDATION_RULE", @object = "Opportunity", code = "x = 1; y", errorMessage = "m",
        });
        ResponseAssert.GraphQLError(rule, "VALIDATION_FAILED");

        foreach (var bad in new object[]
                 {
                     new { apiName = "noObject", kind = "TRIGGER", @object = "Nope", timing = "BEFORE", events = new[] { "CREATE" }, code = "1" },
                     new { apiName = "noTiming", kind = "TRIGGER", @object = "Opportunity", events = new[] { "CREATE" }, code = "1" },
                     new { apiName = "Bad Name'; DROP TABLE x;--", kind = "TRIGGER", @object = "Opportunity", timing = "BEFORE", events = new[] { "CREATE" }, code = "1" },
                     new { apiName = "tooOften", kind = "SCHEDULED", cron = "*/10 * * * * *", code = "1" },
                     new { apiName = "badCron", kind = "SCHEDULED", cron = "not a cron", code = "1" },
                     new { apiName = "create", kind = "ACTION", @object = "Opportunity", code = "1" },
                     new { apiName = "hugeCode", kind = "ACTION", @object = "Opportunity", code = new string('x', 100_001) },
                 })
        {
            ResponseAssert.GraphQLError(await ScriptFixture.TryDeployAsync(server, bad), "VALIDATION_FAILED");
        }

        var scripts = await server.MetadataOkAsync("{ scripts { apiName } }");
        Assert.Empty(scripts["scripts"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_deploy_is_a_version_that_can_be_listed_restored_and_tested(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        var v1 = await ScriptFixture.DeployAsync(server, new { apiName = "greet", kind = "ACTION", @object = "Opportunity", code = "return 'v1 ' + ctx.input.who;",
            input = new[] { new { name = "who", type = "TEXT", required = true } } });
        Assert.Equal(1, (int)v1["version"]!);
        Assert.Equal("greetOpportunity", (string?)v1["mutation"]);
        var v2 = await ScriptFixture.DeployAsync(server, new { apiName = "greet", code = "log.warn('second'); return 'v2 ' + ctx.input.who;" });
        Assert.Equal(2, (int)v2["version"]!);

        var ran = await server.DataOkAsync("""mutation { greetOpportunity(input: {who: "Ann"}) }""");
        Assert.Equal("v2 Ann", (string?)ran["greetOpportunity"]);

        var versions = await server.MetadataOkAsync("""{ scriptVersions(apiName: "greet") { version code } }""");
        Assert.Equal([2, 1], versions["scriptVersions"]!.AsArray().Select(v => (int)v!["version"]!));
        var v3 = await server.MetadataOkAsync("""mutation { restoreScriptVersion(apiName: "greet", version: 1) { version code } }""");
        Assert.Equal(3, (int)v3["restoreScriptVersion"]!["version"]!);
        Assert.Equal("v1 Ann", (string?)(await server.DataOkAsync("""mutation { greetOpportunity(input: {who: "Ann"}) }"""))["greetOpportunity"]);

        // A test run of a draft: its result, logs and cost, and nothing it writes stays.
        var tested = await server.MetadataOkAsync("""
            mutation { testScript(apiName: "greet", context: {input: {who: "Bo"}}, code: "db.create('Account', {name: 'temp'}); log.info('hi'); return ctx.input.who + '!';") {
              result errorCode logs { level message } cost } }
            """);
        Assert.Equal("Bo!", (string?)tested["testScript"]!["result"]);
        Assert.Null((string?)tested["testScript"]!["errorCode"]);
        Assert.Equal("hi", (string?)tested["testScript"]!["logs"]![0]!["message"]);
        Assert.Equal(1, (int)tested["testScript"]!["cost"]![0]!["dmlRows"]!);
        Assert.Equal(0, await SalesSchema.CountAsync(server, "accounts"));

        var failing = await server.MetadataOkAsync("""mutation { testScript(apiName: "greet", code: "while (true) {}") { errorCode errorMessage } }""");
        Assert.Equal("LIMIT_EXCEEDED", (string?)failing["testScript"]!["errorCode"]);

        // Disabled, the action's mutation is gone from the schema; deleted, so is the script.
        await server.MetadataOkAsync("""mutation { disableScript(apiName: "greet") { active } }""");
        var gone = await server.DataAsync("""mutation { greetOpportunity(input: {who: "Ann"}) }""");
        ResponseAssert.IsSafeError(gone);
        Assert.Contains("Cannot query field 'greetOpportunity'", (string?)gone.Errors![0]!["message"], StringComparison.Ordinal);
        await server.MetadataOkAsync("""mutation { deleteScript(apiName: "greet") }""");
        Assert.Null((await server.MetadataOkAsync("""{ script(apiName: "greet") { apiName } }"""))["script"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_record_action_takes_typed_input_returns_typed_output_and_rolls_back_on_failure(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.DeployAsync(server, new
        {
            apiName = "closeWon", kind = "ACTION", @object = "Opportunity", onRecord = true,
            input = new object[] { new { name = "reason", type = "TEXT", required = true }, new { name = "discount", type = "NUMBER" } },
            output = new object[] { new { name = "stage", type = "TEXT", required = true }, new { name = "amount", type = "NUMBER" } },
            code = """
                if (ctx.input.reason === 'fail') { db.update('Opportunity', ctx.record.id, { stage: 'ClosedLost' }); throw new Error('refused: ' + ctx.input.reason); }
                const amount = ctx.record.amount * (1 - (ctx.input.discount || 0));
                const saved = db.update('Opportunity', ctx.record.id, { stage: 'ClosedWon', amount });
                log.info('closed ' + ctx.record.name);
                return { stage: saved.stage, amount: saved.amount };
                """,
        });
        var id = (string)(await server.DataOkAsync("""mutation { createOpportunity(input: {name: "Deal", amount: 200}) { id } }"""))["createOpportunity"]!["id"]!;

        var done = await server.DataAsync("mutation($id: ID!) { closeWonOpportunity(id: $id, input: {reason: \"signed\", discount: 0.1}) { stage amount } }", new { id });
        var result = done.AssertOk()["closeWonOpportunity"]!;
        Assert.Equal("ClosedWon", (string?)result["stage"]);
        Assert.Equal(180m, (decimal)result["amount"]!);
        Assert.Equal("action", (string?)done.Json!["extensions"]!["scriptCost"]![0]!["kind"]);

        var failed = await server.DataAsync("mutation($id: ID!) { closeWonOpportunity(id: $id, input: {reason: \"fail\"}) { stage } }", new { id });
        ResponseAssert.GraphQLError(failed, "SCRIPT_ERROR");
        Assert.Contains("refused: fail", failed.Body, StringComparison.Ordinal);
        var stage = await server.DataOkAsync("query($id: ID!) { opportunity(id: $id) { stage } }", new { id });
        Assert.Equal("ClosedWon", (string?)stage["opportunity"]!["stage"]);

        // Input is checked like record fields; an unknown record is NOT_FOUND.
        var badInput = await server.DataAsync("mutation($id: ID!) { closeWonOpportunity(id: $id, input: {reason: \"x\", discount: \"lots\"}) { stage } }", new { id });
        ResponseAssert.GraphQLError(badInput, "VALIDATION_FAILED");
        ResponseAssert.GraphQLError(await server.DataAsync("""mutation { closeWonOpportunity(id: "00000000-0000-0000-0000-000000000001", input: {reason: "x"}) { stage } }"""), "NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_scheduled_script_runs_once_when_due_even_when_asked_twice(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);
        await SalesSchema.CreateAsync(server);
        await ScriptFixture.DeployAsync(server, new { apiName = "nightly", kind = "SCHEDULED", cron = "0 3 * * *", code = "db.create('Account', { name: 'ran at ' + ctx.scheduledAt });" });

        var tenant = (await server.Services.GetRequiredService<TenantCatalog>().FindAsync(PaasServer.BootstrapTenant, CancellationToken.None))!;
        var scheduler = server.Services.GetRequiredService<ScriptScheduler>();
        Assert.Equal(0, await scheduler.RunDueAsync(tenant, DateTimeOffset.UtcNow, CancellationToken.None));
        var later = DateTimeOffset.UtcNow.AddDays(1).AddHours(1);
        var runs = await Task.WhenAll(scheduler.RunDueAsync(tenant, later, CancellationToken.None), scheduler.RunDueAsync(tenant, later, CancellationToken.None));
        Assert.Equal(1, runs.Sum());
        Assert.Equal(0, await scheduler.RunDueAsync(tenant, later, CancellationToken.None));
        Assert.Equal(1, await SalesSchema.CountAsync(server, "accounts"));
        var log = await server.MetadataOkAsync("""{ scriptRuns(script: "nightly") { kind errorCode } }""");
        Assert.Equal("scheduled", (string?)Assert.Single(log["scriptRuns"]!.AsArray())!["kind"]);
    }
}
