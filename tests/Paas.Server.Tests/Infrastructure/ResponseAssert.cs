using System.Net;

namespace Paas.Server.Tests.Infrastructure;

/// <summary>Checks every error response must pass, whatever the error.</summary>
public static class ResponseAssert
{
    private static readonly string[] Internals =
    [
        "   at ", "Exception", "StackTrace", "stackTrace", ".cs:line", "System.", "Microsoft.", "Npgsql", "Sqlite", "SQLite",
        "GraphQL.Execution", "Paas.Data", "Paas.Core", "Paas.GraphQL", "Paas.Server",
    ];

    /// <summary>The body is JSON with <c>errors[].message</c> and <c>extensions.code</c>, and shows no stack trace or .NET type names.</summary>
    public static void IsSafeError(GraphQLResponse response)
    {
        Assert.True(response.Json is not null, $"The error body is not JSON: {response}");
        Assert.True(response.Errors is { Count: > 0 }, $"The error body has no errors[]: {response}");
        foreach (var error in response.Errors!)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)error?["message"]), $"An error without a message: {response}");
            Assert.False(string.IsNullOrWhiteSpace((string?)error?["extensions"]?["code"]), $"An error without extensions.code: {response}");
        }

        NoInternals(response);
    }

    /// <summary>No stack trace, exception type or internal namespace anywhere in the body.</summary>
    public static void NoInternals(GraphQLResponse response)
    {
        foreach (var marker in Internals)
        {
            Assert.False(response.Body.Contains(marker, StringComparison.Ordinal), $"The response shows internals ('{marker}'): {response}");
        }
    }

    /// <summary>An HTTP-level error: the status, a JSON body with one error of <paramref name="code"/>, safe.</summary>
    public static void HttpError(GraphQLResponse response, HttpStatusCode status, string code)
    {
        Assert.True(response.Status == status, $"Expected {(int)status}, got {response}");
        IsSafeError(response);
        Assert.True(response.ErrorCode == code, $"Expected code {code}, got {response}");
    }

    /// <summary>A GraphQL error with <paramref name="code"/>, no data for the failed root field, and safe.</summary>
    public static void GraphQLError(GraphQLResponse response, string code)
    {
        IsSafeError(response);
        Assert.True(response.ErrorCodes.Contains(code), $"Expected an error with code {code}, got {response}");
    }

    /// <summary>VALIDATION_FAILED whose fieldErrors name exactly (at least) the given fields.</summary>
    public static void FieldErrors(GraphQLResponse response, params string[] fields)
    {
        GraphQLError(response, "VALIDATION_FAILED");
        var named = response.FieldErrorNames;
        foreach (var field in fields)
        {
            Assert.True(named.Contains(field), $"fieldErrors do not name '{field}' (they name {string.Join(", ", named)}): {response}");
        }
    }
}
