using Dstack.Cli.Output;
using Dstack.Core.Compute;
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
                "`dstack config compute add NAME --ssh HOST[,HOST…]` (see docs/SSH.md).",
    };

    private sealed record Row(string Target, string Host, HostFacts? Facts, ComputeCapacity? Local, SshException? Error);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var only = new ArgReader(Verb, args).Positionals(1).FirstOrDefault();
        var config = ctx.Config;
        if (only is not null && only != ComputeTarget.Local && config.FindTarget(only) is null)
            throw ComputeConfigException.NotFound(only, config.TargetNames);

        var rows = new List<Task<Row>>();
        if (only is null or ComputeTarget.Local)
            rows.Add(Task.Run(async () => new Row(ComputeTarget.Local, Environment.MachineName, null, await LocalCapacity.DetectAsync(ct), null), ct));
        foreach (var target in config.ComputeTargets.Where(t => only is null || t.Name == only))
        {
            var options = target.SshOptions(ctx.Home.Root);
            rows.AddRange(target.Hosts.Select(host => ProbeAsync(target.Name, new SshSession(host, options), ct)));
        }

        var table = new Table("TARGET", "HOST", "STATUS", "CPUS", "MEMORY", "GPUS", "PLATFORM");
        var done = await Task.WhenAll(rows);
        foreach (var row in done)
        {
            var capacity = row.Facts?.Capacity ?? row.Local;
            table.Add(row.Target, row.Host, Status(row.Error),
                capacity is null ? "-" : HostDescription.Cpus(capacity),
                capacity is null ? "-" : HostDescription.Memory(capacity),
                capacity is null ? "-" : HostDescription.Gpus(capacity),
                row.Facts is { } f ? $"{f.Arch} {f.Os}" : row.Local is not null ? $"{BinaryShipper.LocalArch()} {(OperatingSystem.IsLinux() ? "Linux" : Environment.OSVersion.Platform.ToString())}" : "-");
        }
        ctx.Out.Write(table.ToString());
        foreach (var row in done.Where(r => r.Error is not null))
            ctx.Err.WriteLine(Ansi.Yellow($"{row.Target}/{row.Host}: {row.Error!.Message}"));
        return 0;
    }

    private static async Task<Row> ProbeAsync(string target, SshSession session, CancellationToken ct)
    {
        try { return new Row(target, session.Host.ToString(), await HostProbe.ProbeAsync(session, storeFolder: null, ct), null, null); }
        catch (SshException e) { return new Row(target, session.Host.ToString(), null, null, e); }
    }

    private static string Status(SshException? error) => error?.Problem switch
    {
        null => "up",
        SshProblem.Unreachable => "unreachable",
        SshProblem.NoKey => "no key",
        SshProblem.WrongHostKey => "host key",
        SshProblem.Other => "error",
        _ => "error",
    };
}
