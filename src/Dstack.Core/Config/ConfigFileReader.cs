using Dstack.Core.Compute.Ssh;
using Dstack.Core.Errors;

namespace Dstack.Core.Config;

/// <summary>
/// Reads <c>config.yaml</c> without a YAML library (every command reads it at start-up): top-level
/// <c>key: value</c> lines, and one nested block, <c>compute:</c>, of targets (<c>  NAME:</c>) with their
/// <c>    key: value</c> settings.
/// </summary>
public static class ConfigFileReader
{
    public static (Dictionary<string, string> Values, IReadOnlyList<ComputeTarget> Targets) Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new List<(string Name, int Line, Dictionary<string, string> Settings)>();
        var inCompute = false;
        int? targetIndent = null;
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Split('#')[0].TrimEnd();
            if (line.Trim().Length == 0) continue;
            var indent = line.Length - line.TrimStart().Length;
            line = line.Trim();
            var colon = line.IndexOf(':');
            if (colon <= 0) throw ConfigException.NotKeyValue(path, number);
            var (key, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim().Trim('"', '\''));
            if (indent == 0)
            {
                inCompute = key == "compute" && value.Length == 0;
                targetIndent = null;
                if (!inCompute) values[key] = value;
                continue;
            }
            if (!inCompute) throw ComputeConfigException.BadLine(path, number, "an indented line outside the 'compute:' block");
            targetIndent ??= indent;
            if (indent == targetIndent)
            {
                if (value.Length > 0) throw ComputeConfigException.BadLine(path, number, $"target '{key}' needs its settings on the lines below");
                targets.Add((key, number, new Dictionary<string, string>(StringComparer.Ordinal)));
            }
            else if (indent > targetIndent && targets.Count > 0) targets[^1].Settings[key] = value;
            else throw ComputeConfigException.BadLine(path, number, "indentation does not match the target above");
        }
        return (values, targets.Select(t => Target(path, t.Name, t.Line, t.Settings)).ToList());
    }

    private static ComputeTarget Target(string path, string name, int line, Dictionary<string, string> settings)
    {
        try
        {
            ComputeTarget.ValidateName(name);
            if (name == ComputeTarget.Local) throw ComputeConfigException.LocalIsBuiltIn();
            if (settings.GetValueOrDefault("slurm") is { Length: > 0 } slurm)
                return ComputeTarget.SlurmCluster(name, SlurmSettings.Validated(new SlurmSettings(settings.GetValueOrDefault("partition"), settings.GetValueOrDefault("account"),
                    settings.GetValueOrDefault("qos"), slurm == DstackConfig.SlurmLocal ? null : slurm,
                    settings.GetValueOrDefault("preemptible_partition"), settings.GetValueOrDefault("preemptible_qos"),
                    SlurmSettings.ParseMaxRequeues(settings.GetValueOrDefault("max_requeues")), settings.GetValueOrDefault("docker") == "true",
                    SlurmSettings.ParseSlurmConf(settings.GetValueOrDefault("slurm_conf")))))
                    with
                    {
                        // A login host's SSH settings, as for an SSH target.
                        SshConfig = settings.GetValueOrDefault("ssh_config"),
                        Identity = settings.GetValueOrDefault("identity"),
                        StoreEndpoint = settings.GetValueOrDefault("store_endpoint"),
                    };
            var ssh = settings.GetValueOrDefault("ssh") ?? throw ComputeConfigException.NeedsHosts(name);
            return new ComputeTarget(name, SshHostAddress.ParseList(ssh))
            {
                SshConfig = settings.GetValueOrDefault("ssh_config"),
                Identity = settings.GetValueOrDefault("identity"),
                StoreEndpoint = settings.GetValueOrDefault("store_endpoint"),
            };
        }
        catch (DstackException e) when (e is ComputeConfigException or SshException)
        {
            throw ComputeConfigException.BadLine(path, line, e.Message.TrimEnd('.'));
        }
    }
}
