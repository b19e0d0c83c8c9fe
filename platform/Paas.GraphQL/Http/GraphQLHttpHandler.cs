using System.Buffers;
using System.Text.Json;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.GraphQL.Execution;

namespace Paas.GraphQL.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL-over-HTTP specification): queries by GET or POST, mutations by POST only,
/// <c>application/graphql-response+json</c> with 4xx for request errors, or <c>application/json</c> with 200.
/// </summary>
public sealed class GraphQLHttpHandler(GraphQLHttpOptions options, GraphQLMetrics metrics, ILogger<GraphQLHttpHandler> logger)
{
    public const string GraphQLResponse = "application/graphql-response+json";
    public const string Json = "application/json";

    // Queries run serially: resolvers are mostly synchronous reads of rows already fetched, and relation lists are
    // batched by data loaders either way, so the parallel strategy's tasks per field cost more than they save.
    private static readonly DocumentExecuter Executer = new(
        new GraphQLDocumentBuilder(),
        new DocumentValidator(),
        new DefaultExecutionStrategySelector([new ExecutionStrategyRegistration(SerialExecutionStrategy.Instance, OperationType.Query)]),
        []);
    private static readonly DocumentValidator Validator = new();
    private readonly Serializer _serializer = new(new PaasErrorInfoProvider());

    public async Task HandleAsync(HttpContext http, ISchema schema, IDictionary<string, object?> userContext, string correlationId, RequestLimits? tenantLimits = null)
    {
        var limits = tenantLimits ?? options.DefaultLimits;
        var mediaType = NegotiateMediaType(http.Request);
        if (mediaType is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status406NotAcceptable, Json, ErrorCodes.ValidationFailed,
                $"Accept {GraphQLResponse} or {Json}.");
            return;
        }

        var (request, problem, status) = await ReadRequestAsync(http);
        if (request is null)
        {
            await WriteErrorAsync(http, status, mediaType, status == StatusCodes.Status413PayloadTooLarge ? ErrorCodes.LimitExceeded : ErrorCodes.ValidationFailed, problem!);
            return;
        }

