namespace Paas.Server.Security;

/// <summary>
/// Registration of the abuse limits: requests per minute per credential and per tenant, and the failed-sign-in throttle
/// per client address. Configured under <c>Paas:RateLimits</c> (see <see cref="RateLimitOptions"/>).
/// </summary>
public static class RateLimits
{
    /// <summary>
    /// Reads and checks <c>Paas:RateLimits</c> (a bad value throws here, at startup) and registers the limiter and the
    /// throttle. The throttle is registered even when the limits are off, since the authentication handler asks it.
    /// </summary>
    public static IServiceCollection AddPaasRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(RateLimitOptions.FromConfiguration(configuration));
        services.AddSingleton<RequestRateLimiter>();
        services.AddSingleton<FailedSignInThrottle>();
        return services;
    }

    /// <summary>Adds the limits to the pipeline. Call it right after <c>UseAuthentication</c>: the limits count per credential.</summary>
    public static IApplicationBuilder UsePaasRateLimits(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<RateLimitOptions>().Enabled)
        {
            app.UseMiddleware<RateLimitMiddleware>();
        }

        return app;
    }
}
