using Microsoft.Extensions.Configuration;
using Paas.Core.Configuration;
using Paas.Server.Security;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.RateLimits;

/// <summary><c>Paas:RateLimits:…</c>: defaults, and a bad value stops the server at startup with a message naming the key.</summary>
public sealed class RateLimitConfigurationTests
{
    private static RateLimitOptions Read(params (string Key, string Value)[] values) =>
        RateLimitOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    [Fact]
    public void Unset_keys_take_the_documented_defaults()
    {
        var options = Read();

        Assert.True(options.Enabled);
        Assert.Equal(6000, options.PerCredentialPerMinute);
        Assert.Equal(30000, options.PerTenantPerMinute);
        Assert.Equal(20, options.FailedSignInsPerMinute);
    }

    [Fact]
    public void Set_keys_are_read()
    {
        var options = Read(
            ("Paas:RateLimits:Enabled", "False"),
            ("Paas:RateLimits:PerCredentialPerMinute", "5"),
            ("Paas:RateLimits:PerTenantPerMinute", " 7 "),
            ("Paas:RateLimits:FailedSignInsPerMinute", "3"));

        Assert.False(options.Enabled);
        Assert.Equal(5, options.PerCredentialPerMinute);
        Assert.Equal(7, options.PerTenantPerMinute);
        Assert.Equal(3, options.FailedSignInsPerMinute);
    }

    [Theory]
    [InlineData("PerCredentialPerMinute", "0")]
    [InlineData("PerCredentialPerMinute", "1.5")]
    [InlineData("PerTenantPerMinute", "-5")]
    [InlineData("PerTenantPerMinute", "")]
    [InlineData("FailedSignInsPerMinute", "many")]
    [InlineData("FailedSignInsPerMinute", "99999999999")]
    [InlineData("Enabled", "yes")]
    public void A_bad_value_is_refused_naming_the_key(string name, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("Paas:RateLimits:" + name, value)));

        Assert.Contains("'Paas:RateLimits:" + name + "'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PerCredentialPerMinute", "0")]
    [InlineData("PerTenantPerMinute", "lots")]
    [InlineData("FailedSignInsPerMinute", "-1")]
    [InlineData("Enabled", "maybe")]
    public async Task The_server_does_not_start_with_a_bad_value_and_says_which_key(string name, string value)
    {
        var key = "Paas:RateLimits:" + name;

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { [key] = value });
        });

        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        Assert.True(messages.Any(m => m.Contains(key, StringComparison.Ordinal)), $"No message names {key}: {string.Join(" | ", messages)}");
    }
}
