using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class ErrorMappingTests
{
    private readonly JintScriptRunner _runner = new();

    [Theory]
    [InlineData("throw new Error('x')", "x (line 1, column 7)")]
    [InlineData("throw new TypeError('wrong type')", "TypeError: wrong type (line 1, column 7)")]
    [InlineData("throw new Error()", "Error (line 1, column 7)")]
    [InlineData("class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }\nthrow new MyError('mine')", "MyError: mine (line 2, column 7)")]
    [InlineData("throw 42", "threw 42 (line 1, column 7)")]
    [InlineData("throw null", "threw null (line 1, column 7)")]
    [InlineData("throw undefined", "threw undefined (line 1, column 7)")]
    [InlineData("throw true", "threw true (line 1, column 7)")]
    [InlineData("throw { a: 1 }", "threw an object (line 1, column 7)")]
    [InlineData("throw [1, 2]", "threw an array (line 1, column 7)")]
    [InlineData("throw Symbol('s')", "threw a symbol (line 1, column 7)")]
    [InlineData("throw () => 1", "threw a function (line 1, column 7)")]
    [InlineData("throw 'Amount must be positive'", "Amount must be positive (line 1, column 7)")]
    [InlineData("throw ''", "threw an empty string (line 1, column 7)")]
    [InlineData("null.x", "TypeError: Cannot read properties of null (reading 'x') (line 1, column 6)")]
    [InlineData("eval('1')", "TypeError: code cannot be compiled from strings (eval, new Function and the like are disabled) (line 1, column 1)")]
    public void Thrown_values_become_script_errors_rendered_safely(string code, string expected)
    {
        var error = _runner.Failure(code, name: "thrower");
        Assert.Equal(ErrorCodes.ScriptError, error.Code);
        Assert.Null(error.Limit);
        Assert.Equal($"Script 'thrower' failed: {expected}", error.Message);
    }

    [Fact]
    public void Very_long_messages_are_cut()
    {
        var error = _runner.Failure("throw new Error('x'.repeat(10000))");
        Assert.InRange(error.Message.Length, 2_000, 2_100);
    }

    [Fact]
    public void Cancellation_before_the_run_is_the_request_timeout()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var error = _runner.Failure(Scripts.Execution("return 1", cancellationToken: cancelled.Token));
        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal("requestTimeout", error.Limit);
    }

    [Fact]
    public void Cancellation_during_the_run_is_the_request_timeout()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var governor = new ScriptGovernor(ScriptLimits.Default with { MaxStatements = long.MaxValue }, asynchronous: true);
        var error = _runner.Failure(Scripts.Execution("while (true) {}", governor: governor, cancellationToken: cancellation.Token));
        Assert.Equal("requestTimeout", error.Limit);
        Assert.Equal("The request was cancelled or timed out while script 'test' was running.", error.Message);
    }

    [Fact]
    public void The_governor_cpu_budget_bounds_an_execution()
    {
        var governor = new ScriptGovernor(ScriptLimits.Default with { SyncCpuTime = TimeSpan.FromMilliseconds(50), MaxStatements = long.MaxValue });
        var error = _runner.Failure(Scripts.Execution("while (true) {}", governor: governor));
        Assert.Equal(ScriptLimitNames.CpuTime, error.Limit);
        Assert.Equal(governor.CpuExceeded().Message, error.Message);
        Assert.True(governor.CpuUsed >= TimeSpan.FromMilliseconds(50));

        // The budget is spent: the next script of the transaction does not start.
        var next = _runner.Failure(Scripts.Execution("return 1", governor: governor));
        Assert.Equal(ScriptLimitNames.CpuTime, next.Limit);
    }

    [Fact]
    public void The_per_execution_cap_bounds_an_execution_with_a_large_budget()
    {
        var runner = new JintScriptRunner(new JintScriptRunnerOptions { MaxExecutionTime = TimeSpan.FromMilliseconds(80) });
        var governor = new ScriptGovernor(ScriptLimits.Default with { MaxStatements = long.MaxValue }, asynchronous: true);
        var error = runner.Failure(Scripts.Execution("while (true) {}", governor: governor, name: "slow"));
        Assert.Equal(ScriptLimitNames.CpuTime, error.Limit);
        Assert.Equal("Script 'slow' ran longer than the 80 ms one execution may take.", error.Message);
    }

    [Fact]
    public void Failures_are_charged_to_the_governor()
    {
        var governor = new ScriptGovernor(ScriptLimits.Default);
        Assert.Throws<PaasException>(() => _runner.Run(Scripts.Execution("throw new Error('x')", governor: governor)));
        var cost = Assert.Single(governor.Costs);
        Assert.Equal("test", cost.Script);
        Assert.Equal("trigger", cost.Kind);
        Assert.True(cost.Time > TimeSpan.Zero);
        Assert.Null(governor.Current);
    }
}
