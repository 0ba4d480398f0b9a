using System.Globalization;
using System.Text.RegularExpressions;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// One node as <c>scontrol show node -o</c> describes it: CPUs, memory, its partitions, state, GPUs by gres type and
/// its features (<c>AvailableFeatures</c>: the admin's labels, <c>docker</c> among them where Docker is).
/// </summary>
public sealed partial record SlurmNode(string Name, int Cpus, long MemoryMb, IReadOnlyList<string> Partitions, string State, IReadOnlyList<SlurmGpus> Gpus)
{
    /// <summary>The Slurm feature that says a node has Docker; a job with an image asks for it (<c>--constraint=docker</c>).</summary>
    public const string DockerFeature = "docker";

    public IReadOnlyList<string> Features { get; init; } = [];

    public bool HasDocker => Features.Contains(DockerFeature, StringComparer.OrdinalIgnoreCase);

    /// <summary>Its GPUs, one each, named by their gres type ("gpu" when untyped), with the memory their type implies (<see cref="GresGpuMemory"/>).</summary>
    public ComputeCapacity Capacity(string description) => new(Cpus, MemoryMb * (1L << 20),
        Gpus.SelectMany(g => Enumerable.Repeat(g.Type, g.Count)).Select((type, i) => new GpuInfo(i, type ?? "gpu", GresGpuMemory.Of(type))).ToList(), description);

    /// <summary>Every node line of <c>scontrol show node -o</c>; lines without a name are skipped.</summary>
    public static IReadOnlyList<SlurmNode> ParseAll(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).OfType<SlurmNode>().ToList();

    public static SlurmNode? Parse(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Field().Matches(line)) fields.TryAdd(m.Groups[1].Value, m.Groups[2].Value);
        if (!fields.TryGetValue("NodeName", out var name) || name.Length == 0) return null;
        return new SlurmNode(name, Int(fields.GetValueOrDefault("CPUTot")), Int(fields.GetValueOrDefault("RealMemory")),
            (fields.GetValueOrDefault("Partitions") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            fields.GetValueOrDefault("State") ?? "UNKNOWN", ParseGres(fields.GetValueOrDefault("Gres")))
        {
            Features = fields.GetValueOrDefault("AvailableFeatures") is { } features and not "(null)"
                ? features.Split(',', StringSplitOptions.RemoveEmptyEntries) : [],
        };
    }

    /// <summary>
    /// <c>gpu:2</c>, <c>gpu:a100:2</c>, <c>gpu:a100:2(S:0-1),gpu:v100:1</c>, <c>(null)</c>: the GPU entries (other gres, like mps, are not GPUs).
    /// </summary>
    public static IReadOnlyList<SlurmGpus> ParseGres(string? gres)
    {
        if (string.IsNullOrEmpty(gres) || gres == "(null)") return [];
        var result = new List<SlurmGpus>();
        foreach (var entry in Socket().Replace(gres, "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':');
            if (parts[0] != "gpu") continue;
            switch (parts.Length)
            {
                case 2 when int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n): result.Add(new SlurmGpus(null, n)); break;
                case 3 when int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n): result.Add(new SlurmGpus(parts[1], n)); break;
            }
        }
        return result;
    }

    private static int Int(string? value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    [GeneratedRegex(@"(?:^|\s)([A-Za-z]+)=(\S*)")]
    private static partial Regex Field();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Socket();
}

/// <summary><see cref="Count"/> GPUs of gres type <see cref="Type"/> (null: untyped, <c>gpu:N</c>).</summary>
public sealed record SlurmGpus(string? Type, int Count);
