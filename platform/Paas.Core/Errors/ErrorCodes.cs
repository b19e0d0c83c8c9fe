namespace Paas.Core.Errors;

/// <summary>The values of <c>extensions.code</c> that clients rely on (see docs/api.md).</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string NotFound = "NOT_FOUND";
    public const string Forbidden = "FORBIDDEN";
    public const string Conflict = "CONFLICT";
    public const string LimitExceeded = "LIMIT_EXCEEDED";
    public const string ScriptError = "SCRIPT_ERROR";
    public const string Internal = "INTERNAL";
    public const string Unauthenticated = "UNAUTHENTICATED";
}
