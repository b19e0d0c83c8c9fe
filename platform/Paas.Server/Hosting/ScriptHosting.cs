using Paas.Core.Scripting;
using Paas.Data.Platform;
using Paas.Data.Scripting;
using Paas.Scripting;

namespace Paas.Server.Hosting;

/// <summary>Operator settings of scripts (<c>Paas:Scripts</c>).</summary>
public sealed class ScriptHostingOptions
{
    /// <summary>How often the scheduler looks for scheduled scripts that are due.</summary>
    public int SchedulerIntervalSeconds { get; set; } = 15;

    /// <summary>How long the execution log is kept.</summary>
    public int RunRetentionDays { get; set; } = 30;

    /// <summary>The longest one execution may run, whatever its transaction's budget.</summary>
    public int MaxExecutionSeconds { get; set; } = 30;

    public ScriptHostingOptions Validate()
    {
        foreach (var (name, value, min, max) in new[]
                 {
                     ("SchedulerIntervalSeconds", SchedulerIntervalSeconds, 1, 3600), ("RunRetentionDays", RunRetentionDays, 1, 3650),
                     ("MaxExecutionSeconds", MaxExecutionSeconds, 1, 600),
                 })
        {
            if (value < min || value > max)
            {
                throw new InvalidOperationException($"Configuration value 'Paas:Scripts:{name}' must be a whole number from {min} to {max}.");
            }
        }

        return this;
    }
}

public static class ScriptHosting
{
    public static IServiceCollection AddPaasScripting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = (configuration.GetSection("Paas:Scripts").Get<ScriptHostingOptions>() ?? new ScriptHostingOptions()).Validate();
        services.AddSingleton(options);
        services.AddSingleton<IScriptRunner>(new JintScriptRunner(new JintScriptRunnerOptions { MaxExecutionTime = TimeSpan.FromSeconds(options.MaxExecutionSeconds) }));
        services.AddSingleton<ScriptService>();
        services.AddSingleton<ScriptScheduler>();
        services.AddSingleton<ScriptSchedulerService>();
        services.AddHostedService(s => s.GetRequiredService<ScriptSchedulerService>());
        return services;
    }
}

/// <summary>Runs due scheduled scripts of every active tenant, and prunes old execution logs.</summary>
public sealed class ScriptSchedulerService(TenantCatalog catalog, ScriptScheduler scheduler, ScriptService scripts, ScriptHostingOptions options,
    TimeProvider time, ILogger<ScriptSchedulerService> logger) : BackgroundService
{
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(options.SchedulerIntervalSeconds), time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var ran = 0;
        var purge = time.GetUtcNow() - _lastPurge > TimeSpan.FromHours(6);
        foreach (var tenant in await catalog.ListAsync(ct))
        {
            if (!tenant.IsActive)
            {
                continue;
            }

            try
            {
                ran += await scheduler.RunDueAsync(tenant, ct);
                if (purge)
                {
                    await scripts.PurgeRunsAsync(tenant, time.GetUtcNow() - TimeSpan.FromDays(options.RunRetentionDays), ct);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Scheduled scripts of tenant {Tenant} could not run.", tenant.Slug);
            }
        }

        if (purge)
        {
            _lastPurge = time.GetUtcNow();
        }

        return ran;
    }
}
