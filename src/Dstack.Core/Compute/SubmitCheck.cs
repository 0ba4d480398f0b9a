using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// The checks every compute makes of a job before anything is stored, from its <see cref="ComputeCapabilities"/> alone:
/// the request must fit one host, an image needs Docker, <c>python: 3.X</c> must be installed (a container brings its own).
/// </summary>
public static class SubmitCheck
{
    /// <summary>
    /// Whether <see cref="WhyNot"/> could refuse <paramref name="job"/> at all: one that asks for no CPUs, memory, GPUs, image
    /// or Python fits any compute, so a compute need not find out what it offers (a scan of PATH, nvidia-smi) to accept it.
    /// </summary>
    public static bool AsksForAnything(JobSpec job) =>
        job.Image is not null || job.Python is not null
        || job.Resources is { } r && (r.Cpu is not null || r.MemoryBytes is not null || r.GpuCount > 0);

    /// <summary>Null when the job can run on <paramref name="compute"/>; otherwise why not.</summary>
    public static SubmitRefusal? WhyNot(JobSpec job, ComputeCapabilities capabilities, string compute)
    {
        if (ResourceFit.WhyNever(job.Resources, Largest(job.Resources, capabilities, compute)) is { } never) return SubmitRefusal.TooBig(never);
        if (job.Image is { } image && !capabilities.Docker) return SubmitRefusal.NoDocker(image);
        if (job.Image is null && job.Python is { } python && !capabilities.PythonVersions.Any(v => PythonMatches(python, v)))
            return SubmitRefusal.NoPython(python, Where(capabilities, compute), DescribePythons(capabilities.PythonVersions));
        return null;
    }

    /// <summary>
    /// The host a refusal names: one the request fits when there is one, else the largest (the most matching GPUs, then
    /// GPUs, CPUs, memory), described as "the largest host of `NAME`" when the compute has several.
    /// </summary>
    public static ComputeCapacity Largest(JobResources? request, ComputeCapabilities capabilities, string compute)
    {
        if (capabilities.Hosts.FirstOrDefault(h => ResourceFit.WhyNever(request, h) is null) is { } fits) return fits;
        var largest = capabilities.Hosts
            .OrderByDescending(h => request is null ? 0 : ResourceFit.MatchingGpus(request, h.Gpus).Count)
            .ThenByDescending(h => h.Gpus.Count).ThenByDescending(h => h.Cpus).ThenByDescending(h => h.MemoryBytes).First();
        return capabilities.Hosts.Count == 1 ? largest : largest with { Description = $"the largest host of `{compute}` ({largest.Description})" };
    }

    /// <summary>Whether an installed <paramref name="version"/> answers a request for <c>3.X</c> (any patch) or <c>3.X.Y</c> (exactly).</summary>
    public static bool PythonMatches(string requested, string version) =>
        version == requested || version.StartsWith(requested + ".", StringComparison.Ordinal);

    /// <summary>"3.9, 3.10, 3.11": the versions a user can ask for.</summary>
    public static string DescribePythons(IEnumerable<string> versions) =>
        versions.Select(v => string.Join('.', v.Split('.').Take(2))).Distinct().OrderBy(v => new Version(v)).ToList() is { Count: > 0 } minors
            ? string.Join(", ", minors) : "none";

    private static string Where(ComputeCapabilities capabilities, string compute) =>
        capabilities.Hosts.Count == 1 ? capabilities.Hosts[0].Description : $"any host of `{compute}`";
}
