using System.Globalization;
using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>Whether a job's resource request can ever fit a compute target, and which GPUs match it.</summary>
public static class ResourceFit
{
    /// <summary>Null when the request can fit; otherwise a sentence naming what is needed and what there is.</summary>
    public static string? WhyNever(JobResources? r, ComputeCapacity capacity)
    {
        if (r is null) return null;
        if (r.Cpu is { } cpu && cpu > capacity.Cpus)
            return $"this run needs {cpu} CPUs; {capacity.Description} has {capacity.Cpus}";
        if (r.MemoryBytes is { } mem && mem > capacity.MemoryBytes)
            return $"this run needs {Bytes(mem)} of memory; {capacity.Description} has {Bytes(capacity.MemoryBytes)}";
        if (r.GpuCount > 0)
        {
            var matching = MatchingGpus(r, capacity.Gpus);
            if (matching.Count < r.GpuCount)
                return $"this run needs {Gpus(r)}; {capacity.Description} has {(capacity.Gpus.Count == 0 ? "none" : string.Join(", ", capacity.Gpus.Select(g => $"{g.Name} ({Bytes(g.MemoryBytes)})")))}";
        }
        return null;
    }

    public static IReadOnlyList<GpuInfo> MatchingGpus(JobResources r, IReadOnlyList<GpuInfo> gpus) =>
        gpus.Where(g => (r.GpuName is null || g.Name.Contains(r.GpuName, StringComparison.OrdinalIgnoreCase))
                        && (r.GpuMemoryBytes is null || g.MemoryBytes >= r.GpuMemoryBytes)).ToList();

    public static string Gpus(JobResources r) =>
        $"{r.GpuCount} GPU{(r.GpuCount == 1 ? "" : "s")}" +
        (r.GpuName is null && r.GpuMemoryBytes is null ? "" :
            $" ({string.Join(", ", new[] { r.GpuName, r.GpuMemoryBytes is { } m ? $"≥{Bytes(m)}" : null }.OfType<string>())})");

    public static string Bytes(long bytes) =>
        bytes >= 1L << 30 ? (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + "GiB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + "MiB";
}
