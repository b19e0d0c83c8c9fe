using Paas.Core.Errors;
using Paas.Core.Security;
using Paas.Core.Workflows;

namespace Paas.Workflows.Definitions;

/// <summary>The approvers of APPROVAL steps exist in the tenant: active users, roles and groups (queues).</summary>
internal static class WorkflowApproverRules
{
    public static void Check(SecurityModel security, WorkflowStep step, string path, FieldErrorList errors)
    {
        if (step.Approval is null)
        {
            errors.Add(path + ".approval", "An APPROVAL step needs approval settings: who approves, and how.");
            return;
        }

        var approvers = step.Approval.Approvers;
        for (var i = 0; i < approvers.Count; i++)
        {
            if (approvers[i] is { } approver)
            {
                CheckOne(security, approver, $"{path}.approval.approvers[{i}]", errors);
            }
        }
    }

    private static void CheckOne(SecurityModel security, ApproverSpec approver, string path, FieldErrorList errors)
    {
        switch (approver.Type)
        {
            case ApproverType.User when approver.User is { } id:
                var user = security.FindUser(id);
                if (user is null)
                {
                    errors.Add(path + ".user", $"There is no user with id {id}.");
                }
                else if (!user.IsActive)
                {
                    errors.Add(path + ".user", $"The user '{user.Name}' ({id}) is inactive and cannot approve.");
                }

                break;
            case ApproverType.Role when approver.Role is { } role && security.FindRole(role) is null:
                errors.Add(path + ".role", $"There is no role '{role}'.");
                break;
            case ApproverType.Queue when approver.Group is { } group && security.FindGroup(group) is null:
                errors.Add(path + ".group", $"There is no group '{group}'.");
                break;
        }
    }
}
