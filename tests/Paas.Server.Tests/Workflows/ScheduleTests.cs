using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Paas.Workflows.Runtime;

namespace Paas.Server.Tests.Workflows;

/// <summary>SCHEDULE-triggered workflows: cron in a time zone, a filter and a condition on the object's records, claimed occurrences.</summary>
public sealed class ScheduleTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    private static readonly Dictionary<string, string?> NoWorker = new() { ["Paas:Workflows:WorkerEnabled"] = "false" };

    /// <summary>A Monday, 06:30 UTC; Paris is UTC+1 then, so 08:00 in Paris is 07:00 UTC.</summary>
    private static readonly DateTimeOffset Monday = new(2030, 3, 4, 6, 30, 0, TimeSpan.Zero);

    private static object Chase() => new
    {
        apiName = "chaseDrafts",
        @object = "Quote",
        trigger = new
        {
            type = "SCHEDULE",
            cron = "0 8 * * *",
            timeZone = "Europe/Paris",
            filter = new { status = new { eq = "Draft" } },
            condition = "record.discount > 10",
        },
        start = "task",
        steps = new object[]
        {
            new { name = "task", type = "CREATE_RECORD", @object = "Task", values = new { name = "Chase the draft", quote = "$record.id" }, next = "pending" },
            new { name = "pending", type = "UPDATE_FIELDS", fields = new { status = "Pending" }, next = "end" },
            new { name = "end", type = "END" },
        },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_schedule_starts_one_instance_per_matching_record_at_its_local_time(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Monday);
        await using var server = await PaasServer.StartAsync(provider, NoWorker, s => s.AddSingleton<TimeProvider>(clock));
        var f = await ApprovalFixture.CreateAsync(server);
        var runtime = server.Services.GetRequiredService<WorkflowRuntime>();
        var tenant = await f.TenantAsync();
        var big = await f.QuoteAsync("big draft", 20, f.Rep.Key);
        var small = await f.QuoteAsync("small draft", 5, f.Rep.Key);
        var approved = await f.QuoteAsync("approved", 30, f.Rep.Key);
        await server.DataOkAsync("mutation($id: ID!) { updateQuote(id: $id, input: {status: \"Approved\"}) { id } }", new { id = approved });
        await f.PublishAsync(Chase());
        const string simulate = "query($id: ID!) { simulateWorkflow(apiName: \"chaseDrafts\", recordId: $id) { step outcome detail } }";
        var outside = (await server.MetadataOkAsync(simulate, new { id = approved }))["simulateWorkflow"]!.AsArray();
        Assert.Contains("does not match the schedule's filter", (string?)Assert.Single(outside)!["detail"], StringComparison.Ordinal);
        var inside = (await server.MetadataOkAsync(simulate, new { id = big }))["simulateWorkflow"]!.AsArray();
        Assert.Equal(["task", "pending", "end"], inside.Select(s => (string?)s!["step"]));

        // 07:59 in Paris: not yet.
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        Assert.Equal(0, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        await f.RunWorkerAsync();

        Assert.Equal("Pending", (string?)(await f.QuoteStateAsync(big))["status"]);
        Assert.Equal("Draft", (string?)(await f.QuoteStateAsync(small))["status"]);
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(approved))["status"]);
        var tasks = await server.DataOkAsync("{ tasks { totalCount nodes { quote { id } } } }");
        Assert.Equal(1, (long)tasks["tasks"]!["totalCount"]!);
        Assert.Equal(big, (string?)tasks["tasks"]!["nodes"]![0]!["quote"]!["id"]);
        Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(big))[0]!["instance"]!["status"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Occurrences_missed_while_down_run_once_and_competing_nodes_start_an_occurrence_once(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Monday);
        await using var server = await PaasServer.StartAsync(provider, NoWorker, s => s.AddSingleton<TimeProvider>(clock));
        var f = await ApprovalFixture.CreateAsync(server);
        var runtime = server.Services.GetRequiredService<WorkflowRuntime>();
        var tenant = await f.TenantAsync();
        // Every record, every morning; the instance leaves the record as it was, so each occurrence starts it again.
        await f.PublishAsync(new
        {
            apiName = "daily",
            @object = "Quote",
            trigger = new { type = "SCHEDULE", cron = "0 8 * * *", timeZone = "Europe/Paris" },
            start = "task",
            steps = new object[]
            {
                new { name = "task", type = "CREATE_RECORD", @object = "Task", values = new { name = "Daily look", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        var quote = await f.QuoteAsync("every day", 20, f.Rep.Key);

        // Three days without a server: three occurrences passed, one instance starts.
        clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        await f.RunWorkerAsync();
        Assert.Equal(0, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        await f.RunWorkerAsync();
        Assert.Equal(1, (long)(await server.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!);
        Assert.Single(await f.HistoryAsync(quote));

        // The next morning four nodes race for the occurrence; one starts it.
        clock.Advance(TimeSpan.FromDays(1));
        var started = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => runtime.StartScheduledAsync(tenant, CancellationToken.None))));
        Assert.Equal(1, started.Sum());
        await f.RunWorkerAsync();
        Assert.Equal(2, (await f.HistoryAsync(quote)).Count);
        Assert.Equal(2, (long)(await server.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_record_in_a_running_instance_is_not_started_again_and_republishing_moves_the_schedule(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Monday);
        await using var server = await PaasServer.StartAsync(provider, NoWorker, s => s.AddSingleton<TimeProvider>(clock));
        var f = await ApprovalFixture.CreateAsync(server);
        var runtime = server.Services.GetRequiredService<WorkflowRuntime>();
        var tenant = await f.TenantAsync();
        await f.PublishAsync(new
        {
            apiName = "review",
            @object = "Quote",
            trigger = new { type = "SCHEDULE", cron = "0 * * * *" },
            start = "ask",
            steps = new object[]
            {
                new { name = "ask", type = "APPROVAL", approval = new { approvers = new[] { new { type = "USER", user = f.Manager.Id } }, lockRecord = false },
                      outcomes = new { approved = "end", rejected = "end" } },
                new { name = "end", type = "END" },
            },
        });
        var quote = await f.QuoteAsync("hourly", 1, f.Rep.Key);
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        await f.RunWorkerAsync();
        Assert.Single(await f.InboxAsync(f.Manager.Key));

        // An hour later the record still waits for its approval: no second instance.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        Assert.Single(await f.HistoryAsync(quote));

        // A new version runs daily: the hourly occurrence is gone.
        var daily = new
        {
            apiName = "review",
            @object = "Quote",
            trigger = new { type = "SCHEDULE", cron = "0 6 * * *" },
            start = "end",
            steps = new object[] { new { name = "end", type = "END" } },
        };
        await f.PublishAsync(daily);
        (await f.AnswerAsync("approve", await f.PendingRequestAsync(f.Manager.Key), f.Manager.Key)).AssertOk();
        await f.RunWorkerAsync();
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
        clock.Advance(TimeSpan.FromHours(22));
        Assert.Equal(1, await runtime.StartScheduledAsync(tenant, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_schedules_are_refused_with_their_paths_and_change_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        await ApprovalFixture.CreateAsync(server);
        var response = await server.MetadataAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new
        {
            d = new
            {
                apiName = "broken",
                @object = "Quote",
                trigger = new { type = "SCHEDULE", cron = "* * * * * *", timeZone = "Nowhere/Atlantis", filter = new { colour = new { eq = "red" } } },
                start = "end",
                steps = new object[] { new { name = "end", type = "END" } },
            },
        });

        ResponseAssert.GraphQLError(response, "VALIDATION_FAILED");
        Assert.Contains("definition.trigger.timeZone", response.FieldErrorNames);
        Assert.Contains("definition.trigger.filter.colour", response.FieldErrorNames);
        var missingCron = await server.MetadataAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new
        {
            d = new { apiName = "broken", @object = "Quote", trigger = new { type = "SCHEDULE" }, start = "end", steps = new object[] { new { name = "end", type = "END" } } },
        });
        ResponseAssert.GraphQLError(missingCron, "VALIDATION_FAILED");
        Assert.Equal(["definition.trigger.cron"], missingCron.FieldErrorNames);
        var tooOften = await server.MetadataAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new
        {
            d = new { apiName = "broken", @object = "Quote", trigger = new { type = "SCHEDULE", cron = "*/5 * * * * *" }, start = "end", steps = new object[] { new { name = "end", type = "END" } } },
        });
        Assert.Contains("at most once a minute", tooOften.Body, StringComparison.Ordinal);
        Assert.Empty((await server.MetadataOkAsync("{ workflows { apiName } }"))["workflows"]!.AsArray());
    }
}
