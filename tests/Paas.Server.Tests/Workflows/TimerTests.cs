using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Workflows;

/// <summary>The hosted worker runs a waiting step when its time comes, not at its next poll.</summary>
public sealed class TimerTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_wait_ends_at_its_moment_even_when_the_poll_interval_is_a_minute(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Paas:Workflows:WorkerEnabled"] = "true",
            ["Paas:Workflows:PollMilliseconds"] = "60000",
        });
        var f = await ApprovalFixture.CreateAsync(server);
        await server.MetadataOkAsync("""mutation { createField(input: {object: "Quote", apiName: "remindAt", label: "Remind at", type: DATETIME}) { apiName } }""");
        await f.PublishAsync(new
        {
            apiName = "reminder", @object = "Quote", trigger = new { type = "RECORD_CREATED" }, start = "pause",
            steps = new object[]
            {
                new { name = "pause", type = "WAIT", wait = new { untilField = "remindAt" }, next = "mark" },
                new { name = "mark", type = "UPDATE_FIELDS", fields = new { status = "Pending" }, next = "end" },
                new { name = "end", type = "END" },
            },
        });

        // Whole seconds: the moment survives the round trip through the record exactly.
        var moment = DateTimeOffset.UtcNow.AddSeconds(3);
        moment = new DateTimeOffset(moment.Ticks - moment.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var quote = (string)(await server.DataOkAsync($$"""mutation { createQuote(input: {name: "Q-timer", remindAt: "{{moment.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}) { id } }"""))["createQuote"]!["id"]!;

        string? status = null;
        var seenAt = DateTimeOffset.MaxValue;
        while (DateTimeOffset.UtcNow < moment.AddSeconds(20))
        {
            status = (string?)(await f.QuoteStateAsync(quote))["status"];
            if (status == "Pending")
            {
                seenAt = DateTimeOffset.UtcNow;
                break;
            }

            await Task.Delay(25);
        }

        Assert.Equal("Pending", status);
        Assert.True(seenAt >= moment, $"the wait ended at {seenAt:O}, before its moment {moment:O}");
        // The worker slept until the moment rather than for its minute-long poll interval.
        Assert.True(seenAt - moment < TimeSpan.FromSeconds(5), $"the wait ended {(seenAt - moment).TotalMilliseconds:F0} ms after its moment");
    }
}
