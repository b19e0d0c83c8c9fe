using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Workflows;

/// <summary>Approval processes defined through the metadata API and run through GraphQL, with the worker driven by the test.</summary>
public sealed class ApprovalTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    private static readonly Dictionary<string, string?> NoWorker = new() { ["Paas:Workflows:WorkerEnabled"] = "false" };

    /// <summary>Manager first; above 30 % the Finance queue too, unanimously; status kept on the quote; a follow-up task.</summary>
    internal static object Discount(string approvedStatus = "Approved") => new
    {
        apiName = "discount",
        @object = "Quote",
        trigger = new { type = "MANUAL", condition = "record.discount > 10" },
        start = "pending",
        onRecall = "recalled",
        steps = new object[]
        {
            new { name = "pending", type = "UPDATE_FIELDS", fields = new { status = "Pending" }, next = "manager" },
            new { name = "manager", type = "APPROVAL", approval = new { approvers = new[] { new { type = "MANAGER" } }, mode = "FIRST_RESPONSE" },
                  outcomes = new { approved = "big", rejected = "rejected" } },
            new { name = "big", type = "CONDITION", expression = "record.discount > 30", outcomes = new Dictionary<string, string> { ["true"] = "finance", ["false"] = "approved" } },
            new { name = "finance", type = "APPROVAL", approval = new { approvers = new[] { new { type = "QUEUE", group = "Finance" } }, mode = "UNANIMOUS" },
                  outcomes = new { approved = "approved", rejected = "rejected" } },
            new { name = "approved", type = "UPDATE_FIELDS", fields = new { status = approvedStatus }, next = "followUp" },
            new { name = "followUp", type = "CREATE_RECORD", @object = "Task", values = new { name = "Send the quote", quote = "$record.id" }, next = "done" },
            new { name = "done", type = "END", result = "approved" },
            new { name = "rejected", type = "UPDATE_FIELDS", fields = new { status = "Rejected" }, next = "closed" },
            new { name = "closed", type = "END", result = "rejected" },
            new { name = "recalled", type = "UPDATE_FIELDS", fields = new { status = "Recalled" }, next = "recalledEnd" },
            new { name = "recalledEnd", type = "END", result = "recalled" },
        },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_submitted_quote_goes_to_the_manager_is_locked_and_approved_runs_the_actions(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        Assert.Equal(1, await f.PublishAsync(Discount()));
        var quote = await f.QuoteAsync("Q-1", 20, f.Rep.Key);

        var instance = await f.SubmitAsync(quote, f.Rep.Key);
        Assert.Equal("RUNNING", (string?)instance["status"]);
        Assert.Equal(2, await f.RunWorkerAsync());
        Assert.Equal("Pending", (string?)(await f.QuoteStateAsync(quote))["status"]);

        // The manager has it in the inbox; the record is locked for the rep, not for the approver.
        var request = await f.PendingRequestAsync(f.Manager.Key);
        Assert.Empty(await f.InboxAsync(f.Rep.Key));
        var edit = await server.DataAsync("mutation($id: ID!) { updateQuote(id: $id, input: {discount: 50}) { id } }", new { id = quote }, key: f.Rep.Key);
        ResponseAssert.GraphQLError(edit, "FORBIDDEN");
        Assert.Contains("locked", edit.Body, StringComparison.Ordinal);
        ResponseAssert.GraphQLError(await f.AnswerAsync("approve", request, f.Rep.Key), "NOT_FOUND");

        var approved = await f.AnswerAsync("approve", request, f.Manager.Key, "fine by me");
        Assert.Equal("APPROVED", (string?)approved.AssertOk()["approve"]!["status"]);
        ResponseAssert.GraphQLError(await f.AnswerAsync("reject", request, f.Manager.Key), "CONFLICT");
        Assert.Equal(4, await f.RunWorkerAsync());

        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(quote))["status"]);
        var tasks = await server.DataOkAsync("{ tasks { totalCount nodes { name quote { id } } } }");
        Assert.Equal(1, (long)tasks["tasks"]!["totalCount"]!);
        Assert.Equal(quote, (string?)tasks["tasks"]!["nodes"]![0]!["quote"]!["id"]);
        var history = await f.HistoryAsync(quote);
        var entry = Assert.Single(history);
        Assert.Equal("COMPLETED", (string?)entry!["instance"]!["status"]);
        Assert.Equal("approved", (string?)entry["instance"]!["result"]);
        Assert.False((bool)entry["instance"]!["locked"]!);
        Assert.Equal("fine by me", (string?)entry["requests"]![0]!["comment"]);
        await server.DataOkAsync("mutation($id: ID!) { updateQuote(id: $id, input: {name: \"Q-1b\"}) { id } }", new { id = quote }, key: f.Rep.Key);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_big_discount_needs_the_whole_finance_queue_and_one_rejection_rejects(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(Discount());
        var unanimous = await f.QuoteAsync("Q-big", 40, f.Rep.Key);
        var rejected = await f.QuoteAsync("Q-no", 45, f.Rep.Key);
        await f.SubmitAsync(unanimous, f.Rep.Key);
        await f.SubmitAsync(rejected, f.Rep.Key);
        Assert.Equal(4, await f.RunWorkerAsync());
        var managerInbox = await f.InboxAsync(f.Manager.Key);
        Assert.Equal(2, managerInbox.Count);
        foreach (var request in managerInbox)
        {
            (await f.AnswerAsync("approve", (string)request!["id"]!, f.Manager.Key)).AssertOk();
        }

        await f.RunWorkerAsync();
        Assert.Equal(2, (await f.InboxAsync(f.FinanceA.Key)).Count);
        Assert.Equal(2, (await f.InboxAsync(f.FinanceB.Key)).Count);

        string RequestFor(System.Text.Json.Nodes.JsonArray inbox, string quote) =>
            (string)inbox.Single(r => (string?)r!["instance"]!["recordId"] == quote)!["id"]!;
        var inboxA = await f.InboxAsync(f.FinanceA.Key);
        var inboxB = await f.InboxAsync(f.FinanceB.Key);
        (await f.AnswerAsync("approve", RequestFor(inboxA, unanimous), f.FinanceA.Key)).AssertOk();
        Assert.Equal(0, await f.RunWorkerAsync());
        Assert.Equal("Pending", (string?)(await f.QuoteStateAsync(unanimous))["status"]);
        (await f.AnswerAsync("approve", RequestFor(inboxB, unanimous), f.FinanceB.Key)).AssertOk();
        (await f.AnswerAsync("reject", RequestFor(inboxA, rejected), f.FinanceA.Key, "too much")).AssertOk();
        await f.RunWorkerAsync();

        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(unanimous))["status"]);
        Assert.Equal("Rejected", (string?)(await f.QuoteStateAsync(rejected))["status"]);
        var history = await f.HistoryAsync(rejected);
        Assert.Equal("rejected", (string?)history[0]!["instance"]!["result"]);
        Assert.Contains(history[0]!["requests"]!.AsArray(), r => (string?)r!["status"] == "SKIPPED");
        Assert.Empty(await f.InboxAsync(f.FinanceB.Key));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_submitter_can_recall_and_a_request_can_be_reassigned(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(Discount());
        var recalled = await f.QuoteAsync("Q-recall", 20, f.Rep.Key);
        var reassigned = await f.QuoteAsync("Q-reassign", 20, f.Rep.Key);
        var first = await f.SubmitAsync(recalled, f.Rep.Key);
        await f.SubmitAsync(reassigned, f.Rep.Key);
        await f.RunWorkerAsync();

        // Only the submitter (or an admin) may recall; a second submit of a pending record is refused.
        ResponseAssert.GraphQLError(await server.DataAsync("mutation($id: ID!) { recall(id: $id) { status } }", new { id = (string)first["id"]! }, key: f.Manager.Key), "NOT_FOUND");
        ResponseAssert.GraphQLError(await server.DataAsync("mutation($id: ID!) { submitForApproval(object: \"Quote\", id: $id) { id } }", new { id = recalled }, key: f.Rep.Key), "CONFLICT");
        var recall = await server.DataOkAsync("mutation($id: ID!) { recall(id: $id, comment: \"wrong price\") { status } }", new { id = (string)first["id"]! }, key: f.Rep.Key);
        Assert.Equal("RUNNING", (string?)recall["recall"]!["status"]);
        await f.RunWorkerAsync();
        Assert.Equal("Recalled", (string?)(await f.QuoteStateAsync(recalled))["status"]);
        Assert.Equal("recalled", (string?)(await f.HistoryAsync(recalled))[0]!["instance"]!["result"]);

        var request = (string)(await f.InboxAsync(f.Manager.Key)).Single()!["id"]!;
        var moved = await server.DataOkAsync("mutation($id: ID!, $to: ID!) { reassign(id: $id, to: $to, comment: \"on leave\") { id approver status } }",
            new { id = request, to = f.Vp.Id }, key: f.Manager.Key);
        Assert.Empty(await f.InboxAsync(f.Manager.Key));
        var vpRequest = (string)moved["reassign"]!["id"]!;
        Assert.Equal(vpRequest, await f.PendingRequestAsync(f.Vp.Key));
        (await f.AnswerAsync("approve", vpRequest, f.Vp.Key)).AssertOk();
        await f.RunWorkerAsync();
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(reassigned))["status"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_manager_chain_asks_each_level_in_turn(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "chain", @object = "Quote", start = "ask",
            steps = new object[]
            {
                new { name = "ask", type = "APPROVAL", approval = new { approvers = new[] { new { type = "MANAGER_CHAIN", levels = 2 } } }, outcomes = new { approved = "yes", rejected = "no" } },
                new { name = "yes", type = "UPDATE_FIELDS", fields = new { status = "Approved" }, next = "end" },
                new { name = "no", type = "UPDATE_FIELDS", fields = new { status = "Rejected" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        var quote = await f.QuoteAsync("Q-chain", 5, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);
        await f.RunWorkerAsync();
        (await f.AnswerAsync("approve", await f.PendingRequestAsync(f.Manager.Key), f.Manager.Key)).AssertOk();
        Assert.Equal(0, await f.RunWorkerAsync());
        var top = (await f.InboxAsync(f.Vp.Key)).Single()!;
        Assert.Equal(2, (int)top["level"]!);
        (await f.AnswerAsync("approve", (string)top["id"]!, f.Vp.Key)).AssertOk();
        await f.RunWorkerAsync();
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(quote))["status"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_instance_finishes_on_the_version_it_started_with(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        Assert.Equal(1, await f.PublishAsync(Discount("Approved")));
        var onV1 = await f.QuoteAsync("Q-v1", 20, f.Rep.Key);
        await f.SubmitAsync(onV1, f.Rep.Key);
        await f.RunWorkerAsync();
        Assert.Equal(2, await f.PublishAsync(Discount("Pending")));

        var onV2 = await f.QuoteAsync("Q-v2", 20, f.Rep.Key);
        Assert.Equal(2, (int)(await f.SubmitAsync(onV2, f.Rep.Key))["version"]!);
        await f.RunWorkerAsync();
        foreach (var request in await f.InboxAsync(f.Manager.Key))
        {
            (await f.AnswerAsync("approve", (string)request!["id"]!, f.Manager.Key)).AssertOk();
        }

        await f.RunWorkerAsync();
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(onV1))["status"]);
        Assert.Equal("Pending", (string?)(await f.QuoteStateAsync(onV2))["status"]);
        var versions = await server.MetadataOkAsync("""{ workflows(apiName: "discount") { version status } }""");
        Assert.Equal(["PUBLISHED", "RETIRED"], versions["workflows"]!.AsArray().Select(v => (string?)v!["status"]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Competing_workers_run_each_step_once(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "tasks", @object = "Quote", start = "one",
            steps = new object[]
            {
                new { name = "one", type = "CREATE_RECORD", @object = "Task", values = new { name = "first", quote = "$record.id" }, next = "two" },
                new { name = "two", type = "CREATE_RECORD", @object = "Task", values = new { name = "second", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        const int quotes = 12;
        for (var i = 0; i < quotes; i++)
        {
            await f.SubmitAsync(await f.QuoteAsync($"Q{i}", 1, f.Rep.Key), f.Rep.Key);
        }

        // Four workers (nodes), each running steps in four lanes on PostgreSQL.
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var total = 0;
            for (int ran; (ran = await f.RunWorkerAsync(concurrency: 4)) > 0;)
            {
                total += ran;
            }

            return total;
        })));
        Assert.Equal(quotes * 3, runs.Sum() + await f.RunWorkerAsync());
        var tasks = await server.DataOkAsync("{ tasks { totalCount } }");
        Assert.Equal(quotes * 2, (long)tasks["tasks"]!["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_definitions_and_submissions_are_refused_and_change_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        var invalid = await server.MetadataAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new
        {
            d = new { apiName = "broken", @object = "Quote", start = "nowhere", steps = new object[] { new { name = "end", type = "END" } } },
        });
        ResponseAssert.GraphQLError(invalid, "VALIDATION_FAILED");
        Assert.Empty((await server.MetadataOkAsync("{ workflows { apiName } }"))["workflows"]!.AsArray());

        var quote = await f.QuoteAsync("Q", 5, f.Rep.Key);
        ResponseAssert.GraphQLError(await server.DataAsync("mutation($id: ID!) { submitForApproval(object: \"Quote\", id: $id) { id } }", new { id = quote }, key: f.Rep.Key), "VALIDATION_FAILED");
        await f.PublishAsync(Discount());
        // Below the entry criteria (discount > 10).
        ResponseAssert.GraphQLError(await server.DataAsync("mutation($id: ID!) { submitForApproval(object: \"Quote\", id: $id) { id } }", new { id = quote }, key: f.Rep.Key), "VALIDATION_FAILED");
        ResponseAssert.GraphQLError(await server.DataAsync("""mutation { submitForApproval(object: "Quote", id: "00000000-0000-0000-0000-000000000001") { id } }""", key: f.Rep.Key), "NOT_FOUND");
        Assert.Empty(await f.HistoryAsync(quote));
        ResponseAssert.GraphQLError(await f.AnswerAsync("approve", "00000000-0000-0000-0000-000000000002", f.Manager.Key), "NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_pending_approval_survives_a_restart_and_the_hosted_worker_finishes_it(DatabaseProvider provider)
    {
        var server = await PaasServer.StartAsync(provider, NoWorker);
        PaasServer? restarted = null;
        try
        {
            var f = await ApprovalFixture.CreateAsync(server);
            await f.PublishAsync(Discount());
            var quote = await f.QuoteAsync("Q-restart", 20, f.Rep.Key);
            await f.SubmitAsync(quote, f.Rep.Key);
            await f.RunWorkerAsync();
            var request = await f.PendingRequestAsync(f.Manager.Key);

            // Approved, then the process stops before any worker ran the next steps.
            (await f.AnswerAsync("approve", request, f.Manager.Key)).AssertOk();
            restarted = await server.RestartAsync(new Dictionary<string, string?> { ["Paas:Workflows:WorkerEnabled"] = "true", ["Paas:Workflows:PollMilliseconds"] = "50" });
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string? status = null;
            while (DateTime.UtcNow < deadline)
            {
                status = (string?)(await restarted.DataOkAsync("query($id: ID!) { quote(id: $id) { status } }", new { id = quote }))["quote"]!["status"];
                var tasks = (long)(await restarted.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!;
                if (status == "Approved" && tasks == 1)
                {
                    break;
                }

                await Task.Delay(100);
            }

            Assert.Equal("Approved", status);
            await Task.Delay(300);
            Assert.Equal(1, (long)(await restarted.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!);
            var history = (await restarted.DataOkAsync("query($id: ID!) { approvalHistory(object: \"Quote\", id: $id) { instance { status result } } }", new { id = quote }))["approvalHistory"]!;
            Assert.Equal("COMPLETED", (string?)history[0]!["instance"]!["status"]);
        }
        finally
        {
            await server.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_record_change_starts_its_workflow_in_the_same_transaction(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "bigDiscountTask", @object = "Quote", trigger = new { type = "RECORD_CREATED", condition = "record.discount > 50" }, start = "task",
            steps = new object[]
            {
                new { name = "task", type = "CREATE_RECORD", @object = "Task", values = new { name = "Check the discount", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        await f.PublishAsync(new
        {
            apiName = "onUpdate", @object = "Quote", trigger = new { type = "RECORD_UPDATED", condition = "record.status === 'Rejected'" }, start = "task",
            steps = new object[]
            {
                new { name = "task", type = "CREATE_RECORD", @object = "Task", values = new { name = "Follow up the rejection", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });

        var big = await f.QuoteAsync("Q-big", 60, f.Rep.Key);
        await f.QuoteAsync("Q-small", 5, f.Rep.Key);
        // A batch that fails (one bad record) starts nothing.
        var failed = await server.DataAsync("""mutation { createQuotes(inputs: [{name: "ok", discount: 70}, {name: "bad", status: "Nope"}]) { id } }""", key: f.Rep.Key);
        ResponseAssert.GraphQLError(failed, "VALIDATION_FAILED");
        await f.RunWorkerAsync();
        var tasks = await server.DataOkAsync("{ tasks { totalCount nodes { name quote { id } } } }");
        Assert.Equal(1, (long)tasks["tasks"]!["totalCount"]!);
        Assert.Equal(big, (string?)tasks["tasks"]!["nodes"]![0]!["quote"]!["id"]);

        await server.DataOkAsync("mutation($id: ID!) { updateQuote(id: $id, input: {status: \"Rejected\"}) { id } }", new { id = big }, f.Rep.Key);
        await f.RunWorkerAsync();
        Assert.Equal(2, (long)(await server.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Waits_and_escalations_happen_when_their_time_comes(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await PaasServer.StartAsync(provider, NoWorker, s => s.AddSingleton<TimeProvider>(clock));
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "slow", @object = "Quote", start = "ask",
            steps = new object[]
            {
                new
                {
                    name = "ask", type = "APPROVAL",
                    approval = new { approvers = new[] { new { type = "MANAGER" } }, escalateAfterMinutes = 60, escalateTo = new { type = "USER", user = f.Vp.Id } },
                    outcomes = new { approved = "cooling", rejected = "end" },
                },
                new { name = "cooling", type = "WAIT", wait = new { minutes = 120 }, next = "approved" },
                new { name = "approved", type = "UPDATE_FIELDS", fields = new { status = "Approved" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        var quote = await f.QuoteAsync("Q-slow", 5, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);
        await f.RunWorkerAsync();
        Assert.Single(await f.InboxAsync(f.Manager.Key));

        // Nothing is due before the escalation time; after it the VP has the request instead of the manager.
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await f.RunWorkerAsync());
        Assert.Single(await f.InboxAsync(f.Manager.Key));
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await f.RunWorkerAsync());
        Assert.Empty(await f.InboxAsync(f.Manager.Key));
        var escalated = await f.PendingRequestAsync(f.Vp.Key);
        (await f.AnswerAsync("approve", escalated, f.Vp.Key)).AssertOk();

        // The WAIT step holds the instance for two hours from the answer.
        Assert.Equal(1, await f.RunWorkerAsync());
        clock.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal(0, await f.RunWorkerAsync());
        Assert.Equal("Draft", (string?)(await f.QuoteStateAsync(quote))["status"]);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await f.RunWorkerAsync());
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(quote))["status"]);
        var requests = (await f.HistoryAsync(quote))[0]!["requests"]!.AsArray();
        Assert.Equal(["REASSIGNED", "APPROVED"], requests.Select(r => (string?)r!["status"]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_simulation_shows_the_path_and_the_approvers_and_changes_nothing(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        var quote = await f.QuoteAsync("Q-sim", 40, f.Rep.Key);
        const string simulate = "query($d: JSON, $a: String, $id: ID!, $decisions: JSON, $by: ID) { simulateWorkflow(definition: $d, apiName: $a, recordId: $id, decisions: $decisions, submitter: $by) { step type outcome approvers detail } }";

        var draft = await server.MetadataOkAsync(simulate, new { d = Discount(), a = (string?)null, id = quote, decisions = (object?)null, by = f.Rep.Id });
        var steps = draft["simulateWorkflow"]!.AsArray();
        Assert.Equal(["pending", "manager", "big", "finance", "approved", "followUp", "done"], steps.Select(s => (string?)s!["step"]));
        Assert.Equal([f.Manager.Id], steps[1]!["approvers"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(2, steps[3]!["approvers"]!.AsArray().Count);
        Assert.Equal("true", (string?)steps[2]!["outcome"]);

        await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new { d = Discount() });
        var rejected = await server.MetadataOkAsync(simulate, new { d = (object?)null, a = "discount", id = quote, decisions = new { finance = "rejected" }, by = f.Rep.Id });
        Assert.Equal("closed", (string?)rejected["simulateWorkflow"]!.AsArray().Last()!["step"]);

        // Nothing happened to the record, and no instance exists.
        Assert.Equal("Draft", (string?)(await f.QuoteStateAsync(quote))["status"]);
        Assert.Empty(await f.HistoryAsync(quote));
        Assert.Equal(0, (long)(await server.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Approvers_are_notified_and_reminded_and_steps_can_notify_and_run_actions(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await PaasServer.StartAsync(provider, NoWorker, s => s.AddSingleton<TimeProvider>(clock));
        var f = await ApprovalFixture.CreateAsync(server);
        await server.MetadataOkAsync("""
            mutation { deployScript(input: {apiName: "stamp", kind: ACTION, object: "Quote", onRecord: true, input: [{name: "suffix", type: TEXT, required: true}],
              code: "db.update('Quote', ctx.record.id, { name: ctx.record.name + ' ' + ctx.input.suffix }); log.info('stamped');"}) { version } }
            """);
        await f.PublishAsync(new
        {
            apiName = "tellAndStamp", @object = "Quote", start = "ask",
            steps = new object[]
            {
                new { name = "ask", type = "APPROVAL", approval = new { approvers = new[] { new { type = "MANAGER" } }, remindAfterMinutes = 30 }, outcomes = new { approved = "tell", rejected = "end" } },
                new { name = "tell", type = "NOTIFY", notify = new { to = new[] { new { type = "USER", user = f.Rep.Id } }, message = "Your quote was approved." }, next = "stamp" },
                new { name = "stamp", type = "RUN_ACTION", action = "stamp", input = new { suffix = "(ok)" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        const string notifications = "query($u: Boolean) { myNotifications(unreadOnly: $u) { id message recordId readAt } }";
        var quote = await f.QuoteAsync("Q-n", 5, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);
        await f.RunWorkerAsync();
        var asked = (await server.DataOkAsync(notifications, new { u = true }, f.Manager.Key))["myNotifications"]!.AsArray();
        Assert.Contains("Your approval is requested", (string?)Assert.Single(asked)!["message"], StringComparison.Ordinal);
        Assert.Equal(quote, (string?)asked[0]!["recordId"]);

        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await f.RunWorkerAsync());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await f.RunWorkerAsync());
        var reminded = (await server.DataOkAsync(notifications, new { u = true }, f.Manager.Key))["myNotifications"]!.AsArray();
        Assert.Equal(2, reminded.Count);
        Assert.StartsWith("Reminder:", (string?)reminded[0]!["message"], StringComparison.Ordinal);
        var read = await server.DataOkAsync("mutation($ids: [ID]!) { markNotificationsRead(ids: $ids) }",
            new { ids = reminded.Select(n => (string?)n!["id"]).Append("00000000-0000-0000-0000-000000000009").ToArray() }, f.Manager.Key);
        Assert.Equal(2, (int)read["markNotificationsRead"]!);
        Assert.Empty((await server.DataOkAsync(notifications, new { u = true }, f.Manager.Key))["myNotifications"]!.AsArray());
        // Nobody reads another user's notifications.
        Assert.Empty((await server.DataOkAsync(notifications, new { u = false }, f.FinanceA.Key))["myNotifications"]!.AsArray());

        (await f.AnswerAsync("approve", await f.PendingRequestAsync(f.Manager.Key), f.Manager.Key)).AssertOk();
        Assert.Equal(3, await f.RunWorkerAsync());
        var told = (await server.DataOkAsync(notifications, new { u = true }, f.Rep.Key))["myNotifications"]!.AsArray();
        Assert.Equal("Your quote was approved.", (string?)Assert.Single(told)!["message"]);
        var name = await server.DataOkAsync("query($id: ID!) { quote(id: $id) { name } }", new { id = quote });
        Assert.Equal("Q-n (ok)", (string?)name["quote"]!["name"]);
        Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_approver_out_of_office_has_requests_go_to_the_delegate(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(Discount());
        const string delegateMutation = "mutation($d: ID, $from: DateTime, $until: DateTime) { setApprovalDelegate(delegate: $d, from: $from, until: $until) }";
        ResponseAssert.GraphQLError(await server.DataAsync(delegateMutation, new { d = f.Manager.Id, from = (string?)null, until = DateTimeOffset.UtcNow.AddDays(1) }, key: f.Manager.Key), "VALIDATION_FAILED");
        await server.DataOkAsync(delegateMutation, new { d = f.Vp.Id, from = (string?)null, until = DateTimeOffset.UtcNow.AddDays(7) }, f.Manager.Key);

        var quote = await f.QuoteAsync("Q-away", 20, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);
        await f.RunWorkerAsync();
        Assert.Empty(await f.InboxAsync(f.Manager.Key));
        var request = await f.PendingRequestAsync(f.Vp.Key);
        var asked = (await server.DataOkAsync("query($id: ID!) { approvalHistory(object: \"Quote\", id: $id) { requests { approver reassignedFrom } } }", new { id = quote }))
            ["approvalHistory"]![0]!["requests"]![0]!;
        Assert.Equal(f.Vp.Id, (string?)asked["approver"]);
        Assert.Equal(f.Manager.Id, (string?)asked["reassignedFrom"]);
        (await f.AnswerAsync("approve", request, f.Vp.Key)).AssertOk();
        await f.RunWorkerAsync();
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(quote))["status"]);

        // Back in the office: requests come to the manager again.
        await server.DataOkAsync(delegateMutation, new { d = (string?)null, from = (string?)null, until = (string?)null }, f.Manager.Key);
        var next = await f.QuoteAsync("Q-back", 20, f.Rep.Key);
        await f.SubmitAsync(next, f.Rep.Key);
        await f.RunWorkerAsync();
        Assert.Single(await f.InboxAsync(f.Manager.Key));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Parallel_branches_run_side_by_side_and_join_once_both_arrive(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "both", @object = "Quote", start = "split",
            steps = new object[]
            {
                new { name = "split", type = "PARALLEL", branches = new[] { "manager", "finance" }, join = "together" },
                new { name = "manager", type = "APPROVAL", approval = new { approvers = new[] { new { type = "MANAGER" } } }, outcomes = new { approved = "together", rejected = "no" } },
                new { name = "finance", type = "APPROVAL", approval = new { approvers = new[] { new { type = "QUEUE", group = "Finance" } } }, outcomes = new { approved = "together", rejected = "no" } },
                new { name = "together", type = "JOIN", next = "yes" },
                new { name = "yes", type = "UPDATE_FIELDS", fields = new { status = "Approved" }, next = "end" },
                new { name = "no", type = "UPDATE_FIELDS", fields = new { status = "Rejected" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });
        var quote = await f.QuoteAsync("Q-both", 5, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);
        await f.RunWorkerAsync();
        var managerRequest = await f.PendingRequestAsync(f.Manager.Key);
        var financeRequest = await f.PendingRequestAsync(f.FinanceA.Key);

        // One branch decided: the other still waits, the record stays locked.
        (await f.AnswerAsync("approve", financeRequest, f.FinanceA.Key)).AssertOk();
        await f.RunWorkerAsync();
        Assert.Equal(managerRequest, await f.PendingRequestAsync(f.Manager.Key));
        var history = (await f.HistoryAsync(quote))[0]!["instance"]!;
        Assert.Equal("WAITING", (string?)history["status"]);
        Assert.True((bool)history["locked"]!);
        Assert.Equal("Draft", (string?)(await f.QuoteStateAsync(quote))["status"]);

        (await f.AnswerAsync("approve", managerRequest, f.Manager.Key)).AssertOk();
        await f.RunWorkerAsync();
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(quote))["status"]);
        Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_departing_approvers_pending_requests_follow_the_transfer_to_the_successor(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(Discount());
        var quote = await f.QuoteAsync("Q-leaver", 20, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key);
        await f.RunWorkerAsync();
        Assert.Single(await f.InboxAsync(f.Manager.Key));

        await server.MetadataOkAsync("mutation($from: ID!, $to: ID!) { transferRecords(input: {fromUser: $from, toUser: $to}) { object count } }",
            new { from = f.Manager.Id, to = f.Vp.Id });
        Assert.Empty(await f.InboxAsync(f.Manager.Key));
        var moved = await f.PendingRequestAsync(f.Vp.Key);
        (await f.AnswerAsync("approve", moved, f.Vp.Key)).AssertOk();
        await f.RunWorkerAsync();
        Assert.Equal("Approved", (string?)(await f.QuoteStateAsync(quote))["status"]);
    }
}
