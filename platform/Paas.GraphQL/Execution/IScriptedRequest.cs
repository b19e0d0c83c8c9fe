using Paas.Core.Scripting;

namespace Paas.GraphQL.Execution;

/// <summary>A request context whose resolvers may run tenant scripts: the handler reports their cost and keeps their log.</summary>
public interface IScriptedRequest
{
    /// <summary>What every script of the request cost, in the order they ran.</summary>
    IReadOnlyList<ScriptCost> ScriptCosts { get; }

    /// <summary>Stores the executions worth keeping, after the request's transactions have ended (committed or not).</summary>
    Task CompleteScriptsAsync(CancellationToken ct);
}

/// <summary>The shape of <c>extensions.scriptCost</c>.</summary>
public static class ScriptCostReport
{
    public static IReadOnlyList<Dictionary<string, object>> From(IReadOnlyList<ScriptCost> costs) =>
        costs.Select(c => new Dictionary<string, object>
        {
            ["script"] = c.Script,
            ["kind"] = c.Kind,
            ["timeMs"] = Math.Round(c.Time.TotalMilliseconds, 3),
            ["statements"] = c.Statements,
            ["queries"] = c.Queries,
            ["dmlStatements"] = c.DmlStatements,
            ["dmlRows"] = c.DmlRows,
        }).ToList();
}
