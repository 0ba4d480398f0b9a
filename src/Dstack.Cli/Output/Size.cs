using System.Globalization;

namespace Dstack.Cli.Output;

/// <summary>Binary sizes for people: <c>512B</c>, <c>9.8KiB</c>, <c>7.5MiB</c>.</summary>
public static class Size
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Format(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1) { value /= 1024; unit++; }
        return unit == 0 ? $"{bytes}B" : value.ToString("0.0", CultureInfo.InvariantCulture) + Units[unit];
    }
}
