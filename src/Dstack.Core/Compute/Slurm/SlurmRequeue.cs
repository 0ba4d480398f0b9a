using System.Globalization;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// Requeue on Slurm: an interruptible job is submitted <c>--requeue</c> (to the preemptible partition or with the
/// preemptible QOS when the target has one), every other job <c>--no-requeue</c> (Slurm 22.05 then refuses
/// <c>scontrol requeue</c>: "Requested operation is presently disabled"). The runner of a requeueable job is told the
/// target's limit, and counts its attempt from Slurm's <c>SLURM_RESTART_COUNT</c>.
/// </summary>
public static class SlurmRequeue
{
    /// <summary>The runner's option that carries the limit (and says that the job is requeueable).</summary>
    public const string RunnerOption = "--max-requeues";

    /// <summary>The settings a job is submitted with: an interruptible one's partition or QOS is the preemptible one, when set.</summary>
    public static SlurmSettings For(SlurmSettings settings, JobResources? resources) =>
        resources?.Interruptible != true ? settings
        : settings.PreemptiblePartition is { } partition ? settings with { Partition = partition }
        : settings.PreemptibleQos is { } qos ? settings with { Qos = qos }
        : settings;

    /// <summary><c>--requeue</c> for an interruptible job, else <c>--no-requeue</c>.</summary>
    public static string SbatchOption(JobResources? resources) => resources?.Interruptible == true ? "--requeue" : "--no-requeue";

    /// <summary>The runner's arguments for the job: the limit for an interruptible job, none otherwise.</summary>
    public static IReadOnlyList<string> RunnerArgs(SlurmSettings settings, JobResources? resources) =>
        resources?.Interruptible == true ? [RunnerOption, settings.RequeueLimit.ToString(CultureInfo.InvariantCulture)] : [];

    /// <summary>The attempt a runner makes: Slurm's <c>SLURM_RESTART_COUNT</c> (unset on the first run) plus one.</summary>
    public static int Attempt(string? restartCount) =>
        int.TryParse(restartCount, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0 && n < 1000 ? n + 1 : 1;
}