        if (request.Query is { } text && text.Length > options.MaxDocumentLength)
        {
            await WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, mediaType, ErrorCodes.LimitExceeded,
                $"The query document may be at most {options.MaxDocumentLength} characters.", "maxDocumentLength");
            return;
        }

        var documents = ValidatedDocumentCache.For(schema);
        ValidatedDocumentCache.Entry? cached = null;
        GraphQLDocument? document = null;
        if (documents.TryGet(request.Query!, limits, out var hit))
        {
            cached = hit;
            document = hit.Document;
        }
        else
        {
            try
            {
                document = GraphQLParser.Parser.Parse(request.Query!, new GraphQLParser.ParserOptions { MaxDepth = 4 * RequestLimits.HardMaxDepth });
            }
            catch (GraphQLParser.Exceptions.GraphQLMaxDepthExceededException)
            {
                await WriteErrorAsync(http, mediaType == GraphQLResponse ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK, mediaType, ErrorCodes.LimitExceeded,
                    $"The document nests deeper than {4 * RequestLimits.HardMaxDepth} levels.", "maxDepth");
                return;
            }
            catch (GraphQLParser.Exceptions.GraphQLParserException)
            {
                // The executer parses again and reports the syntax error in the normal shape.
            }

            if (document is not null)
            {
                var fields = DocumentSize.CountFields(document);
                if (fields > limits.MaxFields)
                {
                    await WriteErrorAsync(http, mediaType == GraphQLResponse ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK, mediaType, ErrorCodes.LimitExceeded,
                        $"The document selects {fields} fields (aliases included); at most {limits.MaxFields} are allowed.", "maxFields");
                    return;
                }
            }
        }

        if (document is not null && schema.Mutation is null && IsMutation(document, request.OperationName))
        {
            // A caller who may change nothing gets a schema without a Mutation type.
            await WriteErrorAsync(http, mediaType == GraphQLResponse ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK, mediaType, ErrorCodes.ValidationFailed,
                "This API has no mutations that you may use.");
            return;
        }

        if (document is not null && HttpMethods.IsGet(http.Request.Method) && IsMutation(document, request.OperationName))
        {
            http.Response.Headers.Allow = "POST";
            await WriteErrorAsync(http, StatusCodes.Status405MethodNotAllowed, mediaType, ErrorCodes.ValidationFailed, "Mutations must be sent with POST.");
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(limits.RequestTimeout);
        ExecutionResult result;
        using var directBuffer = new PooledBufferWriter(16 * 1024);
        var direct = false;
        try
        {
            // A repeated plain read runs without graphql-dotnet's execution tree; anything it cannot answer runs below.
            if (options.DirectExecution && cached?.DirectFor(request.OperationName) is { } plan)
            {
                direct = await TryDirectAsync(http, schema, userContext, request, cached, plan, limits, directBuffer, timeout.Token);
            }

            result = !direct
                ? await ExecuteAsync(http, schema, userContext, correlationId, request, document, cached, limits, timeout)
                : new ExecutionResult { Executed = true };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            await WriteErrorAsync(http, StatusCodes.Status200OK, mediaType, ErrorCodes.LimitExceeded,
                $"The request took longer than {limits.RequestTimeoutSeconds} s and was cancelled.", "requestTimeout");
            return;
        }

        if (timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested && result.Errors is { Count: > 0 })
        {
            result.Errors = [TimeoutError(limits)];
        }

        if (cached is null && document is not null && result.Executed)
        {
            // Validation passed: the next request with this text skips parsing and the document rules.
            documents.Add(request.Query!, document, limits,
                options.DirectExecution ? DirectQuery.TryPlan(schema, document, request.OperationName) : null, request.OperationName);
        }

        if (userContext is IScriptedRequest scripted)
        {
            var costs = scripted.ScriptCosts;
            if (costs.Count > 0)
            {
                result.Extensions ??= new Dictionary<string, object?>();
                result.Extensions["scriptCost"] = ScriptCostReport.From(costs);
            }

            // The log of executions is kept even when the request failed; a failure to keep it must not hide the answer.
            try
            {
                await scripted.CompleteScriptsAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogWarning(ex, "Could not store the script execution log of request {CorrelationId}.", correlationId);
            }
        }

        var requestError = !result.Executed;
        http.Response.StatusCode = requestError && mediaType == GraphQLResponse ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        if (direct)
        {
            await WriteDirectAsync(http, directBuffer.WrittenMemory, result.Extensions);
            return;
        }

        await _serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>
    /// The response of a direct run: its data, and the extensions written as graphql-dotnet's writer would; the length is
    /// known, so it goes out in one write with a Content-Length instead of chunks.
    /// </summary>
    private async Task WriteDirectAsync(HttpContext http, ReadOnlyMemory<byte> data, Dictionary<string, object?>? extensions)
    {
        var extensionsJson = extensions is { Count: > 0 } ? System.Text.Encoding.UTF8.GetBytes(_serializer.Serialize(extensions)) : null;
        http.Response.ContentLength = "{\"data\":"u8.Length + data.Length + (extensionsJson is null ? 0 : ",\"extensions\":"u8.Length + extensionsJson.Length) + 1;
        var body = http.Response.BodyWriter;
        body.Write("{\"data\":"u8);
        body.Write(data.Span);
        if (extensionsJson is not null)
        {
            body.Write(",\"extensions\":"u8);
            body.Write(extensionsJson);
        }

        body.Write("}"u8);
        await body.FlushAsync(http.RequestAborted);
    }

    private Task<ExecutionResult> ExecuteAsync(HttpContext http, ISchema schema, IDictionary<string, object?> userContext, string correlationId,
        GraphQLRequest request, GraphQLDocument? document, ValidatedDocumentCache.Entry? cached, RequestLimits limits, CancellationTokenSource timeout) =>
        Executer.ExecuteAsync(o =>
        {
            o.Schema = schema;
            o.Query = document is null ? request.Query : null;
            o.Document = document;
            o.OperationName = request.OperationName;
            o.Variables = request.Variables;
            o.Extensions = request.Extensions;
            o.UserContext = userContext;
            o.RequestServices = http.RequestServices;
            o.CancellationToken = timeout.Token;
            o.ValidationRules = cached switch
            {
                null => DocumentValidator.CoreRules.Append(ComplexityRule(limits)),

                // Page sizes given as variables change the cost from one request to the next.
                { HasVariables: true } => [ComplexityRule(limits)],
                _ => [],
            };
            o.UnhandledExceptionDelegate = context =>
            {
                context.Exception = MapUnhandled(context.OriginalException, correlationId, limits, timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested);
                return Task.CompletedTask;
            };
        });

    /// <summary>
    /// The direct run of a cached document. Its variables are coerced, and its cost priced, by the same validation the
    /// executer would run; when that fails the request goes on to the executer, which reports it.
    /// </summary>
    private async Task<bool> TryDirectAsync(HttpContext http, ISchema schema, IDictionary<string, object?> userContext, GraphQLRequest request,
        ValidatedDocumentCache.Entry cached, DirectQuery plan, RequestLimits limits, PooledBufferWriter buffer, CancellationToken ct)
    {
        Variables? variables = null;
        IReadOnlyDictionary<GraphQLField, IDictionary<string, ArgumentValue>>? arguments = null;
        if (cached.HasVariables)
        {
            var validation = await Validator.ValidateAsync(new ValidationOptions
            {
                Schema = schema,
                Document = cached.Document,
                Operation = plan.Operation,
                Rules = [ComplexityRule(limits)],
                Variables = request.Variables ?? Inputs.Empty,
                Extensions = request.Extensions ?? Inputs.Empty,
                UserContext = userContext,
                RequestServices = http.RequestServices,
                User = http.User,
                Metrics = global::GraphQL.Instrumentation.Metrics.None,
                CancellationToken = ct,
            });
            if (!validation.IsValid)
            {
                return false;
            }

            variables = validation.Variables;
            arguments = validation.ArgumentValues;
        }

        var direct = await plan.TryExecuteAsync(schema, userContext, http.RequestServices, variables, arguments, buffer, ct);
        metrics.Answered(direct);
        return direct;
    }

    private static ComplexityValidationRule ComplexityRule(RequestLimits limits) => new(new ComplexityOptions
    {
        MaxDepth = limits.MaxDepth,
        MaxComplexity = limits.MaxComplexity,
        DefaultListImpactMultiplier = Paas.Data.Query.QueryLimits.DefaultPageSize,
    });

    public static Task WriteErrorAsync(HttpContext http, int status, string mediaType, string code, string message, string? limit = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        var extensions = new Dictionary<string, object> { ["code"] = code };
        if (limit is not null)
        {
            extensions["limit"] = limit;
        }

        var body = new { errors = new[] { new { message, extensions } } };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
    }

    private static PaasExecutionError TimeoutError(RequestLimits limits) =>
        new(new PaasException(ErrorCodes.LimitExceeded, $"The request took longer than {limits.RequestTimeoutSeconds} s and was cancelled.", null, "requestTimeout"));

    private ExecutionError MapUnhandled(Exception exception, string correlationId, RequestLimits limits, bool timedOut)
    {
        switch (exception)
        {
            case PaasException paas:
                return new PaasExecutionError(paas);
            case OperationCanceledException when timedOut:
                return TimeoutError(limits);
            default:
                logger.LogError(exception, "Unhandled error while executing a GraphQL request {CorrelationId}", correlationId);
                return new PaasExecutionError(ErrorCodes.Internal, $"An internal error occurred. Quote reference {correlationId} when reporting it.")
                {
                    CorrelationId = correlationId,
                };
        }
    }

    private static string? NegotiateMediaType(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Json;
        }

        if (accept.Contains(GraphQLResponse, StringComparison.OrdinalIgnoreCase))
        {
            return GraphQLResponse;
        }

        return accept.Contains(Json, StringComparison.OrdinalIgnoreCase) || accept.Contains("*/*", StringComparison.Ordinal)
            || accept.Contains("application/*", StringComparison.OrdinalIgnoreCase)
            ? Json
            : null;
    }

    private async Task<(GraphQLRequest? Request, string? Problem, int Status)> ReadRequestAsync(HttpContext http)
    {
        var request = http.Request;
        try
        {
            if (HttpMethods.IsGet(request.Method))
            {
                var query = request.Query["query"].ToString();
                if (string.IsNullOrEmpty(query))
                {
                    return (null, "A GET request needs a 'query' parameter.", StatusCodes.Status400BadRequest);
                }

                var variables = request.Query["variables"].ToString();
                var extensions = request.Query["extensions"].ToString();
                return (new GraphQLRequest
                {
                    Query = query,
                    OperationName = NullIfEmpty(request.Query["operationName"].ToString()),
                    Variables = string.IsNullOrEmpty(variables) ? null : _serializer.Deserialize<Inputs>(variables),
                    Extensions = string.IsNullOrEmpty(extensions) ? null : _serializer.Deserialize<Inputs>(extensions),
                }, null, 0);
            }

            if (!HttpMethods.IsPost(request.Method))
            {
                http.Response.Headers.Allow = "GET, POST";
                return (null, "Use GET or POST.", StatusCodes.Status405MethodNotAllowed);
            }

            if (request.ContentType is null || !request.ContentType.StartsWith(Json, StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"POST requests must have Content-Type {Json}.", StatusCodes.Status415UnsupportedMediaType);
            }

            if (request.ContentLength > options.MaxBodyBytes)
            {
                return (null, $"The request body may be at most {options.MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            using var body = new PooledBufferWriter(request.ContentLength is > 0 and var length ? (int)length : 4 * 1024);
            while (true)
            {
                var memory = body.GetMemory(4 * 1024);
                var read = await request.Body.ReadAsync(memory, http.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                if (body.WrittenCount + read > options.MaxBodyBytes)
                {
                    return (null, $"The request body may be at most {options.MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
                }

                body.Advance(read);
            }

            var json = WithoutByteOrderMark(body.WrittenSpan);
            if (json.TrimStart(" \t\r\n"u8) is [(byte)'[', ..])
            {
                return (null, "Batched requests are not supported; send one operation per request.", StatusCodes.Status400BadRequest);
            }

            if (!System.Text.Unicode.Utf8.IsValid(json))
            {
                return (null, "The request body is not valid UTF-8.", StatusCodes.Status400BadRequest);
            }

            var parsed = _serializer.Deserialize<GraphQLRequest>(json);
            return string.IsNullOrEmpty(parsed?.Query)
                ? (null, "The request body needs a 'query'.", StatusCodes.Status400BadRequest)
                : (parsed, null, 0);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or OverflowException)
        {
            return (null, "The request body is not valid GraphQL-over-HTTP JSON.", StatusCodes.Status400BadRequest);
        }
    }

    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> json) => json.StartsWith("\uFEFF"u8) ? json[3..] : json;

    private static bool IsMutation(GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = operationName is null
            ? operations.Count == 1 ? operations[0] : null
            : operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
        return operation?.Operation is OperationType.Mutation or OperationType.Subscription;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>graphql-dotnet's serializer, also reading UTF-8 bytes as they came (no string of the whole body).</summary>
    private sealed class Serializer(IErrorInfoProvider errors) : GraphQLSerializer(errors)
    {
        public T? Deserialize<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T>(json, SerializerOptions);
    }
}
