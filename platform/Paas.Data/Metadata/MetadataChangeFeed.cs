using Microsoft.Extensions.Logging;
using Npgsql;
using Paas.Core.Configuration;
using Paas.Data.Storage;

namespace Paas.Data.Metadata;

/// <summary>
/// Tells the other server nodes about metadata changes. On PostgreSQL a change sends <c>NOTIFY paas_metadata</c>
/// with the tenant and its new version inside its transaction (so it is delivered only if the change commits);
/// every node listens and drops its cached snapshot when it is older. SQLite is single-node, so nothing is sent.
/// </summary>
public sealed class MetadataChangeFeed(IDatabaseConnector connector, MetadataCache cache, ILogger<MetadataChangeFeed> logger)
{
    public const string Channel = "paas_metadata";

    public static async Task AnnounceAsync(TenantSession session, long version, CancellationToken ct)
    {
        if (session.Dialect.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        var statement = session.Statement();
        var payload = statement.Parameter(null, $"{session.Tenant.Id:D}:{version}");
        statement.Append($"SELECT pg_notify('{Channel}', {payload})");
        await session.ScalarAsync(statement, ct);
    }

    /// <summary>Listens until cancelled, reconnecting after failures. Returns at once on engines without notifications.</summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        if (connector is not PostgresConnector postgres)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // A connection of its own, outside the pool: it stays subscribed and must never serve a request.
                var unpooled = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false, KeepAlive = 30 };
                await using var connection = new NpgsqlConnection(unpooled.ConnectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                // Changes may have been missed while not listening: forget every snapshot once connected.
                cache.ForgetAll();
                delay = TimeSpan.FromSeconds(1);
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                logger.LogWarning(ex, "Lost the metadata change feed; reconnecting in {Delay}", delay);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private void OnNotification(string payload)
    {
        var parts = payload.Split(':');
        if (parts.Length == 2 && Guid.TryParse(parts[0], out var tenantId) && long.TryParse(parts[1], out var version))
        {
            cache.ForgetIfOlder(tenantId, version);
        }
    }
}
