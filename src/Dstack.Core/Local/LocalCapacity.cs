using System.Globalization;
using Dstack.Core.Compute;
using Dstack.Core.Git;

namespace Dstack.Core.Local;

/// <summary>This machine's cores, memory and NVIDIA GPUs (through <c>nvidia-smi</c>, when it is on PATH).</summary>
public static class LocalCapacity
{
    public static async Task<ComputeCapacity> DetectAsync(CancellationToken ct) =>
        new(Environment.ProcessorCount, MemoryBytes(), await GpusAsync(ct), "this machine");

    private static long MemoryBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        }
    }

    private static async Task<IReadOnlyList<GpuInfo>> GpusAsync(CancellationToken ct)
    {
        if (!OnPath("nvidia-smi")) return [];
        var result = await ProcessRunner.RunAsync("nvidia-smi", Environment.CurrentDirectory, ct,
            "--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits");
        return result.ExitCode == 0 ? Parse(result.StdOut) : [];
    }

    /// <summary>Parses <c>nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits</c> (memory in MiB).</summary>
    public static IReadOnlyList<GpuInfo> Parse(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
           .Select(line => line.Split(',', StringSplitOptions.TrimEntries))
           .Where(p => p.Length >= 3 && int.TryParse(p[0], CultureInfo.InvariantCulture, out _))
           .Select(p => new GpuInfo(int.Parse(p[0], CultureInfo.InvariantCulture), p[1],
               long.TryParse(p[2], CultureInfo.InvariantCulture, out var mib) ? mib << 20 : 0))
           .ToList();

    /// <summary>Whether <paramref name="tool"/> is an executable name found on PATH (without running it).</summary>
    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
