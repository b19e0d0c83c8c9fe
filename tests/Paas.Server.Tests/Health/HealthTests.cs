using System.Net;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Server.Tests.Health;

public sealed class HealthTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Liveness_answers_200_without_a_credential(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        var response = await server.GetAsync("/healthz", key: null);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("ok", response.Json?["status"]?.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Readiness_reports_the_database_reachable_and_migrated(DatabaseProvider provider)
    {
        await using var server = await PaasServer.StartAsync(provider);

        var response = await server.GetAsync("/readyz", key: null);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.Json?["database"]?.GetValue<bool>(), response.Body);
        Assert.True(response.Json?["migrated"]?.GetValue<bool>(), response.Body);
    }

    [Fact]
    public async Task Configuration_reaches_Program_before_Build_so_the_database_is_in_the_test_folder()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        // Any request proves the bootstrap ran; the catalog must be in our temp folder, not under ./data.
        (await server.MetadataAsync("{ metadataVersion }")).AssertOk();
        Assert.True(File.Exists(Path.Combine(server.DataDirectory!, "paas.db")), "The SQLite catalog was not created in the test's temp folder.");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(server.DataDirectory!, "tenants"), "*.db"));
    }

    [Fact]
    public async Task Configuration_reaches_Program_so_PostgreSQL_uses_the_fresh_test_database()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Postgres);
        (await server.MetadataAsync("{ metadataVersion }")).AssertOk();

        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')";
        var tables = (long)(await command.ExecuteScalarAsync())!;
        Assert.True(tables > 0, "The server did not migrate the test's PostgreSQL database.");
        Npgsql.NpgsqlConnection.ClearPool(connection);
    }

    [Fact]
    public async Task Configured_keys_are_the_ones_that_work()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        (await server.MetadataAsync("{ metadataVersion }", key: PaasServer.AdminKey)).AssertOk();
        var tenants = (await server.PlatformAsync("{ tenants { slug } }", key: PaasServer.OperatorKey)).AssertOk();
        Assert.Contains(tenants["tenants"]!.AsArray(), t => t?["slug"]?.GetValue<string>() == PaasServer.BootstrapTenant);
    }
}
