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

    /// <summary>A multi-node run sent to a target that would start each node on its own, not together (SSH, Slurm: not yet).</summary>
    public static SubmitRefusal NoMultiNodeYet(string target, int nodes) =>
        new($"`{target}` does not run multi-node runs yet (nodes: {nodes}): it cannot start the nodes together. " +
            "Run it on this machine, where the nodes are processes on localhost (`--compute local`), or with nodes: 1.", "nodes");

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
