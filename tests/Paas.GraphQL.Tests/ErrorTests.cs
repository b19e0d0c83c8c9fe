using System.Data.Common;
using System.Text.Json;
using GraphQL;
using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;
using Paas.Core.Configuration;
using Paas.Core.Errors;
using Paas.Data.Sql;
using Paas.Data.Storage;
using Paas.GraphQL.Data;
using Paas.GraphQL.Execution;
using Paas.GraphQL.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.GraphQL.Tests;

public sealed class ErrorTests
{
    private const string Secret = "Password=hunter2;Host=db.internal";

    private static readonly PaasErrorInfoProvider Provider = new();

    private static string Serialize(ExecutionError error)
    {
        var result = new ExecutionResult { Errors = [error], Executed = true };
        return DataApi.Serializer.Serialize(result);
    }

    [Fact]
    public void A_validation_error_carries_its_code_and_every_field_error()
    {
        var exception = PaasException.Validation([new FieldError("amount", "Not a number."), new FieldError("inputs[1].name", "A value is required.")]);
        var info = Provider.GetInfo(new PaasExecutionError(exception));

        Assert.Equal(exception.Message, info.Message);
        Assert.NotNull(info.Extensions);
        Assert.Equal(ErrorCodes.ValidationFailed, info.Extensions["code"]);
        Assert.False(info.Extensions.ContainsKey("limit"));

        var json = JsonDocument.Parse(Serialize(new PaasExecutionError(exception))).RootElement.At("errors.0");
        Assert.Equal(ErrorCodes.ValidationFailed, json.Str("extensions.code"));
        var fieldErrors = json.List("extensions.fieldErrors");
        Assert.Equal(["amount", "inputs[1].name"], fieldErrors.Select(e => e.Str("field")));
        Assert.Equal(["Not a number.", "A value is required."], fieldErrors.Select(e => e.Str("message")));
    }

    [Fact]
    public void A_limit_error_names_the_limit_and_has_no_field_errors()
    {
        var json = JsonDocument.Parse(Serialize(new PaasExecutionError(PaasException.LimitExceeded("maxPageSize", "Too many.")))).RootElement.At("errors.0");
        Assert.Equal("Too many.", json.Str("message"));
        Assert.Equal(ErrorCodes.LimitExceeded, json.Str("extensions.code"));
        Assert.Equal("maxPageSize", json.Str("extensions.limit"));
        Assert.False(json.At("extensions").TryGetProperty("fieldErrors", out _));
    }

