using Npgsql;
using Paas.Testing;

namespace Paas.Data.Tests.Infrastructure;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task CreateDatabaseAsync_returns_two_distinct_working_databases()
    {
        var first = await PostgresServer.CreateDatabaseAsync();
        var second = await PostgresServer.CreateDatabaseAsync();

        var firstName = new NpgsqlConnectionStringBuilder(first).Database;
        var secondName = new NpgsqlConnectionStringBuilder(second).Database;
        Assert.False(string.IsNullOrEmpty(firstName));
        Assert.False(string.IsNullOrEmpty(secondName));
        Assert.NotEqual(firstName, secondName);

        await using var a = new NpgsqlConnection(first);
        await using var b = new NpgsqlConnection(second);
        await a.OpenAsync();
        await b.OpenAsync();

        Assert.Equal(1, await ScalarAsync<int>(a, "select 1"));
        Assert.Equal(1, await ScalarAsync<int>(b, "select 1"));
        Assert.Equal(firstName, await ScalarAsync<string>(a, "select current_database()"));
        Assert.Equal(secondName, await ScalarAsync<string>(b, "select current_database()"));

        await ExecuteAsync(a, "create table probe (id int primary key, name text not null)");
        await ExecuteAsync(a, "insert into probe (id, name) values (1, 'één')");

        Assert.Equal("één", await ScalarAsync<string>(a, "select name from probe where id = 1"));
        Assert.True(await ScalarAsync<bool>(a, "select to_regclass('public.probe') is not null"));
        Assert.False(await ScalarAsync<bool>(b, "select to_regclass('public.probe') is not null"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<long>(b, "select count(*) from probe"));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);
    }

    [Fact]
    public async Task CreateDatabaseAsync_returns_pooled_connection_strings_with_a_modest_pool()
    {
        var builder = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync());

        Assert.True(builder.Pooling);
        Assert.InRange(builder.MaxPoolSize, 1, 50);
    }

    [Fact]
    public async Task CreateDatabaseAsync_is_safe_to_call_concurrently()
    {
        var connectionStrings = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostgresServer.CreateDatabaseAsync()));

        var names = connectionStrings.Select(cs => new NpgsqlConnectionStringBuilder(cs).Database).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var connectionString in connectionStrings)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            Assert.Equal(1, await ScalarAsync<int>(connection, "select 1"));
        }
    }

    [Fact]
    public async Task AdminConnectionString_is_stable_and_connects_as_superuser()
    {
        var admin = PostgresServer.AdminConnectionString;
        Assert.Equal(admin, PostgresServer.AdminConnectionString);

        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        Assert.Equal("on", await ScalarAsync<string>(connection, "show is_superuser"));
        Assert.Equal("UTF8", await ScalarAsync<string>(connection, "show server_encoding"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var result = await command.ExecuteScalarAsync();
        return (T)result!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
