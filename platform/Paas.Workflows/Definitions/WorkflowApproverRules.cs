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

        if (step.Approval.EscalateAfterMinutes is not null && step.Approval.EscalateTo is null)
        {
            errors.Add(path + ".approval.escalateTo", "'escalateAfterMinutes' needs 'escalateTo': who gets the pending requests.");
        }
        else if (step.Approval.EscalateTo is { } escalateTo)
        {
            if (step.Approval.EscalateAfterMinutes is null)
            {
                errors.Add(path + ".approval.escalateAfterMinutes", "'escalateTo' needs 'escalateAfterMinutes': when the step escalates.");
            }

            if (escalateTo.Type == ApproverType.ManagerChain)
            {
                errors.Add(path + ".approval.escalateTo", "A step escalates to a user, a role, the submitter's manager or a queue, not a manager chain.");
            }

            CheckOne(security, escalateTo, path + ".approval.escalateTo", errors);
        }
    }

    /// <summary>A NOTIFY recipient is named like an approver.</summary>
    public static void CheckRecipient(SecurityModel security, ApproverSpec recipient, string path, FieldErrorList errors) => CheckOne(security, recipient, path, errors);

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
