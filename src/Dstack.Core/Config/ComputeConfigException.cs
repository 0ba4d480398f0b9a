using Dstack.Core.Errors;

namespace Dstack.Core.Config;

/// <summary>What `dstack config compute` refuses, each sentence naming the target and the fix.</summary>
public sealed class ComputeConfigException(string message) : DstackException(message)
{
    public static ComputeConfigException BadName(string name) =>
        new($"Invalid compute target name '{Quote.Short(name)}': use lowercase letters, digits, '-' and '_' (at most 40), like 'lab'.");

    public static ComputeConfigException LocalIsBuiltIn() =>
        new("'local' (this machine) is built in: it cannot be added or removed. Choose another name, like 'lab'.");

    public static ComputeConfigException Exists(string name) =>
        new($"Compute target '{name}' already exists: remove it first with `dstack config compute rm {name}`.");

    public static ComputeConfigException NotFound(string name, IEnumerable<string> known) =>
        new($"No compute target '{Quote.Short(name)}'. Targets: {string.Join(", ", known)}. Add one with `dstack config compute add NAME --ssh HOST`.");

    public static ComputeConfigException NeedsHosts(string name) =>
        new($"Say where target '{name}' runs: dstack config compute add {name} --ssh HOST[,HOST…], or --slurm for a Slurm cluster");

    public static ComputeConfigException SshAndSlurm(string name) =>
        new($"Target '{name}' is either SSH hosts (--ssh) or a Slurm cluster (--slurm, with --login HOST for a remote login node), not both.");

    public static ComputeConfigException SlurmOptionWithoutSlurm(string option) =>
        new($"{option} is a Slurm setting: add --slurm.");

    public static ComputeConfigException BothPreemptible() =>
        new("Interruptible jobs go to a preemptible partition or with a preemptible QOS: give --preemptible-partition or --preemptible-qos, not both.");

    public static ComputeConfigException BadMaxRequeues(string value, int limit) =>
        new($"Invalid --max-requeues '{Quote.Short(value)}': give how many times an interruptible job may be requeued, 0 to {limit} (default 3).");

    public static ComputeConfigException RelativeSlurmConf(string value) =>
        new($"Invalid --slurm-conf '{Quote.Short(value)}': give the absolute path of the cluster's slurm.conf, as the login host and the nodes see it (like /etc/slurm-b/slurm.conf).");

    public static ComputeConfigException BadEndpoint(string value) =>
        new($"Invalid --store-endpoint '{Quote.Short(value)}': give the S3 endpoint as the hosts reach it, like http://10.0.0.1:7480.");

    public static ComputeConfigException BadLine(string path, int line, string problem) =>
        new($"{path}:{line}: {problem}. Fix the file, or rewrite the target with `dstack config compute`.");

    public static ComputeConfigException Usage() =>
        new("Usage: dstack config compute add NAME --ssh HOST[,HOST…] | add NAME --slurm [--partition P] [--account A] [--qos Q] [--preemptible-partition P2 | --preemptible-qos Q2] [--max-requeues N] [--login HOST] [--docker] | list | rm NAME | default NAME. See: dstack config --help");
}
