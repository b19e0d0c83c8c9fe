namespace Paas.Scripting.Tests;

public sealed class LogTests
{
    [Fact]
    public void Log_entries_are_collected_with_level_time_and_passed_to_the_host()
    {
        var time = new ManualTimeProvider();
        var runner = new JintScriptRunner(timeProvider: time);
        var host = new FakeScriptHost();

        var outcome = runner.Run(Scripts.Execution("""
            log.info('starting', 3, true, null, undefined);
            log.warn({ id: 'a', tags: ['x', 'é'] }, [1, { n: null }]);
            log.error(new Map(), function f() {});
            """, host: host));

        Assert.Equal(["info", "warn", "error"], outcome.Logs.Select(l => l.Level));
        Assert.Equal("starting 3 true null undefined", outcome.Logs[0].Message);
        Assert.Equal("{\"id\":\"a\",\"tags\":[\"x\",\"é\"]} [1,{\"n\":null}]", outcome.Logs[1].Message);
        Assert.StartsWith("[object Map] function f()", outcome.Logs[2].Message);
        Assert.All(outcome.Logs, l => Assert.Equal(time.GetUtcNow(), l.At));
        Assert.Equal(outcome.Logs.Select(l => (l.Level, l.Message)), host.Logged);
    }

    [Fact]
    public void Log_works_without_a_host()
    {
        var outcome = new JintScriptRunner().Run(Scripts.Execution("log.info('alone'); return typeof db"));
        Assert.Equal("undefined", outcome.Result);
        Assert.Equal("alone", Assert.Single(outcome.Logs).Message);
    }

    [Fact]
    public void Log_keeps_a_thousand_entries_then_one_truncation_notice()
    {
        var host = new FakeScriptHost();
        var outcome = new JintScriptRunner().Run(Scripts.Execution("for (let i = 0; i < 1500; i++) log.info('line ' + i)", host: host));

        Assert.Equal(1001, outcome.Logs.Count);
        Assert.Equal("line 999", outcome.Logs[999].Message);
        Assert.Equal("warn", outcome.Logs[1000].Level);
        Assert.Contains("truncated", outcome.Logs[1000].Message);
        Assert.Equal(1001, host.Logged.Count);
    }

    [Fact]
    public void Long_log_messages_are_cut_at_four_thousand_characters()
    {
        var outcome = new JintScriptRunner().Run(Scripts.Execution("log.info('x'.repeat(10000))"));
        Assert.Equal(new string('x', 4000), Assert.Single(outcome.Logs).Message);
    }

    [Fact]
    public void Log_runs_a_script_defined_toString_under_the_sandbox_limits()
    {
        var outcome = new JintScriptRunner().Run(Scripts.Execution("log.info({ toString() { return 'custom'; }, get x() { return 1; } })"));
        Assert.Equal("custom", Assert.Single(outcome.Logs).Message);
    }
}
