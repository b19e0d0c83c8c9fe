using Paas.Data.Platform;
using Paas.Workflows.Definitions;
using Paas.Workflows.Runtime;

namespace Paas.Server.Hosting;

/// <summary>Operator settings of the workflow worker (<c>Paas:Workflows</c>).</summary>
public sealed class WorkflowHostingOptions
{
    /// <summary>Whether this node runs the worker (several nodes may; they share the work through row locks).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How long the worker sleeps when there is nothing to do and nothing new was queued on this node.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    public WorkflowHostingOptions Validate()
    {
        if (PollMilliseconds is < 10 or > 60_000)
        {
            throw new InvalidOperationException("Configuration value 'Paas:Workflows:PollMilliseconds' must be a whole number from 10 to 60000.");
        }

        return this;
    }
}

public static class WorkflowHosting
{
    public static IServiceCollection AddPaasWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton((configuration.GetSection("Paas:Workflows").Get<WorkflowHostingOptions>() ?? new WorkflowHostingOptions()).Validate());
        services.AddSingleton<WorkflowValidator>();
        services.AddSingleton<WorkflowDefinitionService>();
        services.AddSingleton<Paas.Workflows.Stages.StageProcessService>();
        services.AddSingleton<WorkflowRuntime>();
        services.AddSingleton<WorkflowSimulator>();
        services.AddSingleton<Paas.Data.Workflows.IWorkflowStarter>(s => s.GetRequiredService<WorkflowRuntime>());
        services.AddHostedService<WorkflowWorker>();
        return services;
    }
}

/// <summary>Runs due workflow steps of every active tenant: at once when this node queued work, else every poll interval.</summary>
public sealed class WorkflowWorker(TenantCatalog catalog, WorkflowRuntime runtime, WorkflowHostingOptions options, ILogger<WorkflowWorker> logger) : BackgroundService
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
                foreach (var tenant in await catalog.ListAsync(stoppingToken))
                {
                    if (!tenant.IsActive)
                    {
                        continue;
                    }

                    try
                    {
                        ran += await runtime.RunDueAsync(tenant, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning(ex, "Workflow steps of tenant {Tenant} could not run.", tenant.Slug);
                    }
                }

                if (ran == 0)
                {
                    await runtime.WaitForWorkAsync(TimeSpan.FromMilliseconds(options.PollMilliseconds), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
