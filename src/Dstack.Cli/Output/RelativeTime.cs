namespace Dstack.Cli.Output;

/// <summary>"now", "5 mins ago", "yesterday": how long ago something happened, roughly.</summary>
public static class RelativeTime
{
    public static string Format(DateTimeOffset then, DateTimeOffset now)
    {
        var ago = now - then;
        if (ago < TimeSpan.FromSeconds(10)) return "now";
        if (ago < TimeSpan.FromMinutes(1)) return Texts.GetOrAdd(((int)ago.TotalSeconds, "sec"), static key => $"{key.Item1} sec ago");
        if (ago < TimeSpan.FromHours(1)) return Plural((int)ago.TotalMinutes, "min");
        if (ago < TimeSpan.FromDays(1)) return Plural((int)ago.TotalHours, "hour");
        if (ago < TimeSpan.FromDays(2)) return "yesterday";
        if (ago < TimeSpan.FromDays(14)) return Plural((int)ago.TotalDays, "day");
        if (ago < TimeSpan.FromDays(60)) return Plural((int)(ago.TotalDays / 7), "week");
        if (ago < TimeSpan.FromDays(365)) return Plural((int)(ago.TotalDays / 30), "month");
        return Plural((int)(ago.TotalDays / 365), "year");
    }

    // `ps -a` of 10,000 runs asks for a few dozen distinct texts: each is made once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, string), string> Texts = new();

    private static string Plural(int n, string unit) =>
        Texts.GetOrAdd((n, unit), static key => key.Item1 == 1 ? $"1 {key.Item2} ago" : $"{key.Item1} {key.Item2}s ago");
}
