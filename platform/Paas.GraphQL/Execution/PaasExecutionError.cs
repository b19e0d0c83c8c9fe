using GraphQL;
using Paas.Core.Errors;

namespace Paas.GraphQL.Execution;

/// <summary>A GraphQL error carrying the contract's code and, for validation, the list of bad fields.</summary>
public sealed class PaasExecutionError : ExecutionError
{
    public PaasExecutionError(PaasException exception)
        : base(exception.Message)
    {
        Code = exception.Code;
        FieldErrors = exception.FieldErrors;
        Limit = exception.Limit;
    }

    public PaasExecutionError(string code, string message)
        : base(message)
    {
        Code = code;
        FieldErrors = [];
    }

    public IReadOnlyList<FieldError> FieldErrors { get; }

    public string? Limit { get; }

    public string? CorrelationId { get; init; }
}
