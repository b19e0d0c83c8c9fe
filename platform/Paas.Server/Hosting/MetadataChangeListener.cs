using Paas.Data.Metadata;

namespace Paas.Server.Hosting;

/// <summary>Keeps this node's metadata cache in step with changes made on other nodes.</summary>
public sealed class MetadataChangeListener(MetadataChangeFeed feed) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => feed.ListenAsync(stoppingToken);
}
