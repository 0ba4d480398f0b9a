using Dstack.Cli.Output;
using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Errors;
using Dstack.Core.Local;

namespace Dstack.Cli.Verbs;

/// <summary>`dstack hosts`: every compute target and host, probed now, with its capacity and whether it answers.</summary>
public static class HostsVerb
{
    public static readonly Verb Verb = new("hosts", "List the compute targets' hosts with their capacity and reachability", Run)
    {
        Usage = ["hosts [TARGET]"],
        About = "Probes every host of every compute target (or of TARGET) over SSH, all at once, and lists its CPUs, memory,\n" +
                "GPUs and platform, or why it does not answer. `local` is this machine. Targets are configured with\n" +
                "`dstack config compute add NAME --ssh HOST[,HOST…]` (see docs/SSH.md). A Slurm target lists its nodes as\n" +
                "`scontrol` describes them, with GPUs by gres type (docs/SLURM.md).",
    };

    /// <summary>One line of the table; <paramref name="Capacity"/> is read without probing (this machine, a Slurm node); <paramref name="Status"/> overrides the SSH status (a Slurm node's state).</summary>
    private sealed record Row(string Target, string Host, HostFacts? Facts, ComputeCapacity? Capacity, DstackException? Error, string? Status = null);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var only = new ArgReader(Verb, args).Positionals(1).FirstOrDefault();
        var lines = await LinesAsync(ctx, only, ct);
        var table = new Table("TARGET", "HOST", "STATUS", "CPUS", "MEMORY", "GPUS", "PLATFORM");
        foreach (var line in lines) table.Add(line.Target, line.Host, line.Status, line.Cpus, line.Memory, line.Gpus, line.Platform);
        ctx.Out.Write(table.ToString());
        foreach (var line in lines.Where(l => l.Problem is not null))
            ctx.Err.WriteLine(Ansi.Yellow($"{line.Target}/{line.Host}: {line.Problem}"));
        return 0;
    }

    /// <summary>Every host of every target (or of <paramref name="only"/>), probed now, all at once.</summary>
    public static async Task<IReadOnlyList<HostLine>> LinesAsync(CliContext ctx, string? only, CancellationToken ct)
    {
        var config = ctx.Config;
        if (only is not null && only != ComputeTarget.Local && config.FindTarget(only) is null)
            throw ComputeConfigException.NotFound(only, config.TargetNames);

        var rows = new List<Task<IReadOnlyList<Row>>>();
        if (only is null or ComputeTarget.Local)
            rows.Add(Task.Run(async () => (IReadOnlyList<Row>)[new Row(ComputeTarget.Local, Environment.MachineName, null, await LocalCapacity.DetectAsync(ct), null)], ct));
        foreach (var target in config.ComputeTargets.Where(t => only is null || t.Name == only))
        {
            if (target.Slurm is not null)
            {
                rows.Add(SlurmRowsAsync(ctx, target, ct));
                continue;
            }
            var options = target.SshOptions(ctx.Home.Root);
            rows.AddRange(target.Hosts.Select(async host => (IReadOnlyList<Row>)[await ProbeAsync(target.Name, new SshSession(host, options), ct)]));
        }

        return (await Task.WhenAll(rows)).SelectMany(r => r).Select(row =>
        {
            var capacity = row.Facts?.Capacity ?? row.Capacity;
            return new HostLine(row.Target, row.Host, row.Status ?? Status(row.Error),
                capacity is null ? "-" : HostDescription.Cpus(capacity),
                capacity is null ? "-" : HostDescription.Memory(capacity),
                capacity is null ? "-" : HostDescription.Gpus(capacity),
                row.Facts is { } f ? $"{f.Arch} {f.Os}" : row.Status is not null ? "slurm" : row.Capacity is not null ? $"{BinaryShipper.LocalArch()} {(OperatingSystem.IsLinux() ? "Linux" : Environment.OSVersion.Platform.ToString())}" : "-",
                row.Error?.Message);
        }).ToList();
    }

    private static async Task<Row> ProbeAsync(string target, SshSession session, CancellationToken ct)
    {
        try { return new Row(target, session.Host.ToString(), await HostProbe.ProbeAsync(session, storeFolder: null, ct), null, null); }
        catch (SshException e) { return new Row(target, session.Host.ToString(), null, null, e); }
    }

    /// <summary>A Slurm target's nodes as the cluster describes them (state in lowercase), or one row saying why it does not answer.</summary>
    private static async Task<IReadOnlyList<Row>> SlurmRowsAsync(CliContext ctx, ComputeTarget target, CancellationToken ct)
    {
        var compute = new SlurmCompute(target, SshStore.Folder(ctx.Home.Root), ctx.SlurmShell(target), "dstack", [], ctx.Time);
        try
        {
            return (await compute.NodesAsync(ct))
                .Select(n => new Row(target.Name, n.Name, null, n.Capacity(n.Name), null, $"slurm {n.State.ToLowerInvariant()}")).ToList();
        }
        catch (SlurmException e) { return [new Row(target.Name, target.Slurm!.Login ?? "(slurm)", null, null, e, "unreachable")]; }
    }

    private static string Status(DstackException? error) => (error as SshException)?.Problem switch
    {
        null when error is null => "up",
        SshProblem.Unreachable => "unreachable",
        SshProblem.NoKey => "no key",
        SshProblem.WrongHostKey => "host key",
        SshProblem.Other => "error",
        _ => "error",
    };
}
