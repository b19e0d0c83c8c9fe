using GraphQL;
using GraphQL.Types;
using Paas.Core.Errors;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Types;
using Paas.Workflows.Runtime;

namespace Paas.GraphQL.Data;

/// <summary>
/// Approvals in the data API: <c>submitForApproval</c>, <c>approve</c>, <c>reject</c>, <c>recall</c>, <c>reassign</c>,
/// the caller's inbox <c>myApprovals</c> and a record's <c>approvalHistory</c>. Each mutation is one transaction; the
/// steps that follow run in the workflow worker.
/// </summary>
public static class ApprovalSchema
{
    public static void AddTo(ObjectGraphType query, ObjectGraphType mutation, SharedTypes shared)
    {
        var str = shared.String;
        var nonNullStr = new NonNullGraphType(str);
        var id = new NonNullGraphType(shared.Id);
        var request = new ObjectGraphType { Name = "ApprovalRequest", Description = "One approver's request at an approval step." };
        var instance = new ObjectGraphType { Name = "ApprovalInstance", Description = "A run of an approval process on one record." };

        SharedTypes.AddField(instance, "id", id, i => ((WorkflowInstance)i!).Id);
        SharedTypes.AddField(instance, "process", nonNullStr, i => ((WorkflowInstance)i!).Workflow);
        SharedTypes.AddField(instance, "version", new NonNullGraphType(shared.Int), i => ((WorkflowInstance)i!).Version);
        SharedTypes.AddField(instance, "object", nonNullStr, i => ((WorkflowInstance)i!).Object);
        SharedTypes.AddField(instance, "recordId", id, i => ((WorkflowInstance)i!).RecordId);
        SharedTypes.AddField(instance, "status", nonNullStr, i => ((WorkflowInstance)i!).Status, "RUNNING, WAITING, COMPLETED, RECALLED or FAILED.");
        SharedTypes.AddField(instance, "currentStep", str, i => ((WorkflowInstance)i!).CurrentStep);
        SharedTypes.AddField(instance, "result", str, i => ((WorkflowInstance)i!).Result, "The END step's result, e.g. approved or rejected; recalled.");
        SharedTypes.AddField(instance, "locked", new NonNullGraphType(shared.Boolean), i => ((WorkflowInstance)i!).Locked);
        SharedTypes.AddField(instance, "submittedBy", id, i => ((WorkflowInstance)i!).SubmittedBy);
        SharedTypes.AddField(instance, "startedAt", new NonNullGraphType(shared.DateTime), i => ((WorkflowInstance)i!).StartedAt);
        SharedTypes.AddField(instance, "endedAt", shared.DateTime, i => ((WorkflowInstance)i!).EndedAt);
        SharedTypes.AddField(instance, "error", str, i => ((WorkflowInstance)i!).Error);

        SharedTypes.AddField(request, "id", id, r => ((ApprovalRequest)r!).Id);
        SharedTypes.AddField(request, "step", nonNullStr, r => ((ApprovalRequest)r!).Step);
        SharedTypes.AddField(request, "level", new NonNullGraphType(shared.Int), r => ((ApprovalRequest)r!).Level, "1, or the manager level of a chain.");
        SharedTypes.AddField(request, "approver", id, r => ((ApprovalRequest)r!).Approver);
        SharedTypes.AddField(request, "status", nonNullStr, r => ((ApprovalRequest)r!).Status, "PENDING, APPROVED, REJECTED, REASSIGNED, RECALLED or SKIPPED.");
        SharedTypes.AddField(request, "comment", str, r => ((ApprovalRequest)r!).Comment);
        SharedTypes.AddField(request, "createdAt", new NonNullGraphType(shared.DateTime), r => ((ApprovalRequest)r!).CreatedAt);
        SharedTypes.AddField(request, "actedAt", shared.DateTime, r => ((ApprovalRequest)r!).ActedAt);
        SharedTypes.AddField(request, "actedBy", shared.Id, r => ((ApprovalRequest)r!).ActedBy);
        SharedTypes.AddField(request, "reassignedFrom", shared.Id, r => ((ApprovalRequest)r!).ReassignedFrom);
        SharedTypes.AddField(request, "instance", instance, r => ((ApprovalRequest)r!).Instance);

        var history = new ObjectGraphType { Name = "ApprovalHistoryEntry" };
        SharedTypes.AddField(history, "instance", new NonNullGraphType(instance), h => (((WorkflowInstance, List<ApprovalRequest>))h!).Item1);
        SharedTypes.AddField(history, "requests", new NonNullGraphType(new ListGraphType(new NonNullGraphType(request))), h => (((WorkflowInstance, List<ApprovalRequest>))h!).Item2);

        query.AddField(Field("myApprovals", new NonNullGraphType(new ListGraphType(new NonNullGraphType(request))),
            [new QueryArgument(shared.Int) { Name = "first", DefaultValue = 50 }],
            (c, session, runtime) => runtime.InboxAsync(session, Ctx(c).Caller, c.GetArgument<int?>("first") ?? 50, c.CancellationToken).ContinueWith(t => (object?)t.Result, TaskScheduler.Default),
            transaction: false));
        query.AddField(Field("approvalHistory", new NonNullGraphType(new ListGraphType(new NonNullGraphType(history))),
            [new QueryArgument(nonNullStr) { Name = "object" }, new QueryArgument(id) { Name = "id" }],
            async (c, session, runtime) => (object?)(await runtime.HistoryAsync(session, c.GetArgument<string>("object"), RecordId(c, "id"), c.CancellationToken)).Cast<object>().ToList(),
            transaction: false));

        var notification = new ObjectGraphType { Name = "Notification" };
        SharedTypes.AddField(notification, "id", id, n => ((Paas.Data.Workflows.Notification)n!).Id);
        SharedTypes.AddField(notification, "message", nonNullStr, n => ((Paas.Data.Workflows.Notification)n!).Message);
        SharedTypes.AddField(notification, "object", str, n => ((Paas.Data.Workflows.Notification)n!).Object);
        SharedTypes.AddField(notification, "recordId", shared.Id, n => ((Paas.Data.Workflows.Notification)n!).RecordId);
        SharedTypes.AddField(notification, "createdAt", new NonNullGraphType(shared.DateTime), n => ((Paas.Data.Workflows.Notification)n!).CreatedAt);
        SharedTypes.AddField(notification, "readAt", shared.DateTime, n => ((Paas.Data.Workflows.Notification)n!).ReadAt);
        query.AddField(Field("myNotifications", new NonNullGraphType(new ListGraphType(new NonNullGraphType(notification))),
            [new QueryArgument(shared.Boolean) { Name = "unreadOnly" }, new QueryArgument(shared.Int) { Name = "first" }],
            async (c, session, _) => (object?)await Paas.Data.Workflows.NotificationStore.ListAsync(session, Ctx(c).Caller.UserId, c.GetArgument<bool?>("unreadOnly") ?? false,
                c.GetArgument<int?>("first") ?? 50, c.CancellationToken), transaction: false));
        mutation.AddField(Field("markNotificationsRead", new NonNullGraphType(shared.Int),
            [new QueryArgument(new NonNullGraphType(new ListGraphType(id))) { Name = "ids" }],
            async (c, session, _) => (object?)await Paas.Data.Workflows.NotificationStore.MarkReadAsync(session, Ctx(c).Caller.UserId,
                (c.GetArgument<object?>("ids") as System.Collections.IEnumerable)?.Cast<object?>().Select(v => v is string s2 && Guid.TryParseExact(s2, "D", out var g) ? g : Guid.Empty)
                    .Where(g => g != Guid.Empty).ToList() ?? [], DateTimeOffset.UtcNow, c.CancellationToken)));

        mutation.AddField(Field("setApprovalDelegate", new NonNullGraphType(shared.Boolean),
            [new QueryArgument(shared.Id) { Name = "delegate", Description = "Who answers your approval requests; null: nobody (you again)." },
             new QueryArgument(shared.DateTime) { Name = "from", Description = "Default: now." }, new QueryArgument(shared.DateTime) { Name = "until" }],
            async (c, session, runtime) =>
            {
                var delegateId = c.GetArgument<object?>("delegate") is null ? (Guid?)null : RecordId(c, "delegate");
                var from = Time(c.GetArgument<object?>("from"), "from") ?? DateTimeOffset.UtcNow;
                var until = Time(c.GetArgument<object?>("until"), "until") ?? (delegateId is null ? from : throw PaasException.Validation("until", "Say until when."));
                await runtime.SetDelegateAsync(session, Ctx(c).Caller, delegateId, from, until, c.CancellationToken);
                return true;
            }));

        mutation.AddField(Field("submitForApproval", new NonNullGraphType(instance),
            [new QueryArgument(nonNullStr) { Name = "object" }, new QueryArgument(id) { Name = "id" }, new QueryArgument(str) { Name = "process" }],
            async (c, session, runtime) => await runtime.SubmitAsync(session, Ctx(c).Caller, c.GetArgument<string>("object"), RecordId(c, "id"), c.GetArgument<string?>("process"), c.CancellationToken)));
        foreach (var (name, approve) in new[] { ("approve", true), ("reject", false) })
        {
            mutation.AddField(Field(name, new NonNullGraphType(request),
                [new QueryArgument(id) { Name = "id", Description = "The approval request's id." }, new QueryArgument(str) { Name = "comment" }],
                async (c, session, runtime) => await runtime.AnswerAsync(session, Ctx(c).Caller, RecordId(c, "id"), approve, c.GetArgument<string?>("comment"), c.CancellationToken)));
        }

        mutation.AddField(Field("recall", new NonNullGraphType(instance),
            [new QueryArgument(id) { Name = "id", Description = "The approval instance's id." }, new QueryArgument(str) { Name = "comment" }],
            async (c, session, runtime) => await runtime.RecallAsync(session, Ctx(c).Caller, RecordId(c, "id"), c.GetArgument<string?>("comment"), c.CancellationToken)));
        mutation.AddField(Field("reassign", new NonNullGraphType(request),
            [new QueryArgument(id) { Name = "id" }, new QueryArgument(id) { Name = "to", Description = "The user who answers instead." }, new QueryArgument(str) { Name = "comment" }],
            async (c, session, runtime) => await runtime.ReassignAsync(session, Ctx(c).Caller, RecordId(c, "id"), RecordId(c, "to"), c.GetArgument<string?>("comment"), c.CancellationToken)));
    }

