using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Workflows;

/// <summary>A stage process on Quote.status: gated stages, allowed transitions, tasks on entry and stage history, through GraphQL.</summary>
public sealed class StageProcessTests
{
    public static TheoryData<DatabaseProvider> Providers => DatabaseProviders.All;

    private static readonly Dictionary<string, string?> NoWorker = new() { ["Paas:Workflows:WorkerEnabled"] = "false" };

    private static object Process() => new
    {
        @object = "Quote",
        field = "status",
        stages = new object[]
        {
            new
            {
                value = "Draft",
                gates = new object[]
                {
                    new { type = "REQUIRED_FIELDS", fields = new[] { "discount" } },
                    new { type = "CONDITION", expression = "record.discount != null && record.discount <= 50", message = "Discounts above 50 % are not quoted." },
                },
            },
            new
            {
                value = "Pending", allowSkip = false,
                gates = new object[] { new { type = "APPROVAL", process = "discount" } },
                tasks = new object[] { new { @object = "Task", values = new { name = "Chase the approval", quote = "$record.id" } } },
            },
            new { value = "Approved", allowBack = false },
            new { value = "Rejected" },
        },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_record_moves_through_gated_stages_with_history(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        var f = await ApprovalFixture.CreateAsync(server);
        await f.PublishAsync(new
        {
            apiName = "discount", @object = "Quote", start = "ask",
            steps = new object[]
            {
                new { name = "ask", type = "APPROVAL", approval = new { approvers = new[] { new { type = "MANAGER" } } }, outcomes = new { approved = "ok", rejected = "ok" } },
                new { name = "ok", type = "END", result = "approved" },
            },
        });
        var set = await server.MetadataOkAsync("mutation($d: JSON!) { setStageProcess(definition: $d) { object field stages } }", new { d = Process() });
        Assert.Equal(["Draft", "Pending", "Approved", "Rejected"], set["setStageProcess"]!["stages"]!.AsArray().Select(s => (string?)s));

        var quote = (string)(await server.DataOkAsync("""mutation { createQuote(input: {name: "Q"}) { id status } }""", key: f.Rep.Key))["createQuote"]!["id"]!;
        const string advance = "mutation($id: ID!, $to: String!) { advanceStage(object: \"Quote\", id: $id, to: $to) { stage exitedAt } }";

        // Leaving Draft needs a discount of at most 50; both gates are reported.
        var refused = await server.DataAsync(advance, new { id = quote, to = "Pending" }, key: f.Rep.Key);
        ResponseAssert.GraphQLError(refused, "VALIDATION_FAILED");
        Assert.Equal(["status", "status"], refused.FieldErrorNames);
        await server.DataOkAsync("mutation($id: ID!) { updateQuote(id: $id, input: {discount: 70}) { id } }", new { id = quote }, f.Rep.Key);
        var tooBig = await server.DataAsync(advance, new { id = quote, to = "Pending" }, key: f.Rep.Key);
        Assert.Contains("Discounts above 50 % are not quoted.", tooBig.Body, StringComparison.Ordinal);
        // The same rules hold for a plain update of the field, and skipping is refused.
        await server.DataOkAsync("mutation($id: ID!) { updateQuote(id: $id, input: {discount: 20}) { id } }", new { id = quote }, f.Rep.Key);
        var skip = await server.DataAsync(advance, new { id = quote, to = "Approved" }, key: f.Rep.Key);
        ResponseAssert.GraphQLError(skip, "VALIDATION_FAILED");

        var moved = await server.DataOkAsync(advance, new { id = quote, to = "Pending" }, key: f.Rep.Key);
        var history = moved["advanceStage"]!.AsArray();
        Assert.Equal(["Draft", "Pending"], history.Select(h => (string?)h!["stage"]));
        Assert.NotNull(history[0]!["exitedAt"]);
        Assert.Null(history[1]!["exitedAt"]);
        Assert.Equal(1, (long)(await server.DataOkAsync("{ tasks { totalCount } }"))["tasks"]!["totalCount"]!);

        // Pending → Approved needs the approval.
        var unapproved = await server.DataAsync("mutation($id: ID!) { updateQuote(id: $id, input: {status: \"Approved\"}) { id } }", new { id = quote }, key: f.Rep.Key);
        ResponseAssert.GraphQLError(unapproved, "VALIDATION_FAILED");
        Assert.Contains("needs the approval 'discount'", (string?)unapproved.Errors![0]!["extensions"]!["fieldErrors"]![0]!["message"], StringComparison.Ordinal);
        await f.SubmitAsync(quote, f.Rep.Key, "discount");
        await f.RunWorkerAsync();
        (await f.AnswerAsync("approve", await f.PendingRequestAsync(f.Manager.Key), f.Manager.Key)).AssertOk();
        await f.RunWorkerAsync();
        await server.DataOkAsync(advance, new { id = quote, to = "Approved" }, key: f.Rep.Key);

        // Approved does not go back.
        ResponseAssert.GraphQLError(await server.DataAsync(advance, new { id = quote, to = "Draft" }, key: f.Rep.Key), "VALIDATION_FAILED");
        var stages = await server.DataOkAsync("query($id: ID!) { stageHistory(object: \"Quote\", id: $id) { stage secondsInStage exitedAt } }", new { id = quote }, f.Rep.Key);
        Assert.Equal(["Draft", "Pending", "Approved"], stages["stageHistory"]!.AsArray().Select(h => (string?)h!["stage"]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_bad_stage_process_is_refused(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider, NoWorker);
        await ApprovalFixture.CreateAsync(server);
        foreach (var bad in new object[]
                 {
                     new { @object = "Nope", field = "status", stages = new object[] { new { value = "Draft" } } },
                     new { @object = "Quote", field = "discount", stages = new object[] { new { value = "Draft" } } },
                     new { @object = "Quote", field = "status", stages = new object[] { new { value = "Unknown" } } },
                     new { @object = "Quote", field = "status", stages = new object[] { new { value = "Draft", gates = new object[] { new { type = "APPROVAL", process = "none" } } } } },
                     new { @object = "Quote", field = "status", stages = new object[] { new { value = "Draft", gates = new object[] { new { type = "CONDITION", expression = "record.discount >" } } } } },
                 })
        {
            ResponseAssert.GraphQLError(await server.MetadataAsync("mutation($d: JSON!) { setStageProcess(definition: $d) { object } }", new { d = bad }), "VALIDATION_FAILED");
        }

        Assert.Empty((await server.MetadataOkAsync("{ stageProcesses { object } }"))["stageProcesses"]!.AsArray());
    }
}
