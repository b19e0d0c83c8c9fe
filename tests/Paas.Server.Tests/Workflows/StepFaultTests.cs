using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paas.Core.Configuration;
using Paas.Data.Storage;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Paas.Workflows.Runtime;
using Paas.Workflows.Webhooks;

namespace Paas.Server.Tests.Workflows;

/// <summary>
/// A step that fails after its effects were written but before its transaction committed: nothing of it remains, the step
/// is still due, and when it runs again its effects (records, notifications, the webhook) appear once.
/// </summary>
public sealed class StepFaultTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    private const string Secret = "whsec_fault_0123456789abcdef0123456789";

    /// <summary>Throws the first time the named step is about to commit.</summary>
    private sealed class FailOnce(string step, Func<Exception> fault) : IWorkflowStepObserver
    {
        private int _armed = 1;

        public ValueTask BeforeCommitAsync(TenantSession session, Guid instanceId, string name, CancellationToken ct) =>
            name == step && Interlocked.Exchange(ref _armed, 0) == 1 ? throw fault() : ValueTask.CompletedTask;
    }

    private sealed class CommitFailedException() : Exception("The database connection broke during the commit.");

    private static async Task<long> TasksAsync(PaasServer server) => (long)(await server.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_step_whose_commit_fails_leaves_nothing_and_its_effects_appear_once_when_it_runs_again(DatabaseProvider provider)
    {
        await using var listener = await WebhookListener.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fault = new FailOnce("tell", () => new CommitFailedException());
        await using var server = await PaasServer.StartAsync(provider,
            new Dictionary<string, string?> { ["Paas:Workflows:WorkerEnabled"] = "false", ["Paas:Workflows:WebhookAllowedHosts"] = "127.0.0.1" },
            s => s.AddSingleton<TimeProvider>(clock).AddSingleton<IWorkflowStepObserver>(fault));
        var f = await ApprovalFixture.CreateAsync(server);
        await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new
        {
            d = new
            {
                apiName = "faulty",
                @object = "Quote",
                start = "one",
                steps = new object[]
                {
                    new { name = "one", type = "CREATE_RECORD", @object = "Task", values = new { name = "first", quote = "$record.id" }, next = "tell" },
                    new
                    {
                        name = "tell", type = "NOTIFY",
                        notify = new { to = new[] { new { type = "USER", user = f.Rep.Id } }, message = "Told once.", webhook = new { url = listener.Url("/hook"), fields = new[] { "status" } } },
                        next = "two",
                    },
                    new { name = "two", type = "CREATE_RECORD", @object = "Task", values = new { name = "second", quote = "$record.id" }, next = "end" },
                    new { name = "end", type = "END" },
                },
            },
        });
        await server.MetadataOkAsync($$"""mutation { setWorkflowWebhookSecret(apiName: "faulty", secret: "{{Secret}}") }""");
        await server.MetadataOkAsync("mutation { publishWorkflow(apiName: \"faulty\") { status } }");
        var quote = await f.QuoteAsync("Q-fault", 1, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key, "faulty");
        const string notifications = "{ myNotifications(unreadOnly: false) { message } }";

        await f.RunWorkerAsync();
        Assert.Equal(1, await TasksAsync(server));
        Assert.Empty((await server.DataOkAsync(notifications, key: f.Rep.Key))["myNotifications"]!.AsArray());
        Assert.Empty((await server.MetadataOkAsync("{ webhookDeliveries { id } }"))["webhookDeliveries"]!.AsArray());
        Assert.Equal("RUNNING", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);

        // The failed step is retried after a pause, once, and the rest of the workflow follows.
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(3, await f.RunWorkerAsync());
        Assert.Equal(2, await TasksAsync(server));
        Assert.Equal("Told once.", (string?)Assert.Single((await server.DataOkAsync(notifications, key: f.Rep.Key))["myNotifications"]!.AsArray())!["message"]);
        Assert.Single((await server.MetadataOkAsync("{ webhookDeliveries { id } }"))["webhookDeliveries"]!.AsArray());
        Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
        await server.Services.GetRequiredService<WebhookDispatcher>().DeliverDueAsync(await f.TenantAsync(), CancellationToken.None);
        Assert.Single(listener.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_worker_that_dies_mid_step_leaves_the_step_due_and_it_runs_once_afterwards(DatabaseProvider provider)
    {
        // An exception the worker does not handle stops it in the middle of the step, as the end of the process would.
        var fault = new FailOnce("one", () => new OperationCanceledException("The process is stopping."));
        await using var server = await PaasServer.StartAsync(provider, new Dictionary<string, string?> { ["Paas:Workflows:WorkerEnabled"] = "false" },
            s => s.AddSingleton<IWorkflowStepObserver>(fault));
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "twoTasks",
            @object = "Quote",
            start = "one",
            steps = new object[]
            {
                new { name = "one", type = "CREATE_RECORD", @object = "Task", values = new { name = "first", quote = "$record.id" }, next = "two" },
                new { name = "two", type = "CREATE_RECORD", @object = "Task", values = new { name = "second", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        var quote = await f.QuoteAsync("Q-die", 1, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.RunWorkerAsync());
        Assert.Equal(0, await TasksAsync(server));

        Assert.Equal(3, await f.RunWorkerAsync());
        var tasks = await server.DataOkAsync("{ tasks(orderBy: [{name: ASC}]) { nodes { name } } }");
        Assert.Equal(["first", "second"], tasks["tasks"]!["nodes"]!.AsArray().Select(n => (string?)n!["name"]));
        Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_step_failing_among_others_run_together_is_retried_alone_and_the_others_happen_once(DatabaseProvider provider)
    {
        // On PostgreSQL the five due steps are claimed and run as one batch: the failure rolls the batch back, the failed
        // step waits for its retry, and the other four run again and commit.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fault = new FailOnce("one", () => new CommitFailedException());
        await using var server = await PaasServer.StartAsync(provider, new Dictionary<string, string?> { ["Paas:Workflows:WorkerEnabled"] = "false" },
            s => s.AddSingleton<TimeProvider>(clock).AddSingleton<IWorkflowStepObserver>(fault));
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "oneTask",
            @object = "Quote",
            start = "one",
            steps = new object[]
            {
                new { name = "one", type = "CREATE_RECORD", @object = "Task", values = new { name = "made", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        var quotes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            quotes.Add(await f.QuoteAsync($"Q-batch-{i}", 1, f.Rep.Key));
            await f.SubmitAsync(quotes[^1], f.Rep.Key);
        }

        // The failed step counts as run (its retry is scheduled); four instances go through both steps.
        Assert.Equal(1 + 4 * 2, await f.RunWorkerAsync());
        Assert.Equal(4, await TasksAsync(server));
        var statuses = new List<string?>();
        foreach (var quote in quotes)
        {
            statuses.Add((string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
        }

        Assert.Equal(4, statuses.Count(st => st == "COMPLETED"));
        Assert.Equal(1, statuses.Count(st => st == "RUNNING"));

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(2, await f.RunWorkerAsync());
        Assert.Equal(5, await TasksAsync(server));
        foreach (var quote in quotes)
        {
            Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
        }
    }
}
