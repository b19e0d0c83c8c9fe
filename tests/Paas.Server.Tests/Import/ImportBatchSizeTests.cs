using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Paas.Core.Configuration;
using Paas.Server.Tests.Infrastructure;

namespace Paas.Server.Tests.Import;

public sealed class ImportBatchSizeTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("abc")]
    public async Task A_bad_batch_size_is_refused_before_anything_is_read(string batchSize)
    {
        await using var server = await PaasServer.StartAsync(DatabaseProvider.Sqlite);
        await server.MetadataOkAsync("""mutation { createObject(input: {apiName: "Item", label: "Item"}) { apiName } }""");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/import/Item?batchSize={batchSize}")
        {
            Content = new StringContent("name\nx\n", Encoding.UTF8, "text/csv"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PaasServer.AdminKey);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("VALIDATION_FAILED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await server.DataOkAsync("query { items { totalCount } }"))["items"]!["totalCount"]!.GetValue<long>());
    }
}
