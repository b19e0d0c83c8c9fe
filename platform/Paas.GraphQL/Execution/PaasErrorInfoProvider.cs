using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;

namespace Paas.GraphQL.Execution;

/// <summary>Shapes errors for the client: message and <c>extensions.code</c>, field errors where there are any, never exception details.</summary>
public sealed class PaasErrorInfoProvider : IErrorInfoProvider
{
    public ErrorInfo GetInfo(ExecutionError executionError)
    {
        var extensions = new Dictionary<string, object?>();
        switch (executionError)
        {
            case PaasExecutionError paas:
                extensions["code"] = paas.Code;
                if (paas.FieldErrors.Count > 0)
                {
                    extensions["fieldErrors"] = paas.FieldErrors.Select(e => new Dictionary<string, object?> { ["field"] = e.Field, ["message"] = e.Message }).ToList();
                }

                if (paas.Limit is not null)
                {
                    extensions["limit"] = paas.Limit;
                }

                if (paas.CorrelationId is not null)
                {
                    extensions["correlationId"] = paas.CorrelationId;
                }

                break;
            case global::GraphQL.Validation.Errors.Custom.ComplexityError complexity:
                extensions["code"] = Paas.Core.Errors.ErrorCodes.LimitExceeded;
                extensions["limit"] = complexity.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) ? "maxDepth" : "maxComplexity";
                break;
            case ValidationError validation:
                extensions["code"] = validation.Code ?? "GRAPHQL_VALIDATION_FAILED";
                break;
            default:
                extensions["code"] = executionError.Code ?? "GRAPHQL_ERROR";
                break;
        }

        return new ErrorInfo { Message = executionError.Message, Extensions = extensions };
    }
}
