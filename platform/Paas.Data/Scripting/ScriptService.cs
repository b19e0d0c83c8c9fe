using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Scripting;
using Paas.Core.Tenancy;
using ErrorCodes = Paas.Core.Errors.ErrorCodes;
using Paas.Data.Metadata;
using Paas.Data.Storage;

namespace Paas.Data.Scripting;

/// <summary>
/// Deploys, enables, disables and deletes scripts as metadata changes (validated, versioned, audited, visible on the next
/// request), and answers the admin's questions about them: versions and recent executions.
/// </summary>
public sealed class ScriptService(MetadataService metadata, IScriptRunner runner, IDatabaseConnector connector, TimeProvider time)
{
    public IScriptRunner Runner => runner;

    /// <summary>Creates a script, or deploys a new version of an existing one (settings not given are kept).</summary>
    public Task<ScriptDefinition> DeployAsync(Caller caller, ScriptInput input, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var existing = input.ApiName is null ? null : change.Scripts.FirstOrDefault(s => s.ApiName == input.ApiName);
            var built = ScriptDefinitionBuilder.Build(change.Before, existing, input, runner, caller.UserId, time.GetUtcNow());
            var version = Math.Max(existing?.Version ?? 0, await ScriptStore.LatestVersionAsync(change.Session, built.ApiName, ct)) + 1;
            var script = built with { Version = version };
            await ScriptStore.SaveAsync(change.Session, script, newVersion: true, ct);
            await ScheduleAsync(change.Session, script, ct);
            change.SaveScript(script);
            return script;
        }, ct);

    /// <summary>Turns a script on or off without a new version.</summary>
    public Task<ScriptDefinition> SetActiveAsync(Caller caller, string apiName, bool active, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var script = Require(change, apiName) with { Active = active };
            await ScriptStore.SaveAsync(change.Session, script, newVersion: false, ct);
            await ScheduleAsync(change.Session, script, ct);
            change.SaveScript(script);
            return script;
        }, ct);

    /// <summary>Makes an earlier version current again, as a new version with that version's code and settings.</summary>
    public Task<ScriptDefinition> RestoreVersionAsync(Caller caller, string apiName, int version, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var current = Require(change, apiName);
            var old = (await ScriptStore.VersionsAsync(change.Session, apiName, ct)).FirstOrDefault(v => v.Version == version)
                ?? throw PaasException.Validation("version", $"'{apiName}' has no version {version}.");
            var input = new ScriptInput
            {
                ApiName = apiName, Object = old.Object, Description = old.Description, Code = old.Code, Active = current.Active, RunAs = old.RunAs,
                Order = old.Order, Timing = old.Timing, Events = old.Events, ErrorField = old.ErrorField, ErrorMessage = old.ErrorMessage,
                OnRecord = old.OnRecord, Input = old.Input, Output = old.Output, Cron = old.Cron,
            };
            var built = ScriptDefinitionBuilder.Build(change.Before, current, input, runner, caller.UserId, time.GetUtcNow());
            var script = built with { Version = Math.Max(current.Version, await ScriptStore.LatestVersionAsync(change.Session, apiName, ct)) + 1 };
            await ScriptStore.SaveAsync(change.Session, script, newVersion: true, ct);
            await ScheduleAsync(change.Session, script, ct);
            change.SaveScript(script);
            return script;
        }, ct);

    public Task<bool> DeleteAsync(Caller caller, string apiName, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            Require(change, apiName);
            await ScriptStore.DeleteAsync(change.Session, apiName, ct);
            change.RemoveScript(apiName);
            return true;
        }, ct);

    /// <summary>
    /// Runs a deployed script (or, with <paramref name="code"/>, a draft of it that is not deployed) with the context the
    /// admin gives, as the admin, inside a transaction that is always rolled back: nothing it writes stays.
    /// </summary>
    public async Task<ScriptTestResult> TestAsync(Caller caller, string apiName, IReadOnlyDictionary<string, object?> context, string? code,
        RequestLimits limits, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(caller.Tenant, ct);
        var script = snapshot.FindScript(apiName) ?? throw PaasException.Validation("apiName", $"There is no script '{apiName}'.");
        if (code is not null)
        {
            if (code.Length > ScriptDefinitionBuilder.MaxCodeLength || code.Contains('\0', StringComparison.Ordinal))
            {
                throw PaasException.Validation("code", $"A script may be at most {ScriptDefinitionBuilder.MaxCodeLength} characters, without NUL characters.");
            }

            if (runner.Check(code, ScriptDefinitionBuilder.ModeOf(script.Kind)) is { } syntax)
            {
                throw PaasException.Validation("code", $"Line {syntax.Line}, column {syntax.Column}: {syntax.Message}");
            }

            // A draft gets its own cache entry, so the deployed version's prepared code is not replaced.
            script = script with { Code = code, UpdatedAt = time.GetUtcNow() };
        }

        var environment = new ScriptEnvironment(runner, new ScriptGovernor(limits.Scripts, script.Kind is ScriptKind.Action or ScriptKind.Scheduled), caller, time);
        await using var session = await OpenAsync(caller.Tenant, ct);
        session.Access = caller.Access;
        session.Scripts = environment;
        await session.BeginAsync(ct);
        ScriptTestResult result;
        try
        {
            var plain = context.ToDictionary(kv => kv.Key, kv => ScriptValues.ToPlainValue(kv.Value), StringComparer.Ordinal);
            plain.TryAdd("user", environment.User(snapshot));
            var outcome = environment.Run(session, script, "test", plain, ct, alwaysLog: true,
                code: script.Kind == ScriptKind.ValidationRule ? RuleTest(script.Code) : null, cacheSuffix: code is null ? "" : "/draft");
            result = new ScriptTestResult(outcome.Result, outcome.Errors, outcome.Logs, environment.Governor.Costs, null, null);
        }
        catch (PaasException error) when (error.Code is ErrorCodes.ScriptError or ErrorCodes.LimitExceeded or ErrorCodes.ValidationFailed
                                              or ErrorCodes.Forbidden or ErrorCodes.NotFound or ErrorCodes.Conflict)
        {
            var logs = environment.Runs.LastOrDefault()?.Logs ?? [];
            result = new ScriptTestResult(null, [], logs, environment.Governor.Costs, error.Code, error.Message);
        }

        // The transaction is never committed: disposing the session rolls it back.
        await session.DisposeAsync();
        await WriteRunsAsync(caller.Tenant, environment.Runs, ct);
        return result;
    }

    /// <summary>A validation rule tested on its own sees <c>record</c>, <c>old</c> and <c>user</c> as it does in a write.</summary>
    private static string RuleTest(string expression) =>
        "const record = ctx.record ?? (ctx.records ? ctx.records[0] : null); const old = ctx.old ? (Array.isArray(ctx.old) ? ctx.old[0] : ctx.old) : null; " +
        "const user = ctx.user;\nreturn (\n" + expression + "\n);";

    public async Task<IReadOnlyList<ScriptDefinition>> VersionsAsync(TenantInfo tenant, string apiName, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        return await ScriptStore.VersionsAsync(session, apiName, ct);
    }

    public async Task<IReadOnlyList<ScriptRun>> RunsAsync(TenantInfo tenant, string? apiName, int first, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        return await ScriptStore.RunsAsync(session, apiName, first, ct);
    }

    /// <summary>Stores executions in their own transaction, so that the log of a failed, rolled-back request survives.</summary>
    public async Task WriteRunsAsync(TenantInfo tenant, IReadOnlyList<ScriptRun> runs, CancellationToken ct)
    {
        if (runs.Count == 0)
        {
            return;
        }

        await using var session = await OpenAsync(tenant, ct);
        await session.BeginAsync(ct);
        await ScriptStore.WriteRunsAsync(session, runs, ct);
        await session.CommitAsync(ct);
    }

    public async Task<int> PurgeRunsAsync(TenantInfo tenant, DateTimeOffset before, CancellationToken ct)
    {
        await using var session = await OpenAsync(tenant, ct);
        return await ScriptStore.PurgeRunsAsync(session, before, ct);
    }

    private async Task<TenantSession> OpenAsync(TenantInfo tenant, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(tenant, ct);
        var connection = await connector.OpenAsync(tenant, ct);
        return new TenantSession(tenant, connection, connector.Dialect, snapshot);
    }

    private async Task ScheduleAsync(TenantSession session, ScriptDefinition script, CancellationToken ct)
    {
        if (script.Kind != ScriptKind.Scheduled)
        {
            return;
        }

        var next = script.Active && script.Cron is not null ? ScriptDefinitionBuilder.NextOccurrence(script.Cron, time.GetUtcNow()) : null;
        await ScriptSchedule.SetAsync(session, script.ApiName, next, ct);
    }

    private static ScriptDefinition Require(MetadataChange change, string apiName) =>
        change.Scripts.FirstOrDefault(s => s.ApiName == apiName) ?? throw PaasException.Validation("apiName", $"There is no script '{apiName}'.");
}

/// <summary>What a test run produced: the result, reported errors and logs, the cost, or the error that ended it.</summary>
public sealed record ScriptTestResult(object? Result, IReadOnlyList<ScriptFieldError> Errors, IReadOnlyList<ScriptLogEntry> Logs,
    IReadOnlyList<ScriptCost> Costs, string? ErrorCode, string? ErrorMessage);
