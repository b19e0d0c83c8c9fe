using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Storage;

namespace Paas.Data.Workflows;

/// <summary>
/// Starts the workflows a record change triggers (RECORD_CREATED, RECORD_UPDATED), inside the change's own transaction:
/// the instance and its first step are written with the record, so a change that rolls back starts nothing, and one that
/// commits cannot lose its workflow (the queue is the outbox).
/// </summary>
public interface IWorkflowStarter
{
    Task OnCreatedAsync(TenantSession session, Caller caller, ObjectDefinition definition, IReadOnlyList<Guid> ids, CancellationToken ct);

    Task OnUpdatedAsync(TenantSession session, Caller caller, ObjectDefinition definition, Guid id, CancellationToken ct);
}
