using Microsoft.Extensions.DependencyInjection;
using Paas.Core.Configuration;
using Paas.Core.Metadata;
using Paas.Data.Metadata;
using Paas.Testing;

namespace Paas.Data.Tests.Cluster;

public sealed class MetadataChangeFeedTests
{
    [Fact]
    public async Task A_change_made_on_one_node_reaches_the_metadata_cache_of_another_node()
    {
        await using var nodeA = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var (tenant, _) = await nodeA.CreateTenantAsync();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPaasData(nodeA.Options);
        await using var nodeB = services.BuildServiceProvider();
        var cacheB = nodeB.GetRequiredService<MetadataCache>();
        using var stop = new CancellationTokenSource();
        var listening = nodeB.GetRequiredService<MetadataChangeFeed>().ListenAsync(stop.Token);

        Assert.Equal(1, (await cacheB.GetAsync(tenant, CancellationToken.None)).Version);
        await Task.Delay(500);
        await nodeA.Metadata.CreateObjectAsync(tenant, new ObjectInput { ApiName = "Invoice", Label = "Invoice" }, CancellationToken.None);

        var seen = await WaitForAsync(async () => (await cacheB.GetAsync(tenant, CancellationToken.None)).FindObject("Invoice") is not null);
        await stop.CancelAsync();
        await listening;
        Assert.True(seen, "node B never saw the object created on node A");
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
