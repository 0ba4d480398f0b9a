using System.Globalization;

namespace Dstack.Cli;

/// <summary>Parses <c>--since</c>: a relative age (<c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c>) or an ISO time.</summary>
public static class Since
{
    public static DateTimeOffset Parse(string text, DateTimeOffset now)
    {
        if (text.Length >= 2 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? unit = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(1), 'm' => TimeSpan.FromMinutes(1), 'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1), 'w' => TimeSpan.FromDays(7), _ => null,
            };
            if (unit is { } u) return now - u * n;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        throw UsageException.BadSince(text);
    }
}
