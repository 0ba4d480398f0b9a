using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>
/// A target's <c>slurm_conf</c> on the real second test cluster (<c>scripts/slurm/slurm-netns.sh</c>: m1, m2, its own
/// controller) beside the default one (n1, n2, <c>/etc/slurm</c>): the cluster is read, the local store probed and the job
/// submitted on that cluster, and the job gets <c>SLURM_CONF</c> through sbatch's clean environment.
/// </summary>
[Collection("slurm netns cluster")]
public sealed class SlurmConfTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-slurmconf-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static SlurmCompute Make(SshStore store, IReadOnlyList<string> args, string? conf) =>
        new(ComputeTarget.SlurmCluster("b", new SlurmSettings(SlurmConf: conf)), store, new LocalSlurmShell(conf), "/bin/sh", args, TimeProvider.System);

    [Fact]
    public async Task TheTargetsCluster_IsTheOneItsSlurmConfNames()
    {
        var store = SshStore.Folder(_home);

        (await Make(store, [], TestSlurmCluster.Netns.SlurmConf).NodesAsync(default)).Select(n => n.Name).ShouldBe(["m1", "m2"]);
        (await Make(store, [], null).NodesAsync(default)).Select(n => n.Name).ShouldBe(["n1", "n2"]);
    }

    [Fact]
    public async Task TheStoreProbe_AndTheJob_RunOnThatCluster_AndTheJobKeepsSlurmConf()
    {
        var conf = TestSlurmCluster.Netns.SlurmConf!;
        var seen = Path.Combine(_home, "job-saw");
        // The "runner" writes what it sees and exits: its arguments follow as $1… of sh -c.
        var compute = Make(SshStore.Folder(_home), ["-c", $"echo \"$SLURMD_NODENAME $SLURM_CONF\" > {ShellQuote.Quote(seen)}", "sh"], conf);

        (await compute.CheckAsync(new JobSpec { Commands = ["true"] }, default)).ShouldBeNull("a node of m1, m2 sees the store folder");
        var launch = await compute.StartRunnerAsync(new RunnerTarget(_home, new RepoRef("owner", "repo"), "conf-run-1", 0), default);

        var until = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(seen) || File.ReadAllText(seen).Length == 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {launch.Handle} did not run on the netns cluster.");
            await Task.Delay(100);
        }
        File.ReadAllText(seen).Trim().ShouldBeOneOf($"m1 {conf}", $"m2 {conf}");
    }
}
