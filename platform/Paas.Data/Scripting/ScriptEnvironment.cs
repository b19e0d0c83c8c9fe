using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Tenancy;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>
/// Scripts within one transaction: the sandbox, the transaction's governor (every script and <c>db.*</c> call of the
/// transaction counts against the same limits), who the caller is, and the executions to log once the transaction is over.
/// A <see cref="TenantSession"/> that may write records carries one.
/// </summary>
public sealed class ScriptEnvironment(IScriptRunner runner, ScriptGovernor governor, Caller caller, TimeProvider time)
{
    private readonly List<ScriptRun> _runs = [];

    public IScriptRunner Runner => runner;
    public ScriptGovernor Governor => governor;
    public Caller Caller => caller;
    public TimeProvider Time => time;

    /// <summary>Executions worth keeping: those that logged or failed, and every action, scheduled run and test.</summary>
    public IReadOnlyList<ScriptRun> Runs => _runs;

    /// <summary>Runs a deployed script (or code derived from it, <paramref name="code"/>) with <c>db.*</c> bound to this session.</summary>
    public ScriptOutcome Run(TenantSession session, ScriptDefinition script, string kind, IReadOnlyDictionary<string, object?> context,
        CancellationToken ct, IReadOnlyList<string>? readBack = null, string? code = null, string cacheSuffix = "", bool alwaysLog = false)
    {
        var source = new ScriptSource(script.CacheKey(session.Tenant.Slug) + cacheSuffix, script.ApiName, code ?? script.Code,
            code is null ? ScriptDefinitionBuilder.ModeOf(script.Kind) : ScriptMode.Body);
        var host = new ScriptDataHost(session, this, script.RunAs, ct);
        var execution = new ScriptExecution
        {
            Script = source,
            Kind = kind,
            Context = context,
            ReadBack = readBack ?? [],
            Host = host,
            Governor = governor,
            CancellationToken = ct,
        };
        var started = time.GetUtcNow();
        var costsBefore = governor.Costs.Count;
        try
        {
            var outcome = runner.Run(execution);
            if (alwaysLog || outcome.Logs.Count > 0)
            {
                Record(script, kind, started, outcome.Cost, outcome.Logs, null);
            }

            return outcome;
        }
        catch (PaasException error)
        {
            var cost = governor.Costs.Skip(costsBefore).FirstOrDefault(c => c.Script == script.ApiName) ?? new ScriptCost(script.ApiName, kind);
            Record(script, kind, started, cost, host.Logs, error);
            throw;
        }
    }

    /// <summary>The user as scripts see it: <c>ctx.user</c>.</summary>
    public Dictionary<string, object?> User(TenantMetadata metadata)
    {
        var user = metadata.Security.FindUser(caller.UserId);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = caller.UserId.ToString(),
            ["name"] = user?.Name,
            ["email"] = user?.Email,
            ["role"] = user?.Role,
        };
    }

    private void Record(ScriptDefinition script, string kind, DateTimeOffset at, ScriptCost cost, IReadOnlyList<ScriptLogEntry> logs, PaasException? error)
    {
        lock (_runs)
        {
            _runs.Add(new ScriptRun
            {
                Script = script.ApiName,
                Version = script.Version,
                Kind = kind,
                At = at,
                UserId = caller.UserId,
                Duration = cost.Time,
                Statements = cost.Statements,
                Queries = cost.Queries,
                DmlRows = cost.DmlRows,
                ErrorCode = error?.Code,
                Error = error?.Message,
                Logs = logs,
            });
        }
    }
}
