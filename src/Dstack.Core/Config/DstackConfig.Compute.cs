using System.Text;

namespace Dstack.Core.Config;

public sealed partial record DstackConfig
{
    /// <summary>The configured targets besides <c>local</c>, in the order they were added.</summary>
    public IReadOnlyList<ComputeTarget> ComputeTargets { get; init; } = [];

    /// <summary>Where a run goes without <c>--compute</c>: <c>local</c> unless set.</summary>
    public string DefaultCompute { get; init; } = ComputeTarget.Local;

    /// <summary>Every target's name, <c>local</c> first.</summary>
    public IEnumerable<string> TargetNames => new[] { ComputeTarget.Local }.Concat(ComputeTargets.Select(t => t.Name));

    public ComputeTarget? FindTarget(string name) => ComputeTargets.FirstOrDefault(t => t.Name == name);

    public DstackConfig WithTarget(ComputeTarget target)
    {
        if (target.Name == ComputeTarget.Local) throw ComputeConfigException.LocalIsBuiltIn();
        if (FindTarget(target.Name) is not null) throw ComputeConfigException.Exists(target.Name);
        return this with { ComputeTargets = [.. ComputeTargets, target] };
    }

    /// <summary>Removes the target; when it was the default, the default goes back to <c>local</c>.</summary>
    public DstackConfig WithoutTarget(string name)
    {
        if (name == ComputeTarget.Local) throw ComputeConfigException.LocalIsBuiltIn();
        if (FindTarget(name) is null) throw ComputeConfigException.NotFound(name, TargetNames);
        return this with
        {
            ComputeTargets = ComputeTargets.Where(t => t.Name != name).ToList(),
            DefaultCompute = DefaultCompute == name ? ComputeTarget.Local : DefaultCompute,
        };
    }

    public DstackConfig WithDefaultCompute(string name) =>
        name == ComputeTarget.Local || FindTarget(name) is not null
            ? this with { DefaultCompute = name }
            : throw ComputeConfigException.NotFound(name, TargetNames);

    /// <summary>The <c>slurm:</c> value of a target whose commands run on this machine (else the login host).</summary>
    public const string SlurmLocal = "local";

    private void AppendCompute(StringBuilder sb)
    {
        if (DefaultCompute != ComputeTarget.Local) sb.Append($"default_compute: {DefaultCompute}\n");
        if (ComputeTargets.Count == 0) return;
        sb.Append("compute:\n");
        foreach (var target in ComputeTargets)
        {
            sb.Append($"  {target.Name}:\n");
            if (target.Slurm is { } slurm)
            {
                sb.Append($"    slurm: {slurm.Login ?? SlurmLocal}\n");
                if (slurm.Partition is { } partition) sb.Append($"    partition: {partition}\n");
                if (slurm.Account is { } account) sb.Append($"    account: {account}\n");
                if (slurm.Qos is { } qos) sb.Append($"    qos: {qos}\n");
                if (slurm.Docker) sb.Append("    docker: true\n");
                if (slurm.PreemptiblePartition is { } pp) sb.Append($"    preemptible_partition: {pp}\n");
                if (slurm.PreemptibleQos is { } pq) sb.Append($"    preemptible_qos: {pq}\n");
                if (slurm.MaxRequeues is { } max) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"    max_requeues: {max}\n");
                if (slurm.SlurmConf is { } conf) sb.Append($"    slurm_conf: {conf}\n");
            }
            else sb.Append($"    ssh: {string.Join(", ", target.Hosts)}\n");
            if (target.SshConfig is { } config) sb.Append($"    ssh_config: {config}\n");
            if (target.Identity is { } identity) sb.Append($"    identity: {identity}\n");
            if (target.StoreEndpoint is { } endpoint) sb.Append($"    store_endpoint: {endpoint}\n");
        }
    }
}
