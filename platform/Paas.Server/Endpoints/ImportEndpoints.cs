using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Paas.Core.Errors;
using Paas.Core.Tenancy;
using Paas.Data.Import;
using Paas.Data.Metadata;
using Paas.Data.Platform;
using Paas.GraphQL.Http;
using Paas.Server.Security;

namespace Paas.Server.Endpoints;

/// <summary>
/// <c>POST /import/{object}</c> with a CSV body (<c>text/csv</c>): records are loaded in batches through the write
/// pipeline. The answer streams as NDJSON: a progress line per batch, then a result line with the counts, the
/// first errors and an error file (CSV of the failed rows with their line and reasons).
/// </summary>
public static class ImportEndpoints
{
    public const long MaxImportBytes = 512L * 1024 * 1024;
    private const int MaxErrorFileRows = 10_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapPaasImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/import/{objectName}", ImportAsync).RequireAuthorization();
        return app;
    }

    private static async Task ImportAsync(HttpContext http, string objectName, MetadataCache metadataCache, RecordImporter importer)
    {
        if (await GraphQLEndpoints.TenantCallerAsync(http, metadataCache) is not { } caller)
        {
            return;
        }

        var tenant = caller.Tenant;

        if (http.Request.ContentType is not { } type || !type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            await Error(http, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.ValidationFailed, "Send the file as Content-Type: text/csv (UTF-8, first line = field API names).");
            return;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxImportBytes;
        }

        var metadata = await metadataCache.GetAsync(tenant, http.RequestAborted);
        var definition = metadata.FindObject(objectName);
        if (definition is null || !caller.Access!.CanRead(definition))
        {
            await Error(http, StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"There is no object '{objectName}'.");
            return;
        }

        var matchOnName = http.Request.Query["matchOn"].ToString();
        var matchOn = string.IsNullOrEmpty(matchOnName) ? null : definition.FindField(matchOnName);
        if (matchOn is not null && !caller.Access!.CanReadField(definition, matchOn))
        {
            matchOn = null; // A field the caller may not read does not exist for them (and must not serve as an oracle).
        }

        if (!string.IsNullOrEmpty(matchOnName) && matchOn is not { Unique: true })
        {
            await Error(http, StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, $"matchOn must name a unique field of '{objectName}'.");
            return;
        }

        var batchText = http.Request.Query["batchSize"].ToString();
        var batchSize = 1000;
        if (batchText.Length > 0 && (!int.TryParse(batchText, out batchSize) || batchSize is < 1 or > Paas.Data.Records.RecordWritePipeline.MaxBatchSize))
        {
            await Error(http, StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, $"batchSize must be a whole number from 1 to {Paas.Data.Records.RecordWritePipeline.MaxBatchSize}.");
            return;
        }

        var errorCsv = new StringWriter();
        var errorFile = new ImportErrorFile(errorCsv, MaxErrorFileRows);
        using var body = new StreamReader(http.Request.Body, Encoding.UTF8);
        ImportResult result;
        try
        {
            result = await importer.ImportAsync(caller, metadata, definition, body, matchOn, batchSize,
                async progress =>
                {
                    await StartStreamAsync(http);
                    await WriteLineAsync(http, new { type = "progress", progress.RowsRead, progress.Created, progress.Updated, progress.Failed });
                },
                errorFile.WriteAsync, http.RequestAborted);
        }
        catch (Exception ex) when (ex is PaasException or FormatException or BadHttpRequestException)
        {
            var (code, status) = ex switch
            {
                PaasException p => (p.Code, StatusCodes.Status400BadRequest),
                BadHttpRequestException b => (ErrorCodes.LimitExceeded, b.StatusCode),
                _ => (ErrorCodes.ValidationFailed, StatusCodes.Status400BadRequest),
            };
            if (!http.Response.HasStarted)
            {
                await Error(http, status, code, ex.Message, (ex as PaasException)?.FieldErrors);
                return;
            }

            await WriteLineAsync(http, new { type = "error", message = ex.Message, code });
            return;
        }

        await StartStreamAsync(http);
        await WriteLineAsync(http, new
        {
            type = "result",
            @object = result.Object,
            result.RowsRead,
            result.Created,
            result.Updated,
            result.Failed,
            elapsedMs = (long)result.Elapsed.TotalMilliseconds,
            errors = result.Errors.Select(e => new { e.Line, e.Field, e.Message }),
            errorCsv = errorFile.Rows > 0 ? errorCsv.ToString() : null,
        });
    }

    private static Task StartStreamAsync(HttpContext http)
    {
        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        }

        return Task.CompletedTask;
    }

    private static async Task WriteLineAsync(HttpContext http, object line)
    {
        await http.Response.WriteAsync(JsonSerializer.Serialize(line, Json) + "\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static Task Error(HttpContext http, int status, string code, string message, IReadOnlyList<FieldError>? fieldErrors = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = GraphQLHttpHandler.Json + "; charset=utf-8";
        var extensions = new Dictionary<string, object> { ["code"] = code };
        if (fieldErrors is { Count: > 0 })
        {
            extensions["fieldErrors"] = fieldErrors.Select(e => new { field = e.Field, message = e.Message });
        }

        return http.Response.WriteAsync(JsonSerializer.Serialize(new { errors = new[] { new { message, extensions } } }, Json), http.RequestAborted);
    }
}
