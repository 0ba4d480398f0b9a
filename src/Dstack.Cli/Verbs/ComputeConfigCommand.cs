using Dstack.Cli.Output;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Errors;

namespace Dstack.Cli.Verbs;

/// <summary>`dstack config compute add|list|rm|default`: the targets runs may go to, kept in config.yaml.</summary>
public static class ComputeConfigCommand
{
    private static readonly VerbOption Ssh = new(["--ssh"], "HOST[,HOST…]", "The target's hosts: aliases of the SSH config or user@host[:port]");
    private static readonly VerbOption SshConfig = new(["--ssh-config"], "FILE", "The SSH config file to use (default: ssh's own)");
    private static readonly VerbOption Identity = new(["--identity"], "FILE", "The private key to log in with");
    private static readonly VerbOption Slurm = new(["--slurm"], null, "The target is a Slurm cluster: sbatch, squeue and scancel on this machine (a login node), or on --login");
    private static readonly VerbOption Partition = new(["--partition"], "P", "The Slurm partition jobs go to (default: the cluster's)");
    private static readonly VerbOption Account = new(["--account"], "A", "The Slurm account jobs are charged to");
    private static readonly VerbOption Qos = new(["--qos"], "Q", "The Slurm QOS of jobs");
    private static readonly VerbOption PreemptiblePartition = new(["--preemptible-partition"], "P2", "The Slurm partition interruptible jobs go to (requeued when preempted)");
    private static readonly VerbOption PreemptibleQos = new(["--preemptible-qos"], "Q2", "The Slurm QOS of interruptible jobs (instead of --preemptible-partition)");
    private static readonly VerbOption MaxRequeues = new(["--max-requeues"], "N", "How many times an interruptible job may be requeued before it fails (default 3)");
    private static readonly VerbOption Login = new(["--login"], "HOST", "A login node to run Slurm's commands on over SSH (default: this machine)");
    private static readonly VerbOption SlurmConf = new(["--slurm-conf"], "FILE", "The cluster's slurm.conf when not the login node's default (passed to Slurm's commands as SLURM_CONF)");
    private static readonly VerbOption SlurmDocker = new(["--docker"], null, "Every node of the Slurm cluster has Docker (default: only nodes with the Slurm feature docker)");
    private static readonly VerbOption StoreEndpoint = new(["--store-endpoint"], "URL", "Where the hosts reach the S3 store, when not where this machine does");

    /// <summary>The forms of `dstack config compute`, for the config verb's help.</summary>
    public static readonly IReadOnlyList<string> Usage =
    [
        "config compute add NAME --ssh HOST[,HOST…] [--ssh-config FILE] [--identity FILE] [--store-endpoint URL]",
        "config compute add NAME --slurm [--partition P] [--account A] [--qos Q] [--preemptible-partition P2 | --preemptible-qos Q2] [--max-requeues N] [--login HOST] [--docker] [--slurm-conf FILE]",
        "config compute list          the targets: local (this machine, always there) and yours",
        "config compute rm NAME",
        "config compute default NAME  where runs go without --compute (local unless set)",
    ];

    public static readonly OptionGroup Options = new("Compute target options (config compute add)", [Ssh, SshConfig, Identity, StoreEndpoint, Slurm, Partition, Account, Qos, PreemptiblePartition, PreemptibleQos, MaxRequeues, Login, SlurmDocker, SlurmConf]);

