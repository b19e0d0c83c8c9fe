using Paas.Data.Storage;

namespace Paas.Workflows.Runtime;

/// <summary>
/// Sees each step after its effects, its completion and its next step are written and before its transaction commits.
/// The platform registers none; tests register one to fail a step at exactly that moment, as a crash or a failing commit would.
/// </summary>
public interface IWorkflowStepObserver
{
    ValueTask BeforeCommitAsync(TenantSession session, Guid instanceId, string step, CancellationToken ct);
}
