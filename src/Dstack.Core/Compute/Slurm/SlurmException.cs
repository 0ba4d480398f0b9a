using Dstack.Core.Errors;

namespace Dstack.Core.Compute.Slurm;

/// <summary>What goes wrong with a Slurm cluster, each sentence one line naming where and the fix.</summary>
public sealed class SlurmException(string message) : DstackException(message)
{
    /// <param name="remote">Whether <paramref name="where"/> is a login host already (then the fix is another one).</param>
    public static SlurmException NotInstalled(string where, bool remote) =>
        new($"Slurm's commands (sbatch, squeue, scancel, scontrol) are not on {where}: install Slurm's client tools there " +
            $"(e.g. `apt-get install slurm-client`), or {(remote ? "name a login node that has them with --login" : "add the target with `--login HOST` naming a login node that has them")}.");

    public static SlurmException Unreachable(string where, string detail) =>
        new($"The Slurm cluster does not answer from {where}: {Quote.Short(detail)}. Check that slurmctld runs (`scontrol ping`) and that munge works there.");

    public static SlurmException NoNodes(string where, string? partition) =>
        new($"The Slurm cluster seen from {where} has no nodes{(partition is null ? "" : $" in partition '{partition}'")}: check `sinfo`, or choose another --partition.");

    public static SlurmException SubmitFailed(string detail) =>
        new($"sbatch refused the job: {Quote.Short(detail)}");

    /// <summary>Not thrown: the words for a runner whose batch job ended before it wrote anything, from Slurm's output file.</summary>
    public static string RunnerDidNotStart(string? node, string lastLine) =>
        $"the runner could not start{(node is null ? "" : $" on node {node}")}: {Quote.Short(lastLine)}";

    public static SlurmException UnexpectedAnswer(string what, string answer) =>
        new($"Slurm gave an unexpected answer to {what}: '{Quote.Short(answer)}'");

    public static SlurmException ForwardFailed(string node, string login, string detail) =>
        new($"Could not forward the job's ports from Slurm node {node} through {login}: {detail} " +
            "The job goes on; `dstack attach RUN` tries again (the login host must reach the node's ports).");

    /// <summary>A caller bug rather than the user's: a launch whose node is not known yet, or a target reached directly.</summary>
    public static SlurmException NothingToForward(string target, string handle) =>
        new($"Slurm target `{target}` has nothing to forward for job {handle}: its node is reached directly, or not known yet.");
}
