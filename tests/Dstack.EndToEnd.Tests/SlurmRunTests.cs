using Dstack.Core.Tests.Compute.Slurm;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Runs on the real Slurm test cluster (<see cref="SlurmTestCluster"/>: n1, n2, two fake GPUs each) through this machine's
/// sbatch, with the sandbox's local-folder store, which the nodes see (they share this machine's file system).
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmRunTests
{
    private static async Task<Sandbox> ClusterUserAsync()
    {
        await SlurmTestCluster.EnsureUpAsync();
        var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldContain("cluster/n1: 2 CPUs");
        return ada;
    }

    [Fact]
    public async Task Hello_OnTheCluster_PrintsTheJobsOutput_EndsDone_AndPsShowsTheNode()
    {
        await using var ada = await ClusterUserAsync();
        ada.WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands:
                  - echo "hello from $SLURMD_NODENAME HOSTNAME=$HOSTNAME"
            """).Commit();

        var run = await ada.DstackAsync("run", "hello", "--compute", "cluster");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldMatch(@"hello from n[12] HOSTNAME=n[12]\n");
        var name = Regex.Match(run.StdErr, @"(\S+) submitted").Groups[1].Value;
        var ps = await ada.DstackAsync("ps", name);
        ps.StdOut.ShouldMatch(@"Where:  cluster/n[12]\n");
        ps.StdOut.ShouldContain("done");
        // The Slurm job was named after the run, and it is over.
        (await SlurmTestCluster.RunAsync($"squeue -h -t all -n {name} -o %T")).Trim().ShouldBe("COMPLETED");
    }

    [Fact]
    public async Task AGpuJob_SeesOnlyTheGpuSlurmGaveIt()
    {
        await using var ada = await ClusterUserAsync();
        ada.WithWorkflows("""
            workflows:
              - name: gpu
                provider: bash
                commands:
                  - echo "CVD=$CUDA_VISIBLE_DEVICES job=$SLURM_JOB_GPUS"
                resources:
                  gpu: 1
            """).Commit();

        var run = await ada.DstackAsync("run", "gpu", "--compute", "cluster");

        run.ExitCode.ShouldBe(0, run.ToString());
        // Slurm gives one of a node's two GPUs; the job sees that one alone (not dstack's own numbering of none), and Slurm's variables.
        run.StdOut.ShouldMatch(@"^CVD=[01] job=[01]\n", run.ToString());
    }

    [Fact]
    public async Task AGpuTypeTheClusterLacks_FailsAtSubmit_NamingTheTypesItHas()
    {
        await using var ada = await ClusterUserAsync();
        ada.WithWorkflows("""
            workflows:
              - name: a100
                provider: bash
                commands:
                  - echo never
                resources:
                  gpu:
                    name: A100
                    count: 1
            """).Commit();

        var run = await ada.DstackAsync("run", "a100", "--compute", "cluster");

        run.ExitCode.ShouldNotBe(0);
        run.StdErr.ShouldContain("The Slurm cluster of `cluster` has no GPU of type 'A100'; its GPU types: untyped (gpu:N).");
        (await ada.DstackAsync("ps", "-a")).StdOut.ShouldNotContain("a100");
    }

    [Fact]
    public async Task ConfigAndHosts_ShowTheClustersNodes_AndSbatchMissing_IsOneLineNamingTheFix()
    {
        await using var ada = await ClusterUserAsync();

        var list = await ada.DstackAsync("config", "compute", "list");
        TextTable.Parse(list.StdOut).Single(r => r["NAME"] == "cluster")["KIND"].ShouldBe("slurm");
        // An earlier test's job may still be COMPLETING on a node: idle is what the cluster comes back to.
        var hosts = await Eventually.ReturnsAsync(() => ada.DstackAsync("hosts", "cluster"), h => h.ExitCode != 0 || TextTable.Parse(h.StdOut).All(r => r["STATUS"] == "slurm idle"), TimeSpan.FromSeconds(60), "both nodes idle");
        hosts.ExitCode.ShouldBe(0, hosts.ToString());
        var rows = TextTable.Parse(hosts.StdOut);
        rows.Select(r => (r["HOST"], r["STATUS"], r["CPUS"], r["GPUS"])).ShouldBe([("n1", "slurm idle", "2", "2x gpu"), ("n2", "slurm idle", "2", "2x gpu")], hosts.ToString());

        ada.Env["PATH"] = "/nonexistent";
        var add = await ada.DstackAsync("config", "compute", "add", "other", "--slurm");
        add.ExitCode.ShouldNotBe(0);
        add.StdErr.Trim().ShouldStartWith("Error: Slurm's commands (sbatch, squeue, scancel, scontrol) are not on this machine: install");
        add.StdErr.Trim().Split('\n').Length.ShouldBe(1, add.ToString());
    }
}
