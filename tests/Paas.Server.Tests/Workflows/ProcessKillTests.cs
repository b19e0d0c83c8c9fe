using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Workflows;

/// <summary>
/// The real thing: the server process runs workflow steps on a SQLite file and is killed with SIGKILL while it works,
/// several times, then started again; in the end every step's effects exist exactly once.
/// </summary>
public sealed class ProcessKillTests
{
    private const int Quotes = 12;

    private static readonly Dictionary<string, string> Worker = new() { ["Paas:Workflows:PollMilliseconds"] = "50" };

    [Fact]
    public async Task Killing_the_server_mid_work_loses_and_doubles_no_step()
    {
        using var data = new TempDirectory();
        var server = await ChildServer.StartAsync(data.Path, Worker);
        try
        {
            await DefineAsync(server);
            await server.DataOkAsync($$"""mutation { createQuotes(inputs: [{{string.Join(", ", Enumerable.Range(0, Quotes).Select(i => $"{{name: \"Q{i}\"}}"))}}]) { id } }""");

            // Kill it at unrelated moments while the worker runs steps (each kill lands between or inside steps), then restart.
            var random = new Random(7);
            for (var kill = 0; kill < 3; kill++)
            {
                await Task.Delay(random.Next(150, 600));
                server.Kill();
                server.Dispose();
                if (kill == 0)
                {
                    // The first kill interrupted the work: a server without a worker sees instances not yet completed.
                    server = await ChildServer.StartAsync(data.Path, new Dictionary<string, string> { ["Paas:Workflows:WorkerEnabled"] = "false" });
                    Assert.True(await CompletedAsync(server) < Quotes, "The kill came after all the work was done; it proves nothing.");
                    server.Kill();
                    server.Dispose();
                }

                server = await ChildServer.StartAsync(data.Path, Worker);
            }

            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && await CompletedAsync(server) < Quotes)
            {
                await Task.Delay(200);
            }

            Assert.True(await CompletedAsync(server) == Quotes, $"Not every instance completed:\n{server.Output}");
            var tasks = (await server.DataOkAsync("{ tasks(first: 500) { nodes { name quote { id } } } }"))["tasks"]!["nodes"]!.AsArray();
            var perQuote = tasks.GroupBy(t => (string?)t!["quote"]!["id"]).ToList();
            Assert.Equal(Quotes, perQuote.Count);
            Assert.All(perQuote, q => Assert.Equal(["first", "from action", "second"], q.Select(t => (string?)t!["name"]).Order(StringComparer.Ordinal)));
        }
        finally
        {
            server.Dispose();
        }
    }

    private static async Task<int> CompletedAsync(ChildServer server)
    {
        var quotes = (await server.DataOkAsync("{ quotes(first: 100) { nodes { id } } }"))["quotes"]!["nodes"]!.AsArray();
        var completed = 0;
        foreach (var quote in quotes)
        {
            var history = (await server.DataOkAsync("query($id: ID!) { approvalHistory(object: \"Quote\", id: $id) { instance { status } } }", new { id = (string?)quote!["id"] }))["approvalHistory"]!.AsArray();
            completed += history.Count(h => (string?)h!["instance"]!["status"] == "COMPLETED");
        }

        return completed;
    }

    /// <summary>Each new quote starts: a task, an action that creates a task and then computes for a while, another task.</summary>
    private static async Task DefineAsync(ChildServer server)
    {
        await server.MetadataOkAsync("""
            mutation {
              q: createObject(input: {apiName: "Quote", label: "Quote"}) { apiName }
              t: createObject(input: {apiName: "Task", label: "Task"}) { apiName }
            }
            """);
        await server.MetadataOkAsync("""mutation { createField(input: {object: "Task", apiName: "quote", label: "Quote", type: LOOKUP, target: "Quote"}) { apiName } }""");
        await server.MetadataOkAsync("""
            mutation { deployScript(input: {apiName: "slowStamp", kind: ACTION, object: "Quote", onRecord: true, input: [],
              code: "db.create('Task', { name: 'from action', quote: ctx.record.id }); let x = 0; for (let i = 0; i < 200000; i++) { x += i; }"}) { version } }
            """);
        var definition = new
        {
            apiName = "threeTasks",
            @object = "Quote",
            trigger = new { type = "RECORD_CREATED" },
            start = "one",
            steps = new object[]
            {
                new { name = "one", type = "CREATE_RECORD", @object = "Task", values = new { name = "first", quote = "$record.id" }, next = "act" },
                new { name = "act", type = "RUN_ACTION", action = "slowStamp", next = "two" },
                new { name = "two", type = "CREATE_RECORD", @object = "Task", values = new { name = "second", quote = "$record.id" }, next = "end" },
                new { name = "end", type = "END" },
            },
        };
        await server.MetadataOkAsync("mutation($d: JSON!) { saveWorkflow(definition: $d) { version } }", new { d = definition });
        await server.MetadataOkAsync("mutation { publishWorkflow(apiName: \"threeTasks\") { status } }");
    }
}
