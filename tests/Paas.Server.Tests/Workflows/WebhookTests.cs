using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;
using Paas.Workflows.Webhooks;

namespace Paas.Server.Tests.Workflows;

/// <summary>NOTIFY steps with outbound webhooks, sent to a real HTTP listener after the step's transaction commits.</summary>
public sealed class WebhookTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    private const string Secret = "whsec_0123456789abcdef0123456789abcdef";

    private static Dictionary<string, string?> Settings(string allowedHosts = "127.0.0.1") => new()
    {
        ["Paas:Workflows:WorkerEnabled"] = "false",
        ["Paas:Workflows:WebhookAllowedHosts"] = allowedHosts,
        ["Paas:Workflows:WebhookTimeoutSeconds"] = "1",
        ["Paas:Workflows:WebhookMaxAttempts"] = "3",
    };

    private static object Hooked(string url) => new
    {
        apiName = "hooked",
        @object = "Quote",
        start = "tell",
        steps = new object[]
        {
            new { name = "tell", type = "NOTIFY", notify = new { webhook = new { url, fields = new[] { "discount", "status" } } }, next = "end" },
            new { name = "end", type = "END", result = "told" },
        },
    };

    private static async Task<(PaasServer Server, ApprovalFixture Fixture, FakeTimeProvider Clock)> StartAsync(DatabaseProvider provider, Dictionary<string, string?> settings)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await PaasServer.StartAsync(provider, settings, s => s.AddSingleton<TimeProvider>(clock));
        return (server, await ApprovalFixture.CreateAsync(server), clock);
    }

    private static async Task<int> DeliverAsync(ApprovalFixture f) =>
        await f.Server.Services.GetRequiredService<WebhookDispatcher>().DeliverDueAsync(await f.TenantAsync(), CancellationToken.None);

    private static async Task<JsonArray> DeliveriesAsync(PaasServer server) =>
        (await server.MetadataOkAsync("{ webhookDeliveries(workflow: \"hooked\") { id step status attempts statusCode lastError payload nextAttemptAt } }"))["webhookDeliveries"]!.AsArray();

    [Fact]
    public async Task Delivering_after_the_metadata_cache_lost_the_tenant_needs_one_connection_at_a_time()
    {
        // A pool of one connection: a dispatcher that held a connection while loading the tenant's metadata (which takes
        // another) would wait for itself until the pool's timeout and fail.
        await using var listener = await WebhookListener.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Postgres, Settings(), s => s.AddSingleton<TimeProvider>(clock), maxPoolSize: 1);
        var f = await ApprovalFixture.CreateAsync(server);
        await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new { d = Hooked(listener.Url("/hook")) });
        await server.MetadataOkAsync($$"""mutation { setWorkflowWebhookSecret(apiName: "hooked", secret: "{{Secret}}") }""");
        await server.MetadataOkAsync("mutation { publishWorkflow(apiName: \"hooked\") { status } }");
        var quote = await f.QuoteAsync("Q-pool", 5m, f.Rep.Key);
        await f.SubmitAsync(quote, f.Rep.Key, "hooked");
        Assert.Equal(2, await f.RunWorkerAsync());

        server.Services.GetRequiredService<Paas.Data.Metadata.MetadataCache>().Forget((await f.TenantAsync()).Id);
        Assert.Equal(1, await DeliverAsync(f));
        Assert.Equal("DELIVERED", (string?)Assert.Single(await DeliveriesAsync(server))!["status"]);
        Assert.Single(listener.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_webhook_is_signed_sent_after_the_commit_and_retried_with_the_same_key_until_it_is_taken(DatabaseProvider provider)
    {
        await using var listener = await WebhookListener.StartAsync();
        var (server, f, clock) = await StartAsync(provider, Settings());
        await using var _ = server;
        var saved = await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new { d = Hooked(listener.Url("/hook")) });
        Assert.NotNull(saved);

        // No secret yet: nothing unsigned is ever published.
        var unsigned = await server.MetadataAsync("mutation { publishWorkflow(apiName: \"hooked\") { status } }");
        ResponseAssert.GraphQLError(unsigned, "VALIDATION_FAILED");
        Assert.Equal(["definition.steps[0].notify.webhook"], unsigned.FieldErrorNames);
        ResponseAssert.GraphQLError(await server.MetadataAsync("mutation { setWorkflowWebhookSecret(apiName: \"hooked\", secret: \"short\") }"), "VALIDATION_FAILED");
        ResponseAssert.GraphQLError(await server.MetadataAsync($$"""mutation { setWorkflowWebhookSecret(apiName: "nope", secret: "{{Secret}}") }"""), "VALIDATION_FAILED");
        Assert.True((bool)(await server.MetadataOkAsync($$"""mutation { setWorkflowWebhookSecret(apiName: "hooked", secret: "{{Secret}}") }"""))["setWorkflowWebhookSecret"]!);
        await server.MetadataOkAsync("mutation { publishWorkflow(apiName: \"hooked\") { status } }");

        var quote = await f.QuoteAsync("Q-hook", 12.5m, f.Rep.Key);
        var simulated = (await server.MetadataOkAsync("query($id: ID!) { simulateWorkflow(apiName: \"hooked\", recordId: $id) { step detail } }", new { id = quote }))["simulateWorkflow"]!.AsArray();
        Assert.Equal(["tell", "end"], simulated.Select(s => (string?)s!["step"]));
        Assert.Equal($"Would POST to {listener.Url("/hook")} with id, discount, status", (string?)simulated[0]!["detail"]);
        Assert.Empty(await DeliveriesAsync(server));
        await f.SubmitAsync(quote, f.Rep.Key, "hooked");
        listener.AnswerWith(503);
        Assert.Equal(2, await f.RunWorkerAsync());
        Assert.Equal("COMPLETED", (string?)(await f.HistoryAsync(quote))[0]!["instance"]!["status"]);
        Assert.Empty(listener.Requests);

        // First attempt: the receiver fails; the delivery waits for its backoff.
        Assert.Equal(1, await DeliverAsync(f));
        var pending = Assert.Single(await DeliveriesAsync(server))!;
        Assert.Equal("PENDING", (string?)pending["status"]);
        Assert.Equal(503, (int)pending["statusCode"]!);
        Assert.Equal(0, await DeliverAsync(f));
        clock.Advance(WebhookDispatcher.FirstBackoff + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await DeliverAsync(f));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await DeliverAsync(f));

        var delivered = Assert.Single(await DeliveriesAsync(server))!;
        Assert.Equal("DELIVERED", (string?)delivered["status"]);
        Assert.Equal(2, (int)delivered["attempts"]!);
        var requests = listener.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal((string?)delivered["id"], r.Headers[WebhookSender.IdempotencyHeader]));
        Assert.Equal(requests[0].Body, requests[1].Body);
        foreach (var request in requests)
        {
            var timestamp = long.Parse(request.Headers[WebhookSender.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(WebhookSender.Sign(Secret, timestamp, request.Body), request.Headers[WebhookSender.SignatureHeader]);
            Assert.NotEqual(WebhookSender.Sign(Secret + "x", timestamp, request.Body), request.Headers[WebhookSender.SignatureHeader]);
            Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        }

        var body = JsonNode.Parse(requests[0].Body)!;
        Assert.Equal("hooked", (string?)body["workflow"]);
        Assert.Equal("tell", (string?)body["step"]);
        Assert.Equal(quote, (string?)body["recordId"]);
        Assert.Equal(quote, (string?)body["record"]!["id"]);
        Assert.Equal(12.5m, (decimal)body["record"]!["discount"]!);
        Assert.Equal("Draft", (string?)body["record"]!["status"]);
        Assert.Null(body["record"]!["name"]);
        Assert.False(string.IsNullOrEmpty((string?)body["instanceId"]));

        // The secret is never given back: not in the definition, the deliveries or the audit log.
        var everything = (await server.MetadataOkAsync("{ workflows(apiName: \"hooked\") { definition } webhookDeliveries { payload lastError } }")).ToJsonString()
                         + (await server.MetadataOkAsync("{ auditLog(first: 200, action: null) { action details } }")).ToJsonString();
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.Contains("setWorkflowWebhookSecret", everything, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_name_that_resolves_to_a_private_address_is_refused_at_send_time_and_given_up_after_the_last_attempt(DatabaseProvider provider)
    {
        await using var listener = await WebhookListener.StartAsync();
        // Only the literal address is allowed: "localhost" passes the save (it is a name) but resolves to loopback when sent.
        var (server, f, clock) = await StartAsync(provider, Settings("127.0.0.1"));
        await using var _ = server;
        await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new { d = Hooked($"https://localhost:{listener.Port}/hook") });
        await server.MetadataOkAsync($$"""mutation { setWorkflowWebhookSecret(apiName: "hooked", secret: "{{Secret}}") }""");
        await server.MetadataOkAsync("mutation { publishWorkflow(apiName: \"hooked\") { status } }");
        await f.SubmitAsync(await f.QuoteAsync("Q-ssrf", 1, f.Rep.Key), f.Rep.Key, "hooked");
        await f.RunWorkerAsync();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await DeliverAsync(f);
            clock.Advance(TimeSpan.FromHours(1));
        }

        var failed = Assert.Single(await DeliveriesAsync(server))!;
        Assert.Equal("FAILED", (string?)failed["status"]);
        Assert.Equal(3, (int)failed["attempts"]!);
        Assert.Contains("loopback", (string?)failed["lastError"], StringComparison.Ordinal);
        Assert.Null(failed["nextAttemptAt"]);
        Assert.Empty(listener.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_receiver_that_does_not_answer_in_time_is_tried_again(DatabaseProvider provider)
    {
        await using var listener = await WebhookListener.StartAsync();
        var (server, f, clock) = await StartAsync(provider, Settings());
        await using var _ = server;
        await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new { d = Hooked(listener.Url("/slow")) });
        await server.MetadataOkAsync($$"""mutation { setWorkflowWebhookSecret(apiName: "hooked", secret: "{{Secret}}") }""");
        await server.MetadataOkAsync("mutation { publishWorkflow(apiName: \"hooked\") { status } }");
        await f.SubmitAsync(await f.QuoteAsync("Q-slow", 1, f.Rep.Key), f.Rep.Key, "hooked");
        await f.RunWorkerAsync();

        listener.Delay = TimeSpan.FromSeconds(3);
        Assert.Equal(1, await DeliverAsync(f));
        var timedOut = Assert.Single(await DeliveriesAsync(server))!;
        Assert.Equal("PENDING", (string?)timedOut["status"]);
        Assert.Contains("No answer within 1 s", (string?)timedOut["lastError"], StringComparison.Ordinal);

        listener.Delay = TimeSpan.Zero;
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await DeliverAsync(f));
        Assert.Equal("DELIVERED", (string?)Assert.Single(await DeliveriesAsync(server))!["status"]);
        Assert.Equal(2, listener.Requests.Count);
    }
}