    private static DataRequestContext Ctx(IResolveFieldContext context) => DataRequestContext.From(context);

    private static DateTimeOffset? Time(object? value, string argument) => value switch
    {
        null => null,
        DateTimeOffset at => at,
        string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) => at.ToUniversalTime(),
        _ => throw PaasException.Validation(argument, "An ISO 8601 date and time is expected."),
    };

    private static Guid RecordId(IResolveFieldContext context, string argument) =>
        context.GetArgument<object?>(argument) is string s && Guid.TryParseExact(s, "D", out var id)
            ? id
            : throw PaasException.NotFound($"'{argument}' is not the id of anything here.");

    private static GraphField Field(string name, IGraphType type, QueryArgument[] arguments,
        Func<IResolveFieldContext, Paas.Data.Storage.TenantSession, WorkflowRuntime, Task<object?>> resolve, bool transaction = true) => new()
    {
        Name = name,
        ResolvedType = type,
        Arguments = new QueryArguments(arguments),
        Resolver = Resolve.Async(async c =>
        {
            var request = Ctx(c);
            var runtime = request.Workflows ?? throw new InvalidOperationException("The data API was built without the workflow runtime.");
            await using var session = await request.OpenSessionAsync(c.CancellationToken);
            if (transaction)
            {
                await session.BeginAsync(c.CancellationToken);
            }

            var result = await resolve(c, session, runtime);
            await session.CommitAsync(c.CancellationToken);
            request.AddStatements(session.StatementCount);
            if (transaction)
            {
                runtime.Nudge();
            }

            return result;
        }),
    };
}
