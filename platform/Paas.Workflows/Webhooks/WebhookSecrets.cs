using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.Data.Metadata;
using Paas.Data.Storage;
using Paas.Data.Workflows;

namespace Paas.Workflows.Webhooks;

/// <summary>
/// The secret a workflow's webhooks are signed with (HMAC-SHA256). An administrator sets it and gives it to the receiver;
/// the platform never returns it, logs it or writes it to the audit log. It is kept in the tenant's storage as given (it
/// must be readable to sign with), so database backups need the same care as the database.
/// </summary>
public sealed class WebhookSecrets(MetadataService metadata, TimeProvider time)
{
    public const int MinLength = 24;
    public const int MaxLength = 256;

    /// <summary>Sets (or with null, removes) the secret of a saved workflow; true when one is now set.</summary>
    public Task<bool> SetAsync(Caller caller, string apiName, string? secret, CancellationToken ct) =>
        metadata.ChangeAsync(caller.Tenant, async change =>
        {
            var session = change.Session;
            var exists = session.Statement();
            exists.Append($"SELECT COUNT(*) FROM {session.Table(WorkflowStore.DefinitionsTable)} WHERE \"api_name\" = {exists.Parameter(null, apiName)}");
            if (Convert.ToInt64(await session.ScalarAsync(exists, ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw PaasException.Validation("apiName", $"There is no workflow '{apiName}'.");
            }

            if (secret is not null && (secret.Length is < MinLength or > MaxLength || secret.Any(char.IsWhiteSpace)))
            {
                throw PaasException.Validation("secret", $"A webhook secret is {MinLength} to {MaxLength} characters without spaces; use a random value, such as 32 random bytes in hex.");
            }

            var delete = session.Statement();
            delete.Append($"DELETE FROM {session.Table(WorkflowStore.WebhookSecretsTable)} WHERE \"workflow\" = {delete.Parameter(null, apiName)}");
            await session.ExecuteAsync(delete, ct);
            if (secret is null)
            {
                return false;
            }

            var insert = session.Statement();
            insert.Append($"INSERT INTO {session.Table(WorkflowStore.WebhookSecretsTable)} (\"workflow\", \"secret\", \"updated_at\") VALUES (" +
                          $"{insert.Parameter(null, apiName)}, {insert.Parameter(null, secret)}, {insert.Parameter(WorkflowStore.TimeColumn, time.GetUtcNow())})");
            await session.ExecuteAsync(insert, ct);
            return true;
        }, ct);

    /// <summary>The workflow's secret, for signing; null when none is set.</summary>
    internal static async Task<string?> FindAsync(TenantSession session, string apiName, CancellationToken ct)
    {
        var s = session.Statement();
        s.Append($"SELECT \"secret\" FROM {session.Table(WorkflowStore.WebhookSecretsTable)} WHERE \"workflow\" = {s.Parameter(null, apiName)}");
        return await session.ScalarAsync(s, ct) as string;
    }
}
