using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class CacheTests
{
    [Fact]
    public void The_same_cache_key_is_parsed_once()
    {
        var runner = new JintScriptRunner();
        var source = Scripts.Source("return ctx.n * 2");

        for (var n = 1; n <= 5; n++)
        {
            var outcome = runner.Run(new ScriptExecution
            {
                Script = source,
                Kind = "test",
                Context = new Dictionary<string, object?> { ["n"] = n },
                Governor = new ScriptGovernor(ScriptLimits.Default),
            });
            Assert.Equal(n * 2.0, outcome.Result);
        }

        Assert.Equal(1, runner.Compilations);
        Assert.Equal(1, runner.CachedScripts);
    }

    [Fact]
    public void Check_does_not_fill_the_cache()
    {
        var runner = new JintScriptRunner();
        Assert.Null(runner.Check("return 1", ScriptMode.Body));
        Assert.Equal(0, runner.Compilations);
    }

    [Fact]
    public void A_reused_key_with_different_code_is_compiled_again()
    {
        var runner = new JintScriptRunner();
        var first = Scripts.Source("return 'v1'");
        Assert.Equal("v1", runner.Run(Execution(first)).Result);
        Assert.Equal("v2", runner.Run(Execution(first with { Code = "return 'v2'" })).Result);
        Assert.Equal("v2", runner.Run(Execution(first with { Code = "'v2'", Mode = ScriptMode.Expression })).Result);
        Assert.Equal(3, runner.Compilations);
        Assert.Equal(1, runner.CachedScripts);
    }

    [Fact]
    public void The_cache_is_bounded_and_evicts_the_least_recently_used()
    {
        var runner = new JintScriptRunner(new JintScriptRunnerOptions { PreparedScriptCacheSize = 2 });
        var a = Scripts.Source("return 'a'");
        var b = Scripts.Source("return 'b'");
        var c = Scripts.Source("return 'c'");

        runner.Run(Execution(a));
        runner.Run(Execution(b));
        runner.Run(Execution(a)); // a is now the most recent
        runner.Run(Execution(c)); // evicts b
        Assert.Equal(3, runner.Compilations);
        Assert.Equal(2, runner.CachedScripts);

        runner.Run(Execution(a));
        Assert.Equal(3, runner.Compilations);
        runner.Run(Execution(b));
        Assert.Equal(4, runner.Compilations);
    }

    [Fact]
    public void A_syntax_error_is_cached_too()
    {
        var runner = new JintScriptRunner();
        var broken = Scripts.Source("let x = ;");
        Assert.Throws<Core.Errors.PaasException>(() => runner.Run(Execution(broken)));
        Assert.Throws<Core.Errors.PaasException>(() => runner.Run(Execution(broken)));
        Assert.Equal(1, runner.Compilations);
    }

    private static ScriptExecution Execution(ScriptSource source) => new()
    {
        Script = source,
        Kind = "test",
        Governor = new ScriptGovernor(ScriptLimits.Default),
    };
}
