using Paas.Core.Tenancy;
using Paas.Data.Platform;
using Paas.Workflows.Definitions;
using Paas.Workflows.Runtime;
using Paas.Workflows.Webhooks;

namespace Paas.Server.Hosting;

/// <summary>Operator settings of the workflow worker (<c>Paas:Workflows</c>).</summary>
public sealed class WorkflowHostingOptions
{
    /// <summary>Whether this node runs the worker (several nodes may; they share the work through row locks).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How long the worker sleeps when there is nothing to do and nothing new was queued on this node.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How many steps this node runs side by side (PostgreSQL; SQLite runs one at a time, having one writer).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Comma-separated host names webhooks may reach over plain http and on private or loopback addresses.</summary>
    public string WebhookAllowedHosts { get; set; } = "";

    /// <summary>How long one webhook attempt may take.</summary>
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts before a webhook delivery is given up.</summary>
    public int WebhookMaxAttempts { get; set; } = 8;

    public WorkflowHostingOptions Validate()
    {
        foreach (var (name, value, min, max) in new[]
                 {
                     ("PollMilliseconds", PollMilliseconds, 10, 60_000), ("Concurrency", Concurrency, 1, 64), ("WebhookTimeoutSeconds", WebhookTimeoutSeconds, 1, 60), ("WebhookMaxAttempts", WebhookMaxAttempts, 1, 20),
                 })
        {
            if (value < min || value > max)
            {
                throw new InvalidOperationException($"Configuration value 'Paas:Workflows:{name}' must be a whole number from {min} to {max}.");
            }
        }

        return this;
    }

    public WebhookOptions Webhooks() => new(WebhookAllowedHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), WebhookTimeoutSeconds, WebhookMaxAttempts);
}

public static class WorkflowHosting
{
    public static IServiceCollection AddPaasWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        var options = (configuration.GetSection("Paas:Workflows").Get<WorkflowHostingOptions>() ?? new WorkflowHostingOptions()).Validate();
        services.AddSingleton(options);
        services.AddSingleton(options.Webhooks());
        services.AddSingleton<WorkflowValidator>();
        services.AddSingleton<WorkflowDefinitionService>();
        services.AddSingleton<Paas.Workflows.Stages.StageProcessService>();
        services.AddSingleton<WorkflowRuntime>();
        services.AddSingleton<WorkflowSimulator>();
        services.AddSingleton<Paas.Data.Workflows.IWorkflowStarter>(s => s.GetRequiredService<WorkflowRuntime>());
        services.AddHostedService<WorkflowWorker>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService<WebhookDeliveryWorker>();
        return services;
    }
}

/// <summary>
/// Runs due workflow steps of every active tenant: at once when this node queued work, else when the earliest queued step
/// falls due, and at least every poll interval (work queued by other nodes, schedules).
/// </summary>
public sealed class WorkflowWorker(TenantCatalog catalog, WorkflowRuntime runtime, WorkflowHostingOptions options, TimeProvider time, ILogger<WorkflowWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WorkerEnabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var ran = 0;
                var started = time.GetUtcNow();
                var tenants = (await catalog.ListAsync(stoppingToken)).Where(t => t.IsActive).ToList();
                foreach (var tenant in tenants)
                {
                    try
                    {
                        ran += await runtime.StartScheduledAsync(tenant, stoppingToken);
                        ran += await runtime.RunDueAsync(tenant, stoppingToken, concurrency: options.Concurrency);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning(ex, "Workflow steps of tenant {Tenant} could not run.", tenant.Slug);
                    }
                }

                if (ran == 0)
                {
                    await runtime.WaitForWorkAsync(await SleepAsync(tenants, started, stoppingToken), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Until the earliest queued step of any tenant falls due, at most the poll interval.</summary>
    private async Task<TimeSpan> SleepAsync(IReadOnlyList<TenantInfo> tenants, DateTimeOffset passStarted, CancellationToken ct)
    {
        var sleep = TimeSpan.FromMilliseconds(options.PollMilliseconds);
        foreach (var tenant in tenants)
        {
            try
            {
                if (await runtime.NextDueAsync(tenant, ct) is { } due)
                {
                    // Due before this pass began yet not run: another node holds it; look again shortly rather than at once.
                    var until = due <= passStarted ? TimeSpan.FromMilliseconds(50) : due - time.GetUtcNow();
                    sleep = until < sleep ? until : sleep;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The next workflow step of tenant {Tenant} could not be read.", tenant.Slug);
            }
        }

        return sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep;
    }
}

/// <summary>Sends the webhooks of every active tenant that are due, every poll interval (they are queued by any node's steps).</summary>
public sealed class WebhookDeliveryWorker(TenantCatalog catalog, WebhookDispatcher dispatcher, WorkflowHostingOptions options, ILogger<WebhookDeliveryWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WorkerEnabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var sent = 0;
                foreach (var tenant in await catalog.ListAsync(stoppingToken))
                {
                    if (!tenant.IsActive)
                    {
                        continue;
                    }

                    try
                    {
                        sent += await dispatcher.DeliverDueAsync(tenant, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning(ex, "Webhooks of tenant {Tenant} could not be sent.", tenant.Slug);
                    }
                }

                if (sent == 0)
                {
                    await Task.Delay(options.PollMilliseconds, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
