namespace Dstack.Core.Config;

/// <summary>
/// A Slurm target's settings: where its jobs go (<see cref="Partition"/>, <see cref="Account"/>, <see cref="Qos"/>;
/// null: the cluster's default) and where <c>sbatch</c>/<c>squeue</c>/<c>scancel</c> run: this machine when
/// <see cref="Login"/> is null, else that login host over SSH (an SSH config alias or user@host[:port]).
/// <see cref="Docker"/>: every node has Docker (<c>--docker</c> at add); else only nodes with the Slurm feature <c>docker</c>.
/// Interruptible jobs go to <see cref="PreemptiblePartition"/> or with <see cref="PreemptibleQos"/> (one of them at most)
/// when set, and may be requeued <see cref="MaxRequeues"/> times (null: <see cref="DefaultMaxRequeues"/>).
/// <see cref="SlurmConf"/>: the cluster's <c>slurm.conf</c> when it is not the default one of the login node (a second
/// cluster beside it): every Slurm command of the target, and the job's own <c>srun</c>, get it as <c>SLURM_CONF</c>.
/// </summary>
public sealed record SlurmSettings(string? Partition = null, string? Account = null, string? Qos = null, string? Login = null,
    string? PreemptiblePartition = null, string? PreemptibleQos = null, int? MaxRequeues = null, bool Docker = false, string? SlurmConf = null)
{
    public const int DefaultMaxRequeues = 3;

    /// <summary>Each attempt's log chunks have their own range of numbers: at most this many attempts fit.</summary>
    public const int MaxRequeuesLimit = 9;

    /// <summary>How many times an interruptible job may be requeued before it fails.</summary>
    public int RequeueLimit => MaxRequeues ?? DefaultMaxRequeues;

    /// <summary>The settings, when they make sense together: a preemptible partition or a preemptible QOS, not both.</summary>
    public static SlurmSettings Validated(SlurmSettings settings) =>
        settings is { PreemptiblePartition: not null, PreemptibleQos: not null } ? throw ComputeConfigException.BothPreemptible() : settings;

    /// <summary><c>--slurm-conf FILE</c> (<c>slurm_conf: FILE</c>): an absolute path (it is read on the login host and the nodes); null when not given.</summary>
    public static string? ParseSlurmConf(string? value) =>
        value is null || value.StartsWith('/') ? value : throw ComputeConfigException.RelativeSlurmConf(value);

    /// <summary><c>--max-requeues N</c> (<c>max_requeues: N</c>): 0 to <see cref="MaxRequeuesLimit"/>; null when not given.</summary>
    public static int? ParseMaxRequeues(string? value) =>
        value is null ? null
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= MaxRequeuesLimit
            ? n : throw ComputeConfigException.BadMaxRequeues(value, MaxRequeuesLimit);
}
