using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

/// <summary>Every execution has its own engine: nothing leaks into the next one, and runs on several threads do not mix.</summary>
public sealed class IsolationTests
{
    private const string Pollute = """
        Object.prototype.polluted = 'yes';
        Array.prototype.push = function () { return -1; };
        JSON.parse = () => 'hacked';
        String.prototype.toUpperCase = () => 'owned';
        globalThis.leak = 1;
        return [({}).polluted, [].push(1), JSON.parse('2'), 'a'.toUpperCase(), leak];
        """;

    private const string Inspect = "return [typeof ({}).polluted, [].push(1), JSON.parse('2'), 'a'.toUpperCase(), typeof leak];";

    [Fact]
    public void Prototype_pollution_does_not_leak_into_the_next_execution()
    {
        var runner = new JintScriptRunner();

        Assert.Equal(new List<object?> { "yes", -1.0, "hacked", "owned", 1.0 }, runner.Result(Pollute));
        Assert.Equal(new List<object?> { "undefined", 1.0, 2.0, "A", "undefined" }, runner.Result(Inspect));
    }

    [Fact]
    public void Pollution_does_not_leak_through_a_shared_prepared_program()
    {
        var runner = new JintScriptRunner();
        var source = Scripts.Source("const before = typeof ({}).polluted; Object.prototype.polluted = 1; return before;");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("undefined", runner.Run(new ScriptExecution { Script = source, Kind = "test", Governor = new ScriptGovernor(ScriptLimits.Default) }).Result);
        }

        Assert.Equal(1, runner.Compilations);
    }

    [Fact]
    public async Task Concurrent_runs_produce_their_own_results()
    {
        var runner = new JintScriptRunner();
        var shared = Scripts.Source("""
            let sum = 0;
            for (let i = 0; i < ctx.n * 1000; i++) sum += i % 7;
            Object.prototype.owner = ctx.n;
            ctx.records[0].seen = ctx.n;
            log.info('run ' + ctx.n);
            return { n: ctx.n, sum, owner: ({}).owner };
            """);
        const int threads = 8;
        using var start = new Barrier(threads);

        var outcomes = Enumerable.Range(1, threads)
            .Select(n => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                var results = new List<ScriptOutcome>();
                for (var round = 0; round < 5; round++)
                {
                    results.Add(runner.Run(new ScriptExecution
                    {
                        // Half share one prepared program, half have their own.
                        Script = n % 2 == 0 ? shared : Scripts.Source(shared.Code),
                        Kind = "test",
                        Context = new Dictionary<string, object?>
                        {
                            ["n"] = n,
                            ["records"] = new List<object?> { Scripts.Record(("name", $"r{n}")) },
                        },
                        ReadBack = ["records"],
                        Governor = new ScriptGovernor(ScriptLimits.Default),
                    }));
                }

                return (n, results);
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        var all = await Task.WhenAll(outcomes).WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var (n, results) in all)
        {
            var expectedSum = Enumerable.Range(0, n * 1000).Sum(i => i % 7);
            foreach (var outcome in results)
            {
                Assert.Equal(new Dictionary<string, object?> { ["n"] = (double)n, ["sum"] = (double)expectedSum, ["owner"] = (double)n }, outcome.Result);
                Assert.Equal(Scripts.Record(("name", $"r{n}"), ("seen", (double)n)), Assert.Single(Assert.IsType<List<object?>>(outcome.ReadBack["records"])));
                Assert.Equal($"run {n}", Assert.Single(outcome.Logs).Message);
            }
        }
    }
}
