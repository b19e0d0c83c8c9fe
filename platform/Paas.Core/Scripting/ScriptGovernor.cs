using Paas.Core.Errors;

namespace Paas.Core.Scripting;

/// <summary>
/// The budget of one transaction (a request's mutation, an action, a scheduled run): every script and every
/// <c>db.*</c> call in it counts here, and passing a limit throws <c>LIMIT_EXCEEDED</c> naming it, which rolls the
/// whole transaction back. Also collects each execution's <see cref="ScriptCost"/> for the response. Not thread-safe:
/// one transaction runs on one logical flow.
/// </summary>
public sealed class ScriptGovernor(ScriptLimits limits, bool asynchronous = false)
{
    private readonly List<ScriptCost> _costs = [];
    private readonly Stack<ScriptCost> _running = new();
    private int _queries;
    private int _dmlStatements;
    private int _dmlRows;
    private int _triggerDepth;

    public ScriptLimits Limits { get; } = limits;

    /// <summary>The CPU time all scripts of this transaction may use together.</summary>
    public TimeSpan CpuBudget => asynchronous ? Limits.AsyncCpuTime : Limits.SyncCpuTime;

    public TimeSpan CpuUsed { get; private set; }

    public TimeSpan CpuRemaining => CpuBudget - CpuUsed;

    public IReadOnlyList<ScriptCost> Costs => _costs;

    /// <summary>The execution that <c>db.*</c> calls are counted against now, if any.</summary>
    public ScriptCost? Current => _running.Count > 0 ? _running.Peek() : null;

    /// <summary>Starts counting an execution; nested executions (a trigger fired by a script's db.create) stack.</summary>
    public ScriptCost Begin(string script, string kind)
    {
        if (CpuRemaining <= TimeSpan.Zero)
        {
            throw CpuExceeded();
        }

        var cost = new ScriptCost(script, kind);
        _costs.Add(cost);
        _running.Push(cost);
        return cost;
    }

    /// <summary>Ends an execution, adding its own time (not its nested executions') to the transaction's CPU time.</summary>
    public void End(ScriptCost cost, TimeSpan elapsed)
    {
        if (_running.Count == 0 || !ReferenceEquals(_running.Peek(), cost))
        {
            throw new InvalidOperationException("Script executions must end in the order they began.");
        }

        _running.Pop();
        cost.Time += elapsed;
        CpuUsed += elapsed;
        if (_running.Count > 0)
        {
            // The outer script's stopwatch also ran during the nested one; the outer's End subtracts nothing, so
            // nested time is counted once here and removed from the parent's own share.
            _running.Peek().Time -= elapsed;
            CpuUsed -= elapsed;
        }
    }

    public PaasException CpuExceeded() => PaasException.LimitExceeded(ScriptLimitNames.CpuTime,
        $"Scripts used more than their CPU time of {CpuBudget.TotalMilliseconds:0} ms in this transaction.");

    public void CountQuery()
    {
        if (++_queries > Limits.MaxQueries)
        {
            throw PaasException.LimitExceeded(ScriptLimitNames.Queries, $"Scripts ran more than {Limits.MaxQueries} queries in this transaction.");
        }

        if (Current is { } cost)
        {
            cost.Queries++;
        }
    }

    public void CountDml(int rows)
    {
        if (++_dmlStatements > Limits.MaxDmlStatements)
        {
            throw PaasException.LimitExceeded(ScriptLimitNames.DmlStatements, $"Scripts ran more than {Limits.MaxDmlStatements} DML statements in this transaction.");
        }

        _dmlRows += rows;
        if (_dmlRows > Limits.MaxDmlRows)
        {
            throw PaasException.LimitExceeded(ScriptLimitNames.DmlRows, $"Scripts wrote more than {Limits.MaxDmlRows} rows in this transaction.");
        }

        if (Current is { } cost)
        {
            cost.DmlStatements++;
            cost.DmlRows += rows;
        }
    }

    /// <summary>Enters a level of triggers; dispose the result to leave it.</summary>
    public TriggerLevel EnterTrigger()
    {
        if (++_triggerDepth > Limits.MaxTriggerDepth)
        {
            _triggerDepth--;
            throw PaasException.LimitExceeded(ScriptLimitNames.TriggerDepth,
                $"Triggers fired more than {Limits.MaxTriggerDepth} levels deep (a trigger that keeps changing records that fire it again?).");
        }

        return new TriggerLevel(this);
    }

    /// <summary>A level entered with <see cref="EnterTrigger"/>; the default value is no level at all.</summary>
    public readonly struct TriggerLevel(ScriptGovernor? governor) : IDisposable
    {
        public void Dispose()
        {
            if (governor is not null)
            {
                governor._triggerDepth--;
            }
        }
    }
}
