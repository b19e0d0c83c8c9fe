using System.Text.RegularExpressions;

namespace Paas.Server.Hosting;

/// <summary>Gives every request a correlation id (the caller's <c>X-Correlation-Id</c> if it is sane), echoes it and puts it on every log line.</summary>
public static partial class CorrelationId
{
    public const string Header = "X-Correlation-Id";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Safe();

    public static string Of(HttpContext context) => context.TraceIdentifier;

    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app)
    {
        // One logger for the process: creating it per request would take the logger factory's lock every time.
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Paas.Request");
        return app.Use(async (context, next) =>
        {
            var given = context.Request.Headers[Header].ToString();
            var id = Safe().IsMatch(given) ? given : Guid.NewGuid().ToString("N");
            context.TraceIdentifier = id;
            context.Response.Headers[Header] = id;
            using (logger.BeginScope(new Scope(id)))
            {
                await next(context);
            }
        });
    }

    /// <summary>The log scope of a request: one property, <c>CorrelationId</c>.</summary>
    private sealed class Scope(string id) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new KeyValuePair<string, object>("CorrelationId", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => 1;

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "CorrelationId:" + id;
    }

    /// <summary>Anything that escapes becomes a 500 with the correlation id, never a stack trace.</summary>
    public static IApplicationBuilder UseSafeErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Paas.Request")
                .LogError(ex, "Unhandled error {CorrelationId}", context.TraceIdentifier);
            context.Response.Clear();
            await Paas.GraphQL.Http.GraphQLHttpHandler.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, Paas.GraphQL.Http.GraphQLHttpHandler.Json,
                Core.Errors.ErrorCodes.Internal, $"An internal error occurred. Quote reference {context.TraceIdentifier} when reporting it.");
        }
    });
}
