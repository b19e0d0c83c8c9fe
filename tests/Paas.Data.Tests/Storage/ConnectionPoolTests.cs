using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paas.Core.Configuration;
using Paas.Testing;

namespace Paas.Data.Tests.Storage;

/// <summary>The PostgreSQL data source: a pool sized to the server's cores unless the connection string sizes it.</summary>
public sealed class ConnectionPoolTests
{
    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 16)]
    [InlineData(4, 32)]
    [InlineData(64, 100)]
    public void The_default_pool_has_eight_connections_per_core_between_16_and_100(int processors, int expected) =>
        Assert.Equal(expected, DataServiceCollectionExtensions.DefaultMaxPoolSize(processors));

    [Theory]
    [InlineData("Host=db;Username=app", false)]
    [InlineData("Host=db;Maximum Pool Size=40", true)]
    [InlineData("Host=db;maximum pool size=40", true)]
    [InlineData("Host=db;MaxPoolSize=40", true)]
    [InlineData("Host=db;Minimum Pool Size=4", false)]
    [InlineData("", false)]
    public void A_configured_pool_size_is_recognised_under_either_name(string connectionString, bool sets) =>
        Assert.Equal(sets, DataServiceCollectionExtensions.SetsMaxPoolSize(connectionString));

    [Fact]
    public async Task The_data_source_gets_the_default_size_and_keeps_a_configured_one()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);

        int PoolSize(string connectionString)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddPaasData(new PaasDatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString });
            using var provider = services.BuildServiceProvider();
            return new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize;
        }

        var unsized = new NpgsqlConnectionStringBuilder(database.Options.ConnectionString);
        unsized.Remove("Maximum Pool Size");
        Assert.False(DataServiceCollectionExtensions.SetsMaxPoolSize(unsized.ConnectionString), unsized.ConnectionString);
        Assert.Equal(DataServiceCollectionExtensions.DefaultMaxPoolSize(Environment.ProcessorCount), PoolSize(unsized.ConnectionString));
        Assert.Equal(37, PoolSize(unsized.ConnectionString + ";Maximum Pool Size=37"));
    }
}
