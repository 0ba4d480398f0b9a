using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>
/// A multi-node run on the real test cluster (n1, n2: 2 CPUs, 2 GPUs each): one <c>sbatch -N N</c> allocation whose
/// <c>srun</c> starts one "runner" per node. The runner here is /bin/sh printing what it was started with.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmNodesTests : IAsyncLifetime, IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-slurmnodes-").FullName;

    public Task InitializeAsync() => SlurmTestCluster.EnsureUpAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private SlurmCompute Make(Func<string?> credentials, IReadOnlyList<string> args) =>
        new(ComputeTarget.SlurmCluster("cluster", new SlurmSettings()), new SshStore(_home, null, "nodes", credentials), new LocalSlurmShell(),
            "/bin/sh", args, TimeProvider.System);

    private RunnerTarget Target(int job, JobResources? resources = null) => new(_home, new RepoRef("owner", "repo"), "nodes-run-1", job, resources);

    [Fact]
    public async Task TwoNodes_AreOneAllocation_WithOneRunnerPerNode_ForTheJobOfItsNodeId_EachWithItsOwnCredentials()
    {
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        var compute = Make(() => secret, ["-c", "echo \"$SLURMD_NODENAME $*\" > \"$DSTACK_HOME/started-$SLURM_NODEID\"; exec sleep 300", "sh"]);
        var resources = new JobResources { Cpu = 2 };

        var launches = await compute.StartNodesAsync([Target(0, resources), Target(1, resources)], default);
        try
        {
            launches.Count.ShouldBe(2);
            launches[1].Handle.ShouldBe(launches[0].Handle);
            var job = await SlurmTestCluster.RunAsync($"scontrol show job -o {launches[0].Handle}");
            job.ShouldContain(" NumNodes=2");
            job.ShouldContain(" MinCPUsNode=2 ");
            (await SlurmTestCluster.RunAsync($"scontrol write batch_script {launches[0].Handle} -")).ShouldContain("srun --kill-on-bad-exit=1");

            var started = new string[2];
            var until = DateTime.UtcNow.AddSeconds(60);
            for (var rank = 0; rank < 2; rank++)
            {
                var path = Path.Combine(_home, $"started-{rank}");
                while (!File.Exists(path) || (started[rank] = File.ReadAllText(path)).Length == 0)
                {
                    if (DateTime.UtcNow > until) throw new TimeoutException($"rank {rank}'s runner did not start (Slurm job {launches[0].Handle}).");
                    await Task.Delay(100);
                }
            }
            started.Select(s => s.Split(' ')[0]).Order().ShouldBe(["n1", "n2"]);
            for (var rank = 0; rank < 2; rank++)
            {
                started[rank].ShouldContain($"--job {rank}");
                var file = started[rank].Split("--credentials ")[1].Trim();
                Path.GetFileName(file).ShouldStartWith(JobKey.Of(new RepoRef("owner", "repo"), "nodes-run-1", rank) + ".");
                File.ReadAllText(file).ShouldBe(secret);
            }

            await compute.CleanUpLostAsync(launches[1], null, JobKey.Of(new RepoRef("owner", "repo"), "nodes-run-1", 1), default);
            await compute.CleanUpLostAsync(launches[0], null, JobKey.Of(new RepoRef("owner", "repo"), "nodes-run-1", 0), default);
            Directory.GetFiles(Path.Combine(_home, "tmp", "creds")).ShouldBeEmpty("each node's unread credentials are removed with its job");
        }
        finally { await compute.KillRunnerAsync(launches[0], default); }
    }

    [Fact]
    public async Task ARunTheClusterCanNeverHold_IsRefusedAtSubmit_NamingTheNodesThatFit()
    {
        var compute = Make(() => null, []);

        (await compute.CheckAsync(new JobSpec { Commands = ["true"], Nodes = 3 }, default)).ShouldNotBeNull().Sentence
            .ShouldBe("The Slurm cluster of `cluster` cannot hold this run's 3 nodes: 2 of its nodes fit (n1, n2) what each node asks for in `resources`. Lower `nodes`, or ask less per node.");
        (await compute.CheckAsync(new JobSpec { Commands = ["true"], Nodes = 2, Resources = new JobResources { Cpu = 2, GpuCount = 2 } }, default)).ShouldBeNull();
        (await compute.CheckAsync(new JobSpec { Commands = ["true"], Nodes = 2, Resources = new JobResources { GpuCount = 3 } }, default)).ShouldNotBeNull()
            .Sentence.ShouldContain("this run needs 3 GPUs");
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
