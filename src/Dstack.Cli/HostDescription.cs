using Dstack.Cli.Output;
using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Cli;

/// <summary>How a host's capacity and platform read in `dstack hosts` and `dstack config compute add`.</summary>
public static class HostDescription
{
    public static string Cpus(ComputeCapacity c) => c.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Memory(ComputeCapacity c) => Size.Format(c.MemoryBytes);

    public static string Gpus(ComputeCapacity c) =>
        c.Gpus.Count == 0
            ? "-"
            : string.Join(", ", c.Gpus.GroupBy(g => (g.Name, g.MemoryBytes)).Select(g => $"{g.Count()}x {g.Key.Name}" + (g.Key.MemoryBytes > 0 ? $" ({Size.Format(g.Key.MemoryBytes)})" : "")));  // Slurm does not say GPUs' memory

    public static string Platform(HostFacts f) =>
        $"{f.Arch} {f.Os}" + (f.Distro.Length > 0 ? $" ({f.Distro})" : "");

    public static string Software(HostFacts f) =>
        (f.Docker ? "docker" : "no docker") + ", " + (f.Pythons.Count == 0 ? "no python" : "python " + string.Join(" ", f.Pythons));

    /// <summary>A Slurm node's capacity: CPUs, memory and GPUs by gres type.</summary>
    public static string Line(ComputeCapacity c) =>
        $"{Cpus(c)} CPUs, {Memory(c)} memory, {(c.Gpus.Count == 0 ? "no GPU" : Gpus(c))}";

    public static string Line(HostFacts f) =>
        $"{Cpus(f.Capacity)} CPUs, {Memory(f.Capacity)} memory, {(f.Capacity.Gpus.Count == 0 ? "no GPU" : Gpus(f.Capacity))}, {Software(f)}; {Platform(f)}";
}
