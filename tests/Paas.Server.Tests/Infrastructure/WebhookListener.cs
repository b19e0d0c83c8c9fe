using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Paas.Server.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver for outbound webhooks (Kestrel on a free loopback port): records every request and answers with
/// the next queued status code (200 when none is queued), optionally after a delay.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers = new();

    private WebhookListener(WebApplication app) => _app = app;

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>How long the receiver waits before answering.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public int Port { get; private set; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>Answers the next requests with these statuses, in order.</summary>
    public void AnswerWith(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue(status);
        }
    }

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var listener = new WebhookListener(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            listener.Requests.Enqueue(new Received(http.Request.Path, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            if (listener.Delay > TimeSpan.Zero)
            {
                await Task.Delay(listener.Delay);
            }

            http.Response.StatusCode = listener._answers.TryDequeue(out var status) ? status : 200;
        });
        await app.StartAsync();
        listener.Port = new Uri(app.Urls.First()).Port;
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
