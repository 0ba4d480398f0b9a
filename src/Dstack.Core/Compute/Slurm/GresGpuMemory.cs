using System.Globalization;
using System.Text.RegularExpressions;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// A GPU's memory from its gres type, since Slurm does not say it: a size in the name wins (<c>a100-80gb</c>,
/// <c>v100_32g</c>), else the model's usual size (<c>a100</c> → 40 GB); an untyped or unknown GPU has none known (0).
/// </summary>
public static partial class GresGpuMemory
{
    // Normalised (lower case, letters and digits only) model → GB: the smallest memory the model ships with.
    private static readonly Dictionary<string, int> Models = new(StringComparer.Ordinal)
    {
        ["h200"] = 141, ["gh200"] = 96, ["h100"] = 80, ["a100"] = 40, ["a800"] = 40, ["v100"] = 16, ["v100s"] = 32,
        ["p100"] = 16, ["p40"] = 24, ["t4"] = 16, ["l4"] = 24, ["a10"] = 24, ["a10g"] = 24, ["a30"] = 24, ["a40"] = 48,
        ["l40"] = 48, ["l40s"] = 48, ["a2"] = 16, ["k80"] = 12, ["rtx6000"] = 24, ["a6000"] = 48, ["rtxa6000"] = 48,
        ["a5000"] = 24, ["rtxa5000"] = 24, ["a4000"] = 16, ["rtxa4000"] = 16, ["rtx4090"] = 24, ["rtx3090"] = 24,
        ["rtx3080"] = 10, ["rtx2080ti"] = 11, ["titanv"] = 12, ["titanrtx"] = 24, ["mi300x"] = 192, ["mi250x"] = 128,
        ["mi250"] = 128, ["mi210"] = 64, ["mi100"] = 32,
    };

    // Prefixes admins put before the model (tesla_v100, nvidia_a100, amd_mi250x), taken off in this order.
    private static readonly string[] Vendors = ["nvidia", "amd", "tesla", "geforce", "instinct"];

    /// <summary>Bytes of memory of one GPU of gres type <paramref name="type"/>; 0 when unknown.</summary>
    public static long Of(string? type)
    {
        if (string.IsNullOrEmpty(type)) return 0;
        if (SizeInName().Match(type) is { Success: true } m) return GiB(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var model = new string(type.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        foreach (var vendor in Vendors) if (model.StartsWith(vendor, StringComparison.Ordinal) && model.Length > vendor.Length) model = model[vendor.Length..];
        return Models.TryGetValue(model, out var gb) ? GiB(gb) : 0;
    }

    private static long GiB(int gb) => gb * (1L << 30);

    [GeneratedRegex(@"[-_:.]?(\d{1,3})g(?:b)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SizeInName();
}
