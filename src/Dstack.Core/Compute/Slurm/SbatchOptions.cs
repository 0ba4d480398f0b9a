using System.Globalization;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// The target's settings and a job's <c>resources</c> as Slurm options: <c>cpu</c> → <c>--cpus-per-task</c>, <c>memory</c> →
/// <c>--mem</c> (MiB, rounded up), <c>gpu</c> → <c>--gres=gpu[:TYPE]:N</c> with the cluster's gres type for <c>gpu.name</c>
/// and, for <c>gpu.memory</c>, the smallest type that has it (<see cref="GresGpuMemory"/>).
/// Only options Slurm 20.11 has.
/// </summary>
public static class SbatchOptions
{
    public static IReadOnlyList<string> Of(SlurmSettings settings, JobResources? resources, IEnumerable<string?> gresTypes)
    {
        var options = new List<string>();
        if (settings.Partition is { } partition) options.Add($"--partition={partition}");
        if (settings.Account is { } account) options.Add($"--account={account}");
        if (settings.Qos is { } qos) options.Add($"--qos={qos}");
        if (resources is null) return options;
        if (resources.Cpu is { } cpu) options.Add(string.Create(CultureInfo.InvariantCulture, $"--cpus-per-task={cpu}"));
        if (resources.MemoryBytes is { } memory) options.Add(string.Create(CultureInfo.InvariantCulture, $"--mem={(memory + (1L << 20) - 1) >> 20}M"));
        if (resources.GpuCount > 0)
        {
            var types = gresTypes.OfType<string>().Distinct().ToList();
            var type = resources.GpuName is { } name
                ? types.FirstOrDefault(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase)) ?? types.FirstOrDefault(t => t.Contains(name, StringComparison.OrdinalIgnoreCase))
                : null;
            // gpu.memory: only a type that has it (Slurm cannot ask "any type with ≥ M"), the smallest that does.
            if (resources.GpuMemoryBytes is { } gpuMemory && (type is null || GresGpuMemory.Of(type) < gpuMemory))
                type = types.Where(t => GresGpuMemory.Of(t) >= gpuMemory
                                        && (resources.GpuName is null || t.Contains(resources.GpuName, StringComparison.OrdinalIgnoreCase)))
                    .OrderBy(GresGpuMemory.Of).FirstOrDefault() ?? type;
            options.Add(string.Create(CultureInfo.InvariantCulture, $"--gres=gpu:{(type is null ? "" : type + ":")}{resources.GpuCount}"));
        }
        return options;
    }
}
