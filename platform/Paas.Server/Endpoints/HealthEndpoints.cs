using Paas.Data.Platform;
using Paas.Data.Storage;

namespace Paas.Server.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the database answers and the catalog is migrated).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapPaasHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        app.MapGet("/readyz", async (IDatabaseConnector connector, PlatformMigrator migrator, CancellationToken ct) =>
        {
            var database = await connector.CanConnectAsync(ct);
            var migrated = database && await migrator.IsUpToDateAsync(ct);
            var ready = database && migrated;
            return Results.Json(new { status = ready ? "ready" : "not-ready", database, migrated }, statusCode: ready ? 200 : 503);
        });
        return app;
    }
}
