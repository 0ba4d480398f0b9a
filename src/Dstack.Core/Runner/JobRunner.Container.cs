using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>Where the code is in a container: the working copy is mounted here, and is the working directory.</summary>
    public const string ContainerCodeRoot = "/workflow";
    private const string ContainerScript = "/dstack/job.sh";

    /// <summary>
    /// The commands a job's script runs. In a container, requirements are installed there first (the image
    /// provides Python); a host job gets them in its virtualenv instead.
    /// </summary>
    private static IReadOnlyList<string> ScriptCommands(JobSpec spec) =>
        spec.Image is not null && spec.Requirements is { } requirements
            ? [$"python3 -m pip install -r {Workflows.ShellQuote.Quote(requirements)}", .. spec.Commands]
            : spec.Commands;

    private static ContainerSpec Container(JobContext job, string root, string script, IEnumerable<string> outputFolders, IReadOnlyList<int>? gpus)
    {
        var spec = job.Spec;
        var mounts = new List<(string, string)> { (root, ContainerCodeRoot), (script, ContainerScript) };
        // Artifact folders outside the working copy (absolute paths) appear at the same path inside (deps are always inside).
        var outside = outputFolders.Where(f => !ArtifactPaths.IsInside(f, root)).Distinct();
        mounts.AddRange(outside.Select(f => (f, f)));
        return new ContainerSpec
        {
            Image = spec.Image!,
            Name = $"dstack-{job.Key}",
            Labels = new Dictionary<string, string>
            {
                [DockerCli.JobLabel] = job.Key, ["dstack.repo"] = job.Run.Repo.Id, ["dstack.run"] = job.Run.RunName,
            },
            Mounts = mounts,
            WorkingDir = $"{ContainerCodeRoot}/{spec.WorkingDir}".TrimEnd('/'),
            Script = spec.Commands.Count > 0 || spec.Requirements is not null ? ContainerScript : null,
            Cpus = spec.Resources?.Cpu,
            MemoryBytes = spec.Resources?.MemoryBytes,
            ShmSizeBytes = spec.Resources?.ShmSizeBytes,
            Gpus = spec.Resources is { GpuCount: > 0 } ? gpus : null,
            Ports = job.Ports,
        };
    }
}
