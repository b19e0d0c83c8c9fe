using Paas.Core.Errors;
using Paas.Core.Scripting;

namespace Paas.Scripting.Tests;

public sealed class StatementCountTests
{
    private const string Code = "let s = 0;\nfor (let i = 0; i < 100; i++) { s += i; if (i % 10 === 0) { s++; } }\nreturn s;";

    [Fact]
    public void The_counted_statements_are_exactly_what_the_statement_limit_counts()
    {
        var runner = new JintScriptRunner();
        var counted = runner.Run(Scripts.Execution(Code)).Cost.Statements;
        Assert.InRange(counted, 200, 1_000);

        var atTheLimit = runner.Run(Scripts.Execution(Code, governor: Governor(counted)));
        Assert.Equal(counted, atTheLimit.Cost.Statements);
        Assert.Equal(4960.0, atTheLimit.Result);

        var error = Assert.Throws<PaasException>(() => runner.Run(Scripts.Execution(Code, governor: Governor(counted - 1))));
        Assert.Equal(ScriptLimitNames.Statements, error.Limit);
    }

    [Fact]
    public void Statements_are_reported_for_failed_executions_too()
    {
        var runner = new JintScriptRunner();
        var governor = new ScriptGovernor(ScriptLimits.Default with { MaxStatements = 1_000 });
        Assert.Throws<PaasException>(() => runner.Run(Scripts.Execution("while (true) {}", governor: governor)));
        var cost = Assert.Single(governor.Costs);
        Assert.InRange(cost.Statements, 1_000, 1_002);
    }

    private static ScriptGovernor Governor(long maxStatements) => new(ScriptLimits.Default with { MaxStatements = maxStatements });
}
