using System.Net;
using System.Text.RegularExpressions;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.Http;

/// <summary>Every response carries <c>X-Correlation-Id</c>: the caller's when it is safe, a fresh one otherwise.</summary>
public sealed partial class CorrelationIdTests
{
    private const string Header = "X-Correlation-Id";

    [GeneratedRegex("^[A-Za-z0-9._-]{8,64}$")]
    private static partial Regex Generated();

    [Fact]
    public async Task A_safe_correlation_id_is_echoed_on_success_and_on_errors()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        foreach (var (path, key) in new[] { (PaasServer.DataPath, PaasServer.AdminKey), (PaasServer.DataPath, (string?)null), ("/healthz", null) })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path + "?query=%7B_metadataVersion%7D");
            request.Headers.Add(Header, "abc-123.DEF_456");
            var response = await server.SendAsync(request, key);
            Assert.Equal("abc-123.DEF_456", response.Header(Header));
        }
    }

    [Fact]
    public async Task A_fresh_correlation_id_is_generated_when_absent()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);

        var first = await server.GetAsync("/healthz", key: null);
        var second = await server.PostAsync(PaasServer.DataPath, "{ _metadataVersion }");
        var unauthorised = await server.PostAsync(PaasServer.DataPath, "{ _metadataVersion }", key: null);

        var ids = new[] { first, second, unauthorised }.Select(r => r.Header(Header)).ToList();
        foreach (var id in ids)
        {
            Assert.NotNull(id);
            Assert.Matches(Generated(), id);
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task An_unsafe_correlation_id_is_replaced()
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);
        string[] unsafeIds =
        [
            "has space",
            "<script>alert(1)</script>",
            "id;drop table tenants",
            "back\\slash",
            "quote\"d",
            "0123456789012345678901234567890123456789012345678901234567890123456789",
        ];

        foreach (var unsafeId in unsafeIds)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, PaasServer.DataPath)
            {
                Content = new StringContent("""{"query":"{ _metadataVersion }"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            Assert.True(request.Headers.TryAddWithoutValidation(Header, unsafeId));

            var response = await server.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.Status);
            var echoed = response.Header(Header);
            Assert.NotNull(echoed);
            Assert.NotEqual(unsafeId, echoed);
            Assert.Matches(Generated(), echoed);
            Assert.DoesNotContain(unsafeId, response.Body, StringComparison.Ordinal);
        }
    }
}
