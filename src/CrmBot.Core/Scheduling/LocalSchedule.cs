using CrmBot.Core.Data;

namespace CrmBot.Core.Scheduling;

/// <summary>
/// One user's nudge schedule with the admin defaults filled in, and the question every job asks:
/// "is it time yet, in this person's own time zone?"
/// </summary>
public sealed record LocalSchedule(TimeZoneInfo Zone, TimeOnly NudgeTime, int WorkingDaysMask, TimeOnly? QuietStart, TimeOnly? QuietEnd)
{
    public static LocalSchedule For(User user, NudgeOptions options) => new(
        Zones.Find(user.TimeZone),
        user.NudgeTime ?? options.DefaultNudgeTime,
        user.WorkingDaysMask ?? NudgeOptions.MaskOf(options.DefaultWorkingDays),
        user.QuietHoursStart ?? options.QuietHoursStart,
        user.QuietHoursEnd ?? options.QuietHoursEnd);

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, Zone);

    public bool IsWorkingDay(DayOfWeek day) => (WorkingDaysMask & 1 << (int)day) != 0;

    public bool IsQuiet(TimeOnly t)
    {
        if (QuietStart is not { } start || QuietEnd is not { } end || start == end)
            return false;
        return start < end ? t >= start && t < end : t >= start || t < end;   // the range may cross midnight
    }

    /// <summary>The local date whose nudge is due at <paramref name="utcNow"/>, or null when none is due now.</summary>
    public DateOnly? DueDate(DateTime utcNow, TimeOnly at)
    {
        var local = ToLocal(utcNow);
        var time = TimeOnly.FromDateTime(local);
        return IsWorkingDay(local.DayOfWeek) && time >= at && !IsQuiet(time) ? DateOnly.FromDateTime(local) : null;
    }

    public DateOnly? NudgeDueDate(DateTime utcNow) => DueDate(utcNow, NudgeTime);
}

/// <summary>IANA time zones, falling back to UTC for an id this machine does not know (a bad import must not stop the job).</summary>
public static class Zones
{
    public static TimeZoneInfo Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
            return TimeZoneInfo.Utc;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    /// <summary>UTC instant of a local wall-clock time (an invalid time in a DST gap moves forward an hour).</summary>
    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
            unspecified = unspecified.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }
}
