using Microsoft.Extensions.Logging;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Security;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>
/// Runs a tenant's scheduled scripts whose time has come. A run is claimed before it starts (its next time is set with a
/// compare-and-set), so with several server nodes each run happens once; a run missed while no server was up happens
/// once when one is, not once per missed occurrence. A scheduled script runs as the user who last deployed it, in its own
/// transaction with the action CPU budget.
/// </summary>
public sealed class ScriptScheduler(MetadataService metadata, ScriptService scripts, IDatabaseConnector connector, TimeProvider time, ILogger<ScriptScheduler> logger,
    RequestLimits? defaultLimits = null)
{
    /// <summary>Runs what is due in one tenant; returns how many scripts ran.</summary>
    public Task<int> RunDueAsync(TenantInfo tenant, CancellationToken ct) => RunDueAsync(tenant, time.GetUtcNow(), ct);

    /// <summary>Runs what is due at <paramref name="now"/> (tests and catch-up use an explicit time).</summary>
    public async Task<int> RunDueAsync(TenantInfo tenant, DateTimeOffset now, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(tenant, ct);
        if (!snapshot.Scripts.Any(s => s.Kind == ScriptKind.Scheduled))
        {
            return 0;
        }

        IReadOnlyList<(string ApiName, DateTimeOffset Due)> due;
        await using (var session = await OpenAsync(tenant, snapshot, ct))
        {
            due = await ScriptSchedule.DueAsync(session, now, ct);
        }

        var ran = 0;
        foreach (var (apiName, dueAt) in due)
        {
            var script = snapshot.FindScript(apiName);
            var next = script is { Active: true, Cron: not null } ? ScriptDefinitionBuilder.NextOccurrence(script.Cron, now) : null;
            await using (var claim = await OpenAsync(tenant, snapshot, ct))
            {
                if (!await ScriptSchedule.ClaimAsync(claim, apiName, dueAt, next, ct) || script is not { Active: true })
                {
                    continue;
                }
            }

            await RunAsync(tenant, snapshot, script, dueAt, ct);
            ran++;
        }

        return ran;
    }

    private async Task RunAsync(TenantInfo tenant, TenantMetadata snapshot, ScriptDefinition script, DateTimeOffset dueAt, CancellationToken ct)
    {
        var userId = script.UpdatedBy ?? Guid.Empty;
        var access = AccessContext.Cached(snapshot, userId);
        var caller = new Caller(tenant, userId, "scheduler") { Access = access };
        var environment = new ScriptEnvironment(scripts.Runner, new ScriptGovernor((tenant.Limits ?? defaultLimits ?? new RequestLimits()).Scripts, asynchronous: true), caller, time);
        try
        {
            if (access is null)
            {
                throw new PaasException(ErrorCodes.ScriptError, $"Scheduled script '{script.ApiName}' runs as the user who deployed it, who is no longer active; deploy it again.");
            }

            await using var session = await OpenAsync(tenant, snapshot, ct);
            session.Access = access;
            session.Scripts = environment;
            await session.BeginAsync(ct);
            var context = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["scheduledAt"] = dueAt,
                ["user"] = environment.User(snapshot),
            };
            environment.Run(session, script, "scheduled", context, ct, alwaysLog: true);
            await session.CommitAsync(ct);
        }
        catch (PaasException error)
        {
            if (environment.Runs.Count == 0)
            {
                await scripts.WriteRunsAsync(tenant, [new ScriptRun { Script = script.ApiName, Version = script.Version, Kind = "scheduled", At = time.GetUtcNow(), UserId = userId, ErrorCode = error.Code, Error = error.Message }], ct);
                return;
            }

            logger.LogInformation("Scheduled script {Script} of tenant {Tenant} failed with {Code}.", script.ApiName, tenant.Slug, error.Code);
        }

        await scripts.WriteRunsAsync(tenant, environment.Runs, ct);
    }

    private async Task<TenantSession> OpenAsync(TenantInfo tenant, TenantMetadata snapshot, CancellationToken ct) =>
        new(tenant, await connector.OpenAsync(tenant, ct), connector.Dialect, snapshot);
}
