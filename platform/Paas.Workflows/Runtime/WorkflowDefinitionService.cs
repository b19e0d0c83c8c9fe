using System.Globalization;
using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.Core.Workflows;
using Paas.Data.Metadata;
using Paas.Data.Scheduling;
using Paas.Data.Storage;
using Paas.Data.Workflows;
using Paas.Workflows.Definitions;
using Paas.Workflows.Webhooks;

namespace Paas.Workflows.Runtime;

/// <summary>One stored version of a workflow definition.</summary>
public sealed record WorkflowVersion(string ApiName, int Version, string Status, WorkflowDefinition Definition, DateTimeOffset SavedAt, DateTimeOffset? PublishedAt);

public static class WorkflowVersionStatus
{
    public const string Draft = "DRAFT";
    public const string Published = "PUBLISHED";

    /// <summary>Published before; instances started on it finish on it.</summary>
    public const string Retired = "RETIRED";
}

/// <summary>
/// Workflow definitions in the metadata API: a save validates the document and keeps it as the workflow's draft (a new
/// version after a published one, else the draft is replaced); publishing makes a draft the version new instances start
/// on, and the previously published one retired — instances already running on it finish on it.
/// </summary>
public sealed class WorkflowDefinitionService(MetadataService metadata, WorkflowValidator validator, TimeProvider time)
{
    public Task<WorkflowVersion> SaveDraftAsync(Caller caller, string json, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var definition = validator.Validate(json, change.Before);
            var versions = await VersionsAsync(change.Session, definition.ApiName, ct);
            var latest = versions.FirstOrDefault();
            var version = latest is { Status: WorkflowVersionStatus.Draft } ? latest.Version : (latest?.Version ?? 0) + 1;
            var saved = new WorkflowVersion(definition.ApiName, version, WorkflowVersionStatus.Draft, definition, time.GetUtcNow(), null);
            await WriteAsync(change.Session, saved, caller.UserId, replace: latest is { Status: WorkflowVersionStatus.Draft }, ct);
            return saved;
        }, ct);

    public Task<WorkflowVersion> PublishAsync(Caller caller, string apiName, int? version, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var versions = await VersionsAsync(change.Session, apiName, ct);
            var chosen = (version is null ? versions.FirstOrDefault(v => v.Status == WorkflowVersionStatus.Draft) : versions.FirstOrDefault(v => v.Version == version))
                ?? throw PaasException.Validation("apiName", version is null ? $"'{apiName}' has no draft to publish." : $"'{apiName}' has no version {version}.");
            if (chosen.Status == WorkflowVersionStatus.Published)
            {
                return chosen;
            }

            // The metadata may have changed since the draft was saved: it is checked again.
            validator.Validate(WorkflowDefinitionJson.Serialize(chosen.Definition), change.Before);
            await RequireWebhookSecretAsync(change.Session, chosen.Definition, ct);
            var s = change.Session.Statement();
            s.Append($"UPDATE {change.Session.Table(WorkflowStore.DefinitionsTable)} SET \"status\" = 'RETIRED' WHERE \"api_name\" = {s.Parameter(null, apiName)} AND \"status\" = 'PUBLISHED'");
            await change.Session.ExecuteAsync(s, ct);
            var published = chosen with { Status = WorkflowVersionStatus.Published, PublishedAt = time.GetUtcNow() };
            var u = change.Session.Statement();
            u.Append($"UPDATE {change.Session.Table(WorkflowStore.DefinitionsTable)} SET \"status\" = 'PUBLISHED', \"published_at\" = {u.Parameter(WorkflowStore.TimeColumn, published.PublishedAt)} " +
                     $"WHERE \"api_name\" = {u.Parameter(null, apiName)} AND \"version\" = {u.Parameter(null, chosen.Version)}");
            await change.Session.ExecuteAsync(u, ct);
            await WorkflowScheduleRows.SetAsync(change.Session, apiName, published.Version, NextOccurrence(published.Definition.Trigger, published.PublishedAt.Value), ct);
            change.SaveWorkflow(new PublishedWorkflow(published.Definition, published.Version));
            return published;
        }, ct);

    /// <summary>A workflow that calls webhooks is published only once their signing secret is set (unsigned calls are never sent).</summary>
    private static async Task RequireWebhookSecretAsync(TenantSession session, WorkflowDefinition definition, CancellationToken ct)
    {
        var webhooks = definition.Steps.Select((step, i) => (step, i)).Where(s => s.step.Notify?.Webhook is not null).ToList();
        if (webhooks.Count > 0 && await WebhookSecrets.FindAsync(session, definition.ApiName, ct) is null)
        {
            throw PaasException.Validation(webhooks.Select(s => new FieldError($"definition.steps[{s.i}].notify.webhook",
                $"Set the webhook secret of '{definition.ApiName}' (setWorkflowWebhookSecret) before publishing a workflow that calls a webhook.")).ToList());
        }
    }

    /// <summary>When a SCHEDULE trigger fires first after <paramref name="after"/>; null for other triggers.</summary>
    private static DateTimeOffset? NextOccurrence(WorkflowTrigger trigger, DateTimeOffset after) =>
        trigger is { Type: WorkflowTriggerType.Schedule, Cron: { } cron } && CronSchedule.Zone(trigger.TimeZone) is { } zone ? CronSchedule.Next(cron, after, zone) : null;

    /// <summary>Every version of every workflow, or of one, newest first.</summary>
    public async Task<IReadOnlyList<WorkflowVersion>> ListAsync(TenantInfo tenant, string? apiName, CancellationToken ct)
    {
        var snapshot = await metadata.GetAsync(tenant, ct);
        await using var session = new TenantSession(tenant, await metadata.Connector.OpenAsync(tenant, ct), metadata.Connector.Dialect, snapshot);
        return await VersionsAsync(session, apiName, ct);
    }

    private static async Task<List<WorkflowVersion>> VersionsAsync(TenantSession session, string? apiName, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        var where = apiName is null ? "" : $" WHERE \"api_name\" = {s.Parameter(null, apiName)}";
        s.Append($"SELECT \"api_name\", \"version\", \"status\", \"definition\", \"saved_at\", \"published_at\" FROM {session.Table(WorkflowStore.DefinitionsTable)}{where} " +
                 "ORDER BY \"api_name\", \"version\" DESC");
        var versions = new List<WorkflowVersion>();
        await using var command = session.Command(s);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(new WorkflowVersion(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2),
                WorkflowDefinitionJson.Deserialize(reader.GetString(3)), (DateTimeOffset)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(4))!,
                (DateTimeOffset?)d.FromDb(WorkflowStore.TimeColumn, reader.GetValue(5))));
        }

        return versions;
    }

    private static async Task WriteAsync(TenantSession session, WorkflowVersion version, Guid user, bool replace, CancellationToken ct)
    {
        var s = session.Statement();
        var json = s.Parameter(null, WorkflowDefinitionJson.Serialize(version.Definition));
        var at = s.Parameter(WorkflowStore.TimeColumn, version.SavedAt);
        var by = s.Parameter(WorkflowStore.IdColumn, user);
        var name = s.Parameter(null, version.ApiName);
        var number = s.Parameter(null, version.Version);
        s.Append(replace
            ? $"UPDATE {session.Table(WorkflowStore.DefinitionsTable)} SET \"definition\" = {json}, \"saved_at\" = {at}, \"saved_by\" = {by} WHERE \"api_name\" = {name} AND \"version\" = {number}"
            : $"INSERT INTO {session.Table(WorkflowStore.DefinitionsTable)} (\"api_name\", \"version\", \"status\", \"definition\", \"saved_at\", \"saved_by\", \"published_at\") " +
              $"VALUES ({name}, {number}, 'DRAFT', {json}, {at}, {by}, NULL)");
        await session.ExecuteAsync(s, ct);
    }
}
