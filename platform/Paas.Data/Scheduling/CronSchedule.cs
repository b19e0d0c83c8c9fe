using Cronos;

namespace Paas.Data.Scheduling;

/// <summary>
/// Cron expressions of scheduled scripts and scheduled workflows (Cronos): five fields (minute hour day month weekday), or
/// six with seconds first, read in a time zone. Schedules fire at most once a minute, so one tenant's schedule cannot
/// crowd out the others'.
/// </summary>
public static class CronSchedule
{
    public const string FormatRule = "A cron expression of five fields (minute hour day month weekday), or six with seconds first, is required.";

    public static CronExpression? Parse(string? cron)
    {
        if (cron is null || cron.Length > 200)
        {
            return null;
        }

        var format = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length switch
        {
            5 => CronFormat.Standard,
            6 => CronFormat.IncludeSeconds,
            _ => (CronFormat?)null,
        };
        return format is not null && CronExpression.TryParse(cron, format.Value, out var parsed) ? parsed : null;
    }

    /// <summary>A time zone by IANA (or Windows) id; null when there is no such zone.</summary>
    public static TimeZoneInfo? Zone(string? id)
    {
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return id.Length is > 0 and <= 64 ? TimeZoneInfo.FindSystemTimeZoneById(id) : null;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>Why the expression is not an acceptable schedule (it never fires, or fires more often than once a minute); null when it is.</summary>
    public static string? Problem(CronExpression expression, TimeZoneInfo zone)
    {
        // Every gap over two days is checked (a day covers every hour and minute pattern; sub-minute gaps repeat within it).
        var start = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var previous = expression.GetNextOccurrence(start, zone, inclusive: true);
        if (previous is null)
        {
            return "The schedule never fires.";
        }

        for (var i = 0; i < 3000; i++)
        {
            var next = expression.GetNextOccurrence(previous.Value, zone);
            if (next is null || next.Value - start > TimeSpan.FromDays(2))
            {
                break;
            }

            if (next.Value - previous.Value < TimeSpan.FromMinutes(1))
            {
                return "A schedule fires at most once a minute.";
            }

            previous = next;
        }

        return null;
    }

    /// <summary>The first occurrence after <paramref name="after"/>, or null when there is none.</summary>
    public static DateTimeOffset? Next(string cron, DateTimeOffset after, TimeZoneInfo zone) =>
        Parse(cron)?.GetNextOccurrence(after.UtcDateTime, zone) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;
}
