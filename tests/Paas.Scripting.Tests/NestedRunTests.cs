using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

/// <summary>A host call that runs another script (a trigger fired by db.create) on the same thread and governor.</summary>
public sealed class NestedRunTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly JintScriptRunner _runner;
    private readonly ScriptGovernor _governor = new(ScriptLimits.Default);

    public NestedRunTests() => _runner = new JintScriptRunner(timeProvider: _time);

    [Fact]
    public void A_nested_run_inside_a_host_call_works_and_its_time_is_counted_once()
    {
        var innerHost = new FakeScriptHost().Add("account", "a1", Scripts.Record(("name", "Acme")));
        innerHost.OnCall = _ => _time.Advance(TimeSpan.FromMilliseconds(50));
        var outerHost = new FakeScriptHost();
        ScriptOutcome? inner = null;
        var threadOfInner = -1;
        outerHost.OnCall = call =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(30));
            threadOfInner = Environment.CurrentManagedThreadId;
            inner = _runner.Run(new ScriptExecution
            {
                Script = Scripts.Source("let n = 0; for (let i = 0; i < 10; i++) n += i; return db.get('account', 'a1').name + n;", name: "afterInsert"),
                Kind = "trigger",
                Host = innerHost,
                Governor = _governor,
            });
        };

        var outer = _runner.Run(new ScriptExecution
        {
            Script = Scripts.Source("const created = db.create('contact', { name: 'Ann' }); return created.name + ' and the outer engine still runs';", name: "action"),
            Kind = "action",
            Host = outerHost,
            Governor = _governor,
        });

        Assert.Equal("Ann and the outer engine still runs", outer.Result);
        Assert.Equal("Acme45", inner!.Result);
        Assert.Equal(Environment.CurrentManagedThreadId, threadOfInner);
        Assert.Equal(["action", "afterInsert"], _governor.Costs.Select(c => c.Script));
        Assert.Equal(TimeSpan.FromMilliseconds(30), outer.Cost.Time);
        Assert.Equal(TimeSpan.FromMilliseconds(50), inner.Cost.Time);
        Assert.Equal(TimeSpan.FromMilliseconds(80), _governor.CpuUsed);
        Assert.Null(_governor.Current);
        Assert.True(inner.Cost.Statements > 10);
        Assert.True(outer.Cost.Statements > 0);
    }

    [Fact]
    public void A_nested_script_error_is_a_catchable_error_in_the_outer_script()
    {
        var outerHost = new FakeScriptHost();
        outerHost.OnCall = _ => _runner.Run(new ScriptExecution
        {
            Script = Scripts.Source("throw new Error('validation in trigger failed')", name: "beforeInsert"),
            Kind = "trigger",
            Governor = _governor,
        });

        var result = _runner.Run(new ScriptExecution
        {
            Script = Scripts.Source("try { db.create('contact', {}); } catch (e) { return [e.code, e.message]; }"),
            Kind = "action",
            Host = outerHost,
            Governor = _governor,
        }).Result;

        Assert.Equal(new List<object?> { ErrorCodes.ScriptError, "Script 'beforeInsert' failed: validation in trigger failed (line 1, column 7)" }, result);
        Assert.Equal(2, _governor.Costs.Count);
    }

    [Fact]
    public void A_limit_hit_by_a_nested_script_ends_the_outer_script_too()
    {
        var governor = new ScriptGovernor(ScriptLimits.Default with { MaxStatements = 50_000 });
        var outerHost = new FakeScriptHost();
        outerHost.OnCall = _ => _runner.Run(new ScriptExecution
        {
            Script = Scripts.Source("while (true) {}", name: "runaway"),
            Kind = "trigger",
            Governor = governor,
        });

        var error = Assert.Throws<PaasException>(() => _runner.Run(new ScriptExecution
        {
            Script = Scripts.Source("try { db.create('contact', {}); } catch (e) { } return 'swallowed';", name: "outer"),
            Kind = "action",
            Host = outerHost,
            Governor = governor,
        }));

        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal(ScriptLimitNames.Statements, error.Limit);
        Assert.Contains("'runaway'", error.Message);
        Assert.Null(governor.Current);
    }
}
