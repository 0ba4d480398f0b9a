namespace Dstack.Core.Compute;

/// <summary>
/// Why a compute can never run a job, in a sentence that says what to change. <paramref name="Property"/> names the
/// workflow property at fault when the file is where to fix it (the error then points at its line).
/// Every sentence a pre-submit check can say is built here.
/// </summary>
public sealed record SubmitRefusal(string Sentence, string? Property = null)
{
    /// <summary>A request no host of the compute can meet; <paramref name="why"/> is <see cref="ResourceFit.WhyNever"/>'s.</summary>
    public static SubmitRefusal TooBig(string why) =>
        new($"{char.ToUpperInvariant(why[0])}{why[1..]}. Lower the request in `resources`, or run it where that fits.");

    public static SubmitRefusal NoDocker(string image) =>
        new($"Docker is not installed: this run needs it for its image ({image}). Install Docker (e.g. `apt-get install docker.io`) and start its daemon.");

    public static SubmitRefusal NoPython(string requested, string where, string installed) =>
        new($"Python {requested} is not installed on {where}; installed: {installed}", "python");


    /// <summary>
    /// A multi-node run on a target with fewer than <paramref name="nodes"/> hosts that could ever hold one node each:
    /// <paramref name="fit"/> of them do; <paramref name="others"/> says what each other host lacks.
    /// </summary>
    public static SubmitRefusal TooFewHosts(string target, int fit, Models.JobResources? perNode, int nodes, IReadOnlyList<string> others) =>
        new($"`{target}` has {fit} host{(fit == 1 ? "" : "s")} that {(fit == 1 ? "fits" : "fit")} {Describe(perNode)}; nodes: {nodes} needs {nodes}, each on a host of its own" +
            (others.Count == 0 ? "" : $" ({string.Join("; ", others)})") +
            ". Lower `nodes` or the per-node `resources`, or add hosts to the target.", "nodes");

    /// <summary>What one node asks for, e.g. "4 CPUs, 8GiB of memory" ("a node" when it asks for nothing).</summary>
    private static string Describe(Models.JobResources? r)
    {
        var parts = new List<string>();
        if (r?.Cpu is { } cpu) parts.Add($"{cpu} CPU{(cpu == 1 ? "" : "s")}");
        if (r?.MemoryBytes is { } mem) parts.Add($"{ResourceFit.Bytes(mem)} of memory");
        if (r is { GpuCount: > 0 }) parts.Add(ResourceFit.Gpus(r));
        return parts.Count == 0 ? "a node" : string.Join(", ", parts);
    }

    /// <summary>What a host lacks for an image (<see cref="Ssh.SshHostChoice.Lacks"/>): Docker, or a Docker it can use (<paramref name="unusable"/>).</summary>
    public static string HostLacksDocker(string image, string? unusable) =>
        unusable is null ? $"no Docker (for the image {image})" : $"no usable Docker (for the image {image}): {unusable}";

    /// <summary>The docker CLI is on the host but no daemon's socket is (<see cref="Ssh.HostProbe"/>).</summary>
    public const string DockerNoDaemon = "the docker CLI is there but no daemon (no /var/run/docker.sock; start dockerd there)";

    /// <summary>The daemon's socket is there but the SSH user may not use it (<see cref="Ssh.HostProbe"/>).</summary>
    public static string DockerNoAccess(string user) =>
        $"its user {user} may not use /var/run/docker.sock (add it to the group `docker` there, e.g. `usermod -aG docker {user}`)";

    public static SubmitRefusal NoDockerOnHosts(string target, string image) =>
        new($"No host of `{target}` has Docker: this run needs it for its image ({image}). Install Docker on one of them (e.g. `apt-get install docker.io`), or run it where Docker is (`--compute`).");

    /// <summary>Each host has some of what the job needs, none all of it: <paramref name="lacks"/> says what each one lacks.</summary>
    public static SubmitRefusal NoHostHasAll(string target, IEnumerable<string> lacks) =>
        new($"No host of `{target}` has all this run needs: {string.Join("; ", lacks)}. Change what the workflow asks for, or add a host that has it all.");

    public static SubmitRefusal StoreNotOnHosts(string target) =>
        new($"The hosts of `{target}` cannot reach this machine's local-folder store: use a store they reach, e.g. `dstack config --backend s3 --bucket BUCKET …`, and add the target again with `--store-endpoint URL` if they reach it at another address.");

    /// <summary>A multi-node run larger than the Slurm cluster: the nodes that fit what each node asks for.</summary>
    public static SubmitRefusal TooFewSlurmNodes(string target, int nodes, IReadOnlyList<string> fitting) =>
        new($"The Slurm cluster of `{target}` cannot hold this run's {nodes} nodes: " +
            (fitting.Count == 0 ? "none of its nodes fits" : $"{fitting.Count} of its nodes fit ({string.Join(", ", fitting)})") +
            " what each node asks for in `resources`. Lower `nodes`, or ask less per node.", "nodes");

    /// <summary>A <c>gpu.name</c> that is no gres type of a Slurm cluster: the types it has.</summary>
    public static SubmitRefusal NoGpuType(string target, string name, IReadOnlyList<string?> types) =>
        new($"The Slurm cluster of `{target}` has no GPU of type '{name}'; its GPU types: " +
            (types.Count == 0 ? "none" : string.Join(", ", types.Select(t => t ?? "untyped (gpu:N)"))) +
            ". Change `gpu.name` in `resources`, or leave it out.", "resources");

    /// <summary>An image on a Slurm cluster where no node has the feature <c>docker</c> and the target does not say every node has Docker.</summary>
    public static SubmitRefusal NoDockerOnSlurm(string target, string image) =>
        new($"No node of the Slurm cluster `{target}` has Docker: this run needs it for its image ({image}). Give the nodes that have Docker " +
            $"the Slurm feature `{Slurm.SlurmNode.DockerFeature}` (`Features=docker` in slurm.conf), or, if every node has it, add the target again with `--docker`.");

    public static SubmitRefusal StoreNotOnNodes(string target, string folder) =>
        new($"The nodes of `{target}` do not see this machine's local-folder store ({folder}): put the store on a file system they share, " +
            "or use an S3 store, e.g. `dstack config --backend s3 --bucket BUCKET …`.");
}
