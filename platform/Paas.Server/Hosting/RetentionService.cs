using Paas.Data.Platform;
using Paas.Data.Security;

namespace Paas.Server.Hosting;

/// <summary>How long audit entries and field history are kept (<c>Paas:Audit</c>); 0 keeps them forever.</summary>
public sealed class RetentionOptions
{
    public int AuditRetentionDays { get; set; } = 365;
    public int HistoryRetentionDays { get; set; } = 730;
    public int IntervalMinutes { get; set; } = 60 * 6;

    public RetentionOptions Validate()
    {
        foreach (var (name, value, min) in new[] { ("AuditRetentionDays", AuditRetentionDays, 0), ("HistoryRetentionDays", HistoryRetentionDays, 0), ("IntervalMinutes", IntervalMinutes, 1) })
        {
            if (value < min || value > 36_500)
            {
                throw new InvalidOperationException($"Configuration value 'Paas:Audit:{name}' must be a whole number from {min} to 36500.");
            }
        }

        return this;
    }

    public TimeSpan? Audit => AuditRetentionDays == 0 ? null : TimeSpan.FromDays(AuditRetentionDays);
    public TimeSpan? History => HistoryRetentionDays == 0 ? null : TimeSpan.FromDays(HistoryRetentionDays);
}

/// <summary>Prunes every tenant's audit log and field history on a schedule, shortly after start and then every interval.</summary>
public sealed class RetentionService(TenantCatalog catalog, RetentionPolicy policy, RetentionOptions options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Audit is null && options.History is null)
        {
            return;
        }

        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromMinutes(options.IntervalMinutes), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        foreach (var tenant in await catalog.ListAsync(ct))
        {
            try
            {
                var (audit, history) = await policy.PruneAsync(tenant, options.Audit, options.History, ct);
                if (audit + history > 0)
                {
                    logger.LogInformation("Pruned {Audit} audit entries and {History} field history entries of tenant {Tenant}", audit, history, tenant.Slug);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Pruning the audit log of tenant {Tenant} failed", tenant.Slug);
            }
        }
    }
}