    public static Task<int> RunAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct) =>
        args.Count == 0 ? throw ComputeConfigException.Usage() : args[0] switch
        {
            "add" => AddAsync(ctx, args.Skip(1).ToList(), ct),
            "list" or "ls" => Task.FromResult(List(ctx, args.Skip(1).ToList())),
            "rm" or "remove" => Task.FromResult(Remove(ctx, args.Skip(1).ToList())),
            "default" => Task.FromResult(Default(ctx, args.Skip(1).ToList())),
            _ => throw ComputeConfigException.Usage(),
        };

    private static async Task<int> AddAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(ConfigVerb.Verb, args, "compute add");
        var ssh = reader.Option(Ssh);
        var sshConfig = reader.Option(SshConfig);
        var identity = reader.Option(Identity);
        var endpoint = reader.Option(StoreEndpoint);
        var slurm = reader.Flag(Slurm);
        var slurmSettings = new SlurmSettings(reader.Option(Partition), reader.Option(Account), reader.Option(Qos), reader.Option(Login),
            reader.Option(PreemptiblePartition), reader.Option(PreemptibleQos), SlurmSettings.ParseMaxRequeues(reader.Option(MaxRequeues)), reader.Flag(SlurmDocker),
            SlurmSettings.ParseSlurmConf(reader.Option(SlurmConf)));
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw ComputeConfigException.Usage();
        var name = ComputeTarget.ValidateName(positionals[0]);
        if (slurm && ssh is not null) throw ComputeConfigException.SshAndSlurm(name);
        if (slurm) return await AddSlurmAsync(ctx, name, SlurmSettings.Validated(slurmSettings) with { Login = slurmSettings.Login is { } l ? SshHostAddress.Parse(l).ToString() : null },
            sshConfig, identity, endpoint, ct);
        if (slurmSettings != new SlurmSettings())
            throw ComputeConfigException.SlurmOptionWithoutSlurm(new[]
            {
                ("--partition", slurmSettings.Partition), ("--account", slurmSettings.Account), ("--qos", slurmSettings.Qos), ("--login", slurmSettings.Login),
                ("--preemptible-partition", slurmSettings.PreemptiblePartition), ("--preemptible-qos", slurmSettings.PreemptibleQos),
                ("--max-requeues", slurmSettings.MaxRequeues?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("--docker", slurmSettings.Docker ? "" : null), ("--slurm-conf", slurmSettings.SlurmConf),
            }.First(o => o.Item2 is not null).Item1);
        if (ssh is null) throw ComputeConfigException.NeedsHosts(name);
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            throw ComputeConfigException.BadEndpoint(endpoint);
        var target = new ComputeTarget(name, SshHostAddress.ParseList(ssh))
        {
            SshConfig = ExistingFile("SSH config file", sshConfig),
            Identity = ExistingFile("identity file", identity),
            StoreEndpoint = endpoint,
        };
        var config = ctx.Config.WithTarget(target);

        var storeFolder = ctx.Config.IsS3 ? null : ctx.Home.Root;
        var options = target.SshOptions(ctx.Home.Root);
        var executable = ShippableExecutable();
        // Every host at once; the first failure (in the order given) is the error, and nothing is saved.
        var reports = await Task.WhenAll(target.Hosts.Select(async host =>
        {
            var session = new SshSession(host, options);
            var facts = await HostProbe.ProbeAsync(session, storeFolder, ct);
            var ship = executable is null ? null : await BinaryShipper.ShipAsync(session, executable, ct);
            return (Host: host, Facts: facts, Ship: ship);
        }).Select(Settle));
        if (reports.FirstOrDefault(r => r.Error is not null).Error is { } error) throw error;

        foreach (var (host, facts, ship) in reports.Select(r => r.Value))
        {
            var shipped = ship is null ? "dstack not copied (not a published executable)"
                : ship.Copied ? $"dstack copied to {ship.RemotePath} ({Size.Format(ship.Bytes)})"
                : $"dstack already at {ship.RemotePath}";
            ctx.Err.WriteLine($"{host}: {HostDescription.Line(facts)}; {shipped}");
            if (facts.StoreVisible == false)
                ctx.Err.WriteLine(Ansi.Yellow($"Warning: {host} does not see the local store folder {ctx.Home.Root}: runs there need a shared store. " +
                                              "Use S3: dstack config --backend s3 --bucket NAME"));
        }
        config.Save(ctx.Home.Root);
        ctx.Err.WriteLine($"OK: compute target '{name}' added: {string.Join(", ", target.Hosts)}");
        return 0;
    }

    /// <summary>Reads the cluster once (its nodes are the capacity `dstack hosts` shows), then saves the target; nothing is saved when Slurm does not answer.</summary>
    private static async Task<int> AddSlurmAsync(CliContext ctx, string name, SlurmSettings settings, string? sshConfig, string? identity,
        string? endpoint, CancellationToken ct)
    {
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            throw ComputeConfigException.BadEndpoint(endpoint);
        var target = ComputeTarget.SlurmCluster(name, settings) with
        {
            SshConfig = ExistingFile("SSH config file", sshConfig),
            Identity = ExistingFile("identity file", identity),
            StoreEndpoint = endpoint,
        };
        var config = ctx.Config.WithTarget(target);
        var compute = new SlurmCompute(target, SshStore.Folder(ctx.Home.Root), ctx.SlurmShell(target), "dstack", [], ctx.Time);
        foreach (var node in await compute.NodesAsync(ct))
            ctx.Err.WriteLine($"{name}/{node.Name}: {HostDescription.Line(node.Capacity(node.Name))}, {node.State.ToLowerInvariant()}");
        config.Save(ctx.Home.Root);
        ctx.Err.WriteLine($"OK: compute target '{name}' added: Slurm cluster" + (settings.Login is { } login ? $" via {login}" : " (this machine's sbatch)")
                          + (settings.Partition is { } p ? $", partition {p}" : "") + (settings.Docker ? ", Docker on every node" : "")
                          + (settings.SlurmConf is { } conf ? $", {conf}" : ""));
        return 0;
    }

    private static int List(CliContext ctx, IReadOnlyList<string> args)
    {
        new ArgReader(ConfigVerb.Verb, args, "compute list").Positionals(0);
        var config = ctx.Config;
        var table = new Table("NAME", "KIND", "HOSTS", "SETTINGS");
        string Mark(string name) => config.DefaultCompute == name ? $"{name} (default)" : name;
        table.Add(Mark(ComputeTarget.Local), "local", "this machine", "");
        foreach (var t in config.ComputeTargets)
        {
            var settings = new List<string>();
            if (t.SshConfig is not null) settings.Add($"ssh-config {t.SshConfig}");
            if (t.Identity is not null) settings.Add($"identity {t.Identity}");
            if (t.StoreEndpoint is not null) settings.Add($"store-endpoint {t.StoreEndpoint}");
            if (t.Slurm is { } slurm)
            {
                if (slurm.Partition is not null) settings.Add($"partition {slurm.Partition}");
                if (slurm.Account is not null) settings.Add($"account {slurm.Account}");
                if (slurm.Qos is not null) settings.Add($"qos {slurm.Qos}");
                if (slurm.Docker) settings.Add("docker");
                if (slurm.PreemptiblePartition is not null) settings.Add($"preemptible-partition {slurm.PreemptiblePartition}");
                if (slurm.PreemptibleQos is not null) settings.Add($"preemptible-qos {slurm.PreemptibleQos}");
                if (slurm.MaxRequeues is { } max) settings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"max-requeues {max}"));
                if (slurm.SlurmConf is not null) settings.Add($"slurm-conf {slurm.SlurmConf}");
            }
            table.Add(Mark(t.Name), t.Kind, t.Slurm is { } s ? s.Login ?? "this machine (sbatch)" : string.Join(",", t.Hosts), string.Join(", ", settings));
        }
        ctx.Out.Write(table.ToString());
        return 0;
    }

    private static int Remove(CliContext ctx, IReadOnlyList<string> args)
    {
        var names = new ArgReader(ConfigVerb.Verb, args, "compute rm").Positionals(1);
        if (names.Count == 0) throw ComputeConfigException.Usage();
        var wasDefault = ctx.Config.DefaultCompute == names[0];
        ctx.Config.WithoutTarget(names[0]).Save(ctx.Home.Root);
        ctx.Err.WriteLine($"OK: compute target '{names[0]}' removed" + (wasDefault ? "; runs go to local by default again" : ""));
        return 0;
    }

    private static int Default(CliContext ctx, IReadOnlyList<string> args)
    {
        var names = new ArgReader(ConfigVerb.Verb, args, "compute default").Positionals(1);
        if (names.Count == 0) throw ComputeConfigException.Usage();
        ctx.Config.WithDefaultCompute(names[0]).Save(ctx.Home.Root);
        ctx.Err.WriteLine($"OK: runs go to '{names[0]}' unless --compute says otherwise");
        return 0;
    }

    private static string? ExistingFile(string what, string? path)
    {
        if (path is null) return null;
        var full = Path.GetFullPath(path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path);
        return File.Exists(full) ? full : throw SshException.MissingFile(what, path);
    }

    /// <summary>The published executable to copy to hosts; null under `dotnet dstack.dll` (a development build).</summary>
    private static string? ShippableExecutable() => CliContext.RunnerCommand() is [var single] ? single : null;

    private static async Task<(T Value, DstackException? Error)> Settle<T>(Task<T> task)
    {
        try { return (await task, null); }
        catch (DstackException e) { return (default!, e); }
    }
}
