namespace Paas.Core.Errors;

/// <summary>
/// An error meant for the client: it carries a contract error code and a message that is safe to show.
/// Anything else that escapes is reported as <see cref="ErrorCodes.Internal"/> without details.
/// </summary>
public class PaasException(string code, string message, IReadOnlyList<FieldError>? fieldErrors = null, string? limit = null)
    : Exception(message)
{
    public string Code { get; } = code;
    public IReadOnlyList<FieldError> FieldErrors { get; } = fieldErrors ?? [];

    /// <summary>For <see cref="ErrorCodes.LimitExceeded"/>: the name of the limit that was hit.</summary>
    public string? Limit { get; } = limit;

    public static PaasException Validation(IReadOnlyList<FieldError> errors) =>
        new(ErrorCodes.ValidationFailed, errors.Count == 1
            ? $"Invalid input: {errors[0].Field}: {errors[0].Message}"
            : $"Invalid input in {errors.Count} fields.", errors);

    public static PaasException Validation(string field, string message) => Validation([new FieldError(field, message)]);

    public static PaasException NotFound(string message) => new(ErrorCodes.NotFound, message);

    public static PaasException Conflict(string message, IReadOnlyList<FieldError>? errors = null) =>
        new(ErrorCodes.Conflict, message, errors);

    public static PaasException Forbidden(string message, IReadOnlyList<FieldError>? errors = null) => new(ErrorCodes.Forbidden, message, errors);

    public static PaasException LimitExceeded(string limit, string message) =>
        new(ErrorCodes.LimitExceeded, message, null, limit);
}