    [Theory]
    [InlineData(ErrorCodes.NotFound)]
    [InlineData(ErrorCodes.Forbidden)]
    [InlineData(ErrorCodes.Conflict)]
    [InlineData(ErrorCodes.ScriptError)]
    public void Other_contract_codes_pass_through(string code)
    {
        var json = JsonDocument.Parse(Serialize(new PaasExecutionError(new PaasException(code, "Message.")))).RootElement.At("errors.0");
        Assert.Equal(code, json.Str("extensions.code"));
        Assert.Equal("Message.", json.Str("message"));
        Assert.Equal(["code"], json.At("extensions").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void An_internal_error_carries_its_correlation_id()
    {
        var error = new PaasExecutionError(ErrorCodes.Internal, "An internal error occurred. Quote reference abc123.") { CorrelationId = "abc123" };
        var json = JsonDocument.Parse(Serialize(error)).RootElement.At("errors.0");
        Assert.Equal(ErrorCodes.Internal, json.Str("extensions.code"));
        Assert.Equal("abc123", json.Str("extensions.correlationId"));
    }

    [Fact]
    public void An_error_wrapping_an_exception_shows_no_exception_details()
    {
        Exception inner;
        try
        {
            throw new InvalidOperationException("connection failed: " + Secret);
        }
        catch (InvalidOperationException ex)
        {
            inner = ex;
        }

        var text = Serialize(new ExecutionError("Error trying to resolve field 'opportunities'.", inner));
        AssertNoDetails(text);
        var json = JsonDocument.Parse(text).RootElement.At("errors.0");
        Assert.False(string.IsNullOrEmpty(json.Str("extensions.code")));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Serialized_results_carry_code_field_errors_and_limit(DatabaseProvider provider)
    {
        await using var api = await DataApi.CreateAsync(provider);
        await api.CreateCrmAsync();

        var invalid = await api.ExecuteAsync("""mutation { createOpportunity(input: {amount: "abc"}) { id } }""");
        var error = invalid.SingleError();
        Assert.Equal(ErrorCodes.ValidationFailed, error.Str("extensions.code"));
        Assert.Equal(["amount", "name"], invalid.FieldErrorPaths());
        Assert.Equal(["createOpportunity"], error.List("path").Select(p => p.GetString()));
        AssertNoDetails(invalid.Json);

        var limit = await api.ExecuteAsync("{ opportunities(first: 100000) { totalCount } }");
        Assert.Equal(ErrorCodes.LimitExceeded, limit.SingleCode());
        Assert.Equal("maxPageSize", limit.SingleError().Str("extensions.limit"));
        AssertNoDetails(limit.Json);
    }

    [Fact]
    public async Task Document_errors_have_a_code_and_no_details()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();

        var unknownField = await api.ExecuteAsync("{ opportunities { nodes { nope } } }");
        Assert.False(string.IsNullOrEmpty(unknownField.SingleCode()));
        AssertNoDetails(unknownField.Json);

        var syntax = await api.ExecuteAsync("{ opportunities { ");
        Assert.False(string.IsNullOrEmpty(syntax.SingleCode()));
        AssertNoDetails(syntax.Json);
    }

    [Theory]
    [InlineData("maxDepth")]
    [InlineData("maxComplexity")]
    public async Task Depth_and_complexity_errors_are_limit_exceeded_with_the_limit_named(string limit)
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();
        var options = limit == "maxDepth" ? new ComplexityOptions { MaxDepth = 2 } : new ComplexityOptions { MaxComplexity = 5 };
        var schema = await api.SchemaAsync();
        var result = await new DocumentExecuter().ExecuteAsync(o =>
        {
            o.Schema = schema;
            o.Query = "{ opportunities { nodes { name account { name parent { name } } } } }";
            o.ValidationRules = DocumentValidator.CoreRules.Append(new ComplexityValidationRule(options));
        });
        var text = DataApi.Serializer.Serialize(result);
        var error = Assert.Single(JsonDocument.Parse(text).RootElement.List("errors"));
        Assert.Equal(ErrorCodes.LimitExceeded, error.Str("extensions.code"));
        Assert.Equal(limit, error.Str("extensions.limit"));
        AssertNoDetails(text);
    }

    [Fact]
    public async Task A_failure_below_the_api_does_not_leak_its_message_or_stack()
    {
        await using var api = await DataApi.CreateAsync(DatabaseProvider.Sqlite);
        await api.CreateCrmAsync();
        var metadata = await api.SnapshotAsync();
        var schema = await api.SchemaAsync();

        var result = await new DocumentExecuter().ExecuteAsync(o =>
        {
            o.Schema = schema;
            o.Query = "{ opportunities { totalCount nodes { name } } }";
            o.UserContext = new DataRequestContext(api.Caller, metadata, new BrokenConnector(api.Connector.Dialect), TimeProvider.System);
        });
        var text = DataApi.Serializer.Serialize(result);
        var json = JsonDocument.Parse(text).RootElement;
        var error = Assert.Single(json.List("errors"));
        Assert.False(string.IsNullOrEmpty(error.Str("extensions.code")));
        AssertNoDetails(text);
    }

    private static void AssertNoDetails(string json)
    {
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.DoesNotContain("db.internal", json, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", json, StringComparison.Ordinal);
        Assert.DoesNotContain("StackTrace", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("InvalidOperationException", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Paas.Data", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"details\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"exception\"", json, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A connector whose database is unreachable, with a message that must not reach the client.</summary>
    private sealed class BrokenConnector(ISqlDialect dialect) : IDatabaseConnector
    {
        public ISqlDialect Dialect => dialect;

        public Task<DbConnection> OpenTenantAsync(string storageName, CancellationToken ct) =>
            throw new InvalidOperationException("Could not connect: " + Secret);

        public Task CreateTenantStorageAsync(string storageName, CancellationToken ct) => Task.CompletedTask;

        public Task DropTenantStorageAsync(string storageName, CancellationToken ct) => Task.CompletedTask;

        public Task<bool> CanConnectAsync(CancellationToken ct) => Task.FromResult(false);
    }
}
