using Dstack.Core.Models;
using Dstack.Core.Runner;

namespace Dstack.Core.Docker;

public sealed partial class DockerExecutor
{
    /// <summary>Where the code is in a container: the working copy is mounted here, and is the working directory.</summary>
    public const string ContainerCodeRoot = "/workflow";
    private const string ContainerScript = "/dstack/job.sh";

    /// <summary>
    /// The image's environment is what the workflow's <c>env</c> extends (<c>PATH=$PATH:/opt/bin</c>); requirements are
    /// installed in the container first (the image provides Python, so <c>python</c> has no effect). Slurm's variables of
    /// the runner pass on, as to a host job.
    /// </summary>
    public async Task<JobPlan> PlanAsync(JobSpec spec, CancellationToken ct)
    {
        var image = spec.Image ?? throw new ArgumentException("A container job needs an image.", nameof(spec));
        IReadOnlyList<string> commands = spec.Requirements is { } requirements
            ? [$"python3 -m pip install -r {Workflows.ShellQuote.Quote(requirements)}", .. spec.Commands]
            : spec.Commands;
        return new JobPlan(JobEnvironment.ContainerBase(await DockerCli.ImageEnvironmentAsync(image, ct), JobEnvironment.Current()), commands, NeedsHostPython: false,
            spec.Python is null ? [] : ["python applies to host runs; the image provides Python"]);
    }

    /// <summary>The container of a launch: its working copy, script and outside artifact folders mounted; labelled with the job.</summary>
    public static ContainerSpec ContainerOf(JobLaunch launch)
    {
        var spec = launch.Spec ?? throw new ArgumentException("A container job needs its spec.", nameof(launch));
        var mounts = new List<(string, string)> { (launch.Root, ContainerCodeRoot), (launch.ScriptPath, ContainerScript) };
        // Artifact folders outside the working copy (absolute paths) appear at the same path inside (deps are always inside).
        var outside = launch.OutputFolders.Where(f => !ArtifactPaths.IsInside(f, launch.Root)).Distinct();
        mounts.AddRange(outside.Select(f => (f, f)));
        return new ContainerSpec
        {
            Image = spec.Image ?? throw new ArgumentException("A container job needs an image.", nameof(launch)),
            Name = $"dstack-{launch.Key}",
            Labels = new Dictionary<string, string>
            {
                [DockerCli.JobLabel] = launch.Key, ["dstack.repo"] = launch.Repo?.Id ?? "", ["dstack.run"] = launch.RunName,
            },
            Mounts = mounts,
            WorkingDir = $"{ContainerCodeRoot}/{spec.WorkingDir}".TrimEnd('/'),
            Script = spec.Commands.Count > 0 || spec.Requirements is not null ? ContainerScript : null,
            Cpus = spec.Resources?.Cpu,
            CpuSet = launch.CpuSet,
            MemoryBytes = spec.Resources?.MemoryBytes,
            ShmSizeBytes = spec.Resources?.ShmSizeBytes,
            Gpus = spec.Resources is { GpuCount: > 0 } ? launch.Gpus : null,
            Ports = launch.Ports,
            // A node's rendezvous address and port are its host's (docs/NODES.md): a bridge network's loopback is not.
            HostNetwork = spec.IsMultiNode,
        };
    }
}
