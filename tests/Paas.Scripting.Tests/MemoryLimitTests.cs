using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class MemoryLimitTests
{
    private readonly JintScriptRunner _runner = new();

    [Theory]
    [InlineData("return 'ab'.repeat(3)", "ababab")]
    [InlineData("return 'ab'.repeat('2')", "abab")]
    [InlineData("return new String('ab').repeat(2)", "abab")]
    [InlineData("return String.prototype.repeat.call(12, 2)", "1212")]
    [InlineData("return String.prototype.repeat.name + String.prototype.repeat.length", "repeat1")]
    [InlineData("try { 'a'.repeat(-1); } catch (e) { return e.name; }", "RangeError")]
    public void Guarded_repeat_behaves_like_repeat(string code, string expected) => Assert.Equal(expected, _runner.Result(code));

    [Fact]
    public void A_repeat_bigger_than_the_limit_fails_before_it_allocates()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = _runner.Failure("const s = 'x'.repeat(2 ** 28); return s.length;");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal(ScriptLimitNames.Memory, error.Limit);
        Assert.True(allocated < ScriptLimits.Default.MaxMemoryBytes, $"allocated {allocated} bytes");
    }

    [Fact]
    public void The_memory_limit_counts_allocations_not_live_memory()
    {
        // Nothing here is kept, yet a loop that allocates enough garbage hits the limit: Jint measures the bytes the
        // thread allocated since the execution started.
        var governor = new ScriptGovernor(ScriptLimits.Default with { MaxMemoryBytes = 8 * 1024 * 1024 });
        var error = _runner.Failure(Scripts.Execution("for (let i = 0; i < 100000; i++) { const tmp = new Array(100).fill(i); }", governor: governor));
        Assert.Equal(ScriptLimitNames.Memory, error.Limit);

        Assert.Null(_runner.Run(Scripts.Execution("for (let i = 0; i < 1000; i++) { const tmp = new Array(100).fill(i); }", governor: governor)).Result);
    }
}
