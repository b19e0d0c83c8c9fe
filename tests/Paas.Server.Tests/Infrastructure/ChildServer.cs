using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paas.Server.Tests.Infrastructure;

/// <summary>
/// The built server (<c>platform/Paas.Server/bin/…/Paas.Server.dll</c>) run as a child process on a SQLite folder, so a
/// test can kill it with SIGKILL and start it again on the same files, as a crash and a restart would.
/// </summary>
public sealed class ChildServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _client;
    private readonly List<string> _output = [];

    private ChildServer(Process process, HttpClient client)
    {
        _process = process;
        _client = client;
    }

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output.TakeLast(40));
            }
        }
    }

    public static async Task<ChildServer> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(ServerAssembly());
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Paas__Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Platform"] = $"Data Source={Path.Combine(dataDirectory, "paas.db")}";
        start.Environment["Paas__Bootstrap__Tenant"] = PaasServer.BootstrapTenant;
        start.Environment["Paas__Bootstrap__AdminApiKey"] = PaasServer.AdminKey;
        start.Environment["Paas__Bootstrap__OperatorApiKey"] = PaasServer.OperatorKey;
        start.Environment["Paas__Bootstrap__Modules"] = "none";
        start.Environment["Paas__Bootstrap__SampleData"] = "false";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PaasServer.AdminKey);
        var child = new ChildServer(process, client);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await child.WaitUntilReadyAsync();
        return child;
    }

    /// <summary>SIGKILL: no shutdown, no flushing, no finally blocks.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<JsonNode> PostOkAsync(string path, string query, object? variables = null)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(body);
        Assert.True(response.StatusCode == HttpStatusCode.OK && json?["errors"] is null && json?["data"] is not null, $"{(int)response.StatusCode}: {body}");
        return json!["data"]!;
    }

    public Task<JsonNode> DataOkAsync(string query, object? variables = null) => PostOkAsync(PaasServer.DataPath, query, variables);

    public Task<JsonNode> MetadataOkAsync(string query, object? variables = null) => PostOkAsync(PaasServer.MetadataPath, query, variables);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        _client.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"The server exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}");
            try
            {
                using var response = await _client.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The server did not become ready in 60 s:\n{Output}");
    }

    /// <summary>The server built next to this test assembly's configuration (Debug or Release), found from the solution folder.</summary>
    private static string ServerAssembly()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = directory.Name;
        var configuration = directory.Parent!.Name;
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Paas.sln")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, "The solution folder (with Paas.sln) was not found above the test assembly.");
        var path = Path.Combine(directory!.FullName, "platform", "Paas.Server", "bin", configuration, framework, "Paas.Server.dll");
        Assert.True(File.Exists(path), $"The server is not built at {path}.");
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
