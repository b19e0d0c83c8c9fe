using System.Globalization;
using Paas.Core.Metadata;
using Paas.Core.Workflows;
using Paas.Data.Security;
using Paas.Data.Storage;

namespace Paas.Data.Workflows;

/// <summary>
/// Workflow state in the tenant's storage: definitions (every version), instances, the queue of steps to run, and the
/// approval requests. Everything a running instance needs is here, so a restart loses nothing; a step's effects, its
/// completion and the next step are written in one transaction, so each step happens once.
/// </summary>
public static class WorkflowStore
{
    public const string DefinitionsTable = "_paas_wf_definitions";
    public const string InstancesTable = "_paas_wf_instances";
    public const string WorkTable = "_paas_wf_work";
    public const string ApprovalsTable = "_paas_wf_approvals";
    public const string DelegationsTable = "_paas_wf_delegations";
    public const string SchedulesTable = "_paas_wf_schedules";
    public const string WebhookSecretsTable = "_paas_wf_webhook_secrets";
    public const string DeliveriesTable = "_paas_wf_deliveries";

    public static readonly FieldDefinition IdColumn = SecurityStore.IdColumn;
    public static readonly FieldDefinition TimeColumn = SecurityStore.TimeColumn;

    public static async Task CreateTablesAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var id = d.ColumnType(IdColumn);
        var time = d.ColumnType(TimeColumn);
        string[] statements =
        [
            $"CREATE TABLE IF NOT EXISTS {session.Table(DefinitionsTable)} ({d.Quote("api_name")} varchar(80) NOT NULL, {d.Quote("version")} integer NOT NULL, " +
            $"{d.Quote("status")} varchar(20) NOT NULL, {d.Quote("definition")} text NOT NULL, {d.Quote("saved_at")} {time} NOT NULL, {d.Quote("saved_by")} {id} NULL, " +
            $"{d.Quote("published_at")} {time} NULL, PRIMARY KEY ({d.Quote("api_name")}, {d.Quote("version")}))",
            $"CREATE TABLE IF NOT EXISTS {session.Table(InstancesTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("workflow")} varchar(80) NOT NULL, " +
            $"{d.Quote("version")} integer NOT NULL, {d.Quote("object_name")} varchar(80) NOT NULL, {d.Quote("record_id")} {id} NOT NULL, " +
            $"{d.Quote("status")} varchar(20) NOT NULL, {d.Quote("current_step")} varchar(80) NULL, {d.Quote("result")} varchar(80) NULL, " +
            $"{d.Quote("locked")} integer NOT NULL, {d.Quote("submitted_by")} {id} NOT NULL, {d.Quote("started_at")} {time} NOT NULL, {d.Quote("ended_at")} {time} NULL, " +
            $"{d.Quote("error")} text NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_wf_instances_record")} ON {session.Table(InstancesTable)} ({d.Quote("record_id")}, {d.Quote("status")})",
            $"CREATE TABLE IF NOT EXISTS {session.Table(WorkTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("instance_id")} {id} NOT NULL, " +
            $"{d.Quote("seq")} integer NOT NULL, {d.Quote("step")} varchar(80) NOT NULL, {d.Quote("due_at")} {time} NOT NULL, {d.Quote("attempts")} integer NOT NULL, " +
            $"{d.Quote("done_at")} {time} NULL, {d.Quote("error")} text NULL, UNIQUE ({d.Quote("instance_id")}, {d.Quote("seq")}))",
            // Pending work only: the worker's scan stays as small as the queue, however many instances have finished.
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_wf_work_due")} ON {session.Table(WorkTable)} ({d.Quote("due_at")}) WHERE {d.Quote("done_at")} IS NULL",
            $"CREATE TABLE IF NOT EXISTS {session.Table(ApprovalsTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("instance_id")} {id} NOT NULL, " +
            $"{d.Quote("step")} varchar(80) NOT NULL, {d.Quote("level")} integer NOT NULL, {d.Quote("approver")} {id} NOT NULL, {d.Quote("status")} varchar(20) NOT NULL, " +
            $"{d.Quote("comment")} text NULL, {d.Quote("created_at")} {time} NOT NULL, {d.Quote("acted_at")} {time} NULL, {d.Quote("acted_by")} {id} NULL, " +
            $"{d.Quote("reassigned_from")} {id} NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_wf_approvals_approver")} ON {session.Table(ApprovalsTable)} ({d.Quote("approver")}, {d.Quote("status")})",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_wf_approvals_instance")} ON {session.Table(ApprovalsTable)} ({d.Quote("instance_id")})",
            $"CREATE TABLE IF NOT EXISTS {session.Table(DelegationsTable)} ({d.Quote("user_id")} {id} PRIMARY KEY, {d.Quote("delegate_id")} {id} NOT NULL, " +
            $"{d.Quote("starts_at")} {time} NOT NULL, {d.Quote("ends_at")} {time} NOT NULL)",
            // The next occurrence of each published SCHEDULE workflow; claiming one moves it forward (compare-and-set).
            $"CREATE TABLE IF NOT EXISTS {session.Table(SchedulesTable)} ({d.Quote("workflow")} varchar(80) PRIMARY KEY, {d.Quote("version")} integer NOT NULL, " +
            $"{d.Quote("next_run_at")} {time} NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {session.Table(WebhookSecretsTable)} ({d.Quote("workflow")} varchar(80) PRIMARY KEY, {d.Quote("secret")} text NOT NULL, " +
            $"{d.Quote("updated_at")} {time} NOT NULL)",
            // Outbound webhooks queued by NOTIFY steps in the step's transaction and sent after the commit; one per step run.
            $"CREATE TABLE IF NOT EXISTS {session.Table(DeliveriesTable)} ({d.Quote("id")} {id} PRIMARY KEY, {d.Quote("work_id")} {id} NOT NULL UNIQUE, " +
            $"{d.Quote("instance_id")} {id} NOT NULL, {d.Quote("workflow")} varchar(80) NOT NULL, {d.Quote("step")} varchar(80) NOT NULL, {d.Quote("url")} text NOT NULL, " +
            $"{d.Quote("payload")} text NOT NULL, {d.Quote("attempts")} integer NOT NULL, {d.Quote("due_at")} {time} NOT NULL, {d.Quote("created_at")} {time} NOT NULL, " +
            $"{d.Quote("delivered_at")} {time} NULL, {d.Quote("failed_at")} {time} NULL, {d.Quote("status_code")} integer NULL, {d.Quote("last_error")} text NULL)",
            $"CREATE INDEX IF NOT EXISTS {d.Quote("ix_paas_wf_deliveries_due")} ON {session.Table(DeliveriesTable)} ({d.Quote("due_at")}) " +
            $"WHERE {d.Quote("delivered_at")} IS NULL AND {d.Quote("failed_at")} IS NULL",
        ];
        foreach (var sql in statements)
        {
            await session.ExecuteAsync(session.Statement().Append(sql), ct);
        }
    }

    /// <summary>The published version of each workflow (what new instances start on), for the metadata snapshot.</summary>
    public static async Task<IReadOnlyList<PublishedWorkflow>> LoadPublishedAsync(TenantSession session, CancellationToken ct)
    {
        var d = session.Dialect;
        var published = new List<PublishedWorkflow>();
        await using var command = session.Command(session.Statement().Append(
            $"SELECT {d.Quote("version")}, {d.Quote("definition")} FROM {session.Table(DefinitionsTable)} WHERE {d.Quote("status")} = 'PUBLISHED' ORDER BY {d.Quote("api_name")}"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            published.Add(new PublishedWorkflow(WorkflowDefinitionJson.Deserialize(reader.GetString(1)), Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)));
        }

        return published;
    }

    /// <summary>Who answers for <paramref name="user"/> at <paramref name="at"/> (an out-of-office delegation), or null.</summary>
    public static async Task<Guid?> DelegateOfAsync(TenantSession session, Guid user, DateTimeOffset at, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        var when = s.Parameter(TimeColumn, at);
        s.Append($"SELECT {d.Quote("delegate_id")} FROM {session.Table(DelegationsTable)} WHERE {d.Quote("user_id")} = {s.Parameter(IdColumn, user)} " +
                 $"AND {d.Quote("starts_at")} <= {when} AND {d.Quote("ends_at")} > {when}");
        return (Guid?)d.FromDb(IdColumn, await session.ScalarAsync(s, ct));
    }

    /// <summary>Sets (or with a null delegate, clears) a user's out-of-office delegation.</summary>
    public static async Task SetDelegateAsync(TenantSession session, Guid user, Guid? delegateId, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken ct)
    {
        var d = session.Dialect;
        var delete = session.Statement();
        delete.Append($"DELETE FROM {session.Table(DelegationsTable)} WHERE {d.Quote("user_id")} = {delete.Parameter(IdColumn, user)}");
        await session.ExecuteAsync(delete, ct);
        if (delegateId is null)
        {
            return;
        }

        var insert = session.Statement();
        insert.Append($"INSERT INTO {session.Table(DelegationsTable)} ({d.Quote("user_id")}, {d.Quote("delegate_id")}, {d.Quote("starts_at")}, {d.Quote("ends_at")}) VALUES (" +
                      $"{insert.Parameter(IdColumn, user)}, {insert.Parameter(IdColumn, delegateId.Value)}, {insert.Parameter(TimeColumn, startsAt)}, {insert.Parameter(TimeColumn, endsAt)})");
        await session.ExecuteAsync(insert, ct);
    }

    /// <summary>
    /// The lock an approval puts on its record: null when the record may be changed by <paramref name="user"/>, else the
    /// workflow that holds it. Its pending approvers may still change it.
    /// </summary>
    public static async Task<string?> LockHolderAsync(TenantSession session, string objectName, Guid recordId, Guid user, CancellationToken ct)
    {
        var d = session.Dialect;
        var s = session.Statement();
        var record = s.Parameter(IdColumn, recordId);
        var approver = s.Parameter(IdColumn, user);
        s.Append($"SELECT i.{d.Quote("workflow")} FROM {session.Table(InstancesTable)} i WHERE i.{d.Quote("record_id")} = {record} " +
                 $"AND i.{d.Quote("object_name")} = {s.Parameter(null, objectName)} AND i.{d.Quote("locked")} = 1 " +
                 $"AND NOT EXISTS (SELECT 1 FROM {session.Table(ApprovalsTable)} a WHERE a.{d.Quote("instance_id")} = i.{d.Quote("id")} " +
                 $"AND a.{d.Quote("approver")} = {approver} AND a.{d.Quote("status")} = 'PENDING') LIMIT 1");
        return await session.ScalarAsync(s, ct) as string;
    }
}
