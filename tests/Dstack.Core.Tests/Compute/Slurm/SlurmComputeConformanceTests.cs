using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>
/// <see cref="SlurmCompute"/> against the real test cluster (scripts/slurm/slurm-up.sh, which the test script runs), with this
/// machine's sbatch. Its "executable" is /bin/sh, whose arguments make it <c>sleep</c> in the batch job.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmComputeConformanceTests : ComputeConformanceTests, IAsyncLifetime, IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-slurmcompute-").FullName;
    private readonly SlurmCompute _compute;

    /// <summary>A Slurm job's end passes through COMPLETING (kill wait, the controller's tick): seen past 20 s on a loaded machine.</summary>
    protected override TimeSpan Deadline => TimeSpan.FromSeconds(60);

    public SlurmComputeConformanceTests() => _compute = Make(new SshStore(null, null, "conformance", () => null), ["-c", "exec sleep 300", "sh"]);

    private SlurmCompute Make(SshStore store, IReadOnlyList<string> args, SlurmSettings? settings = null) =>
        new(ComputeTarget.SlurmCluster("cluster", settings ?? new SlurmSettings()), store, new LocalSlurmShell(), "/bin/sh", args, TimeProvider.System);

    public Task InitializeAsync() => SlurmTestCluster.EnsureUpAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    protected override ICompute Compute => _compute;

    protected override RunnerTarget Target(int job) => new(_home, new RepoRef("owner", "repo"), "conformance-run-1", job);

    /// <summary>Its batch shell killed as a crash would: once it runs (a signal to a pending job reaches nothing).</summary>
    protected override async Task EndByItselfAsync(LaunchInfo launch)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await SlurmTestCluster.RunAsync($"squeue -h -j {launch.Handle} -o %T")).Trim() != "RUNNING")
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Slurm job {launch.Handle} did not start.");
            await Task.Delay(100);
        }
        await SlurmTestCluster.RunAsync($"scancel --batch --signal=KILL {launch.Handle}");
    }

    [Fact]
    public async Task RunnersOfOneCommand_AreAllCheckedWithOneSqueue()
    {
        var launches = new[] { await _compute.StartRunnerAsync(Target(0), default), await _compute.StartRunnerAsync(Target(1), default) };
        try
        {
            var before = _compute.Queue.Calls;
            var checks = await Task.WhenAll(launches.Concat(launches).Select(l => _compute.CheckRunnerAsync(l, default)));

            checks.ShouldAllBe(c => c.Alive == true);
            (_compute.Queue.Calls - before).ShouldBe(1);
        }
        finally { foreach (var l in launches) await _compute.KillRunnerAsync(l, default); }
    }

    [Fact]
    public async Task ARunnerThatCouldNotStart_IsExplainedBySlurmsOutputFile()
    {
        var compute = Make(new SshStore(null, null, "conformance", () => null), ["-c", "echo 'dstack: no such store' >&2; exit 3", "sh"]);
        var launch = await compute.StartRunnerAsync(Target(0), default);

        var until = DateTime.UtcNow.AddSeconds(60);
        RunnerCheck check;
        while ((check = await compute.CheckRunnerAsync(launch, default)).End is null)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Slurm job {launch.Handle} did not end: {check}");
            await Task.Delay(100);
        }

        check.End.Reason.ShouldBe(TerminationReason.RunnerLost);
        check.End.Detail.ShouldBe($"Slurm job {launch.Handle} FAILED");
        check.End.StartOutput.ShouldNotBeNull().ShouldMatch("^the runner could not start on node n[12]: dstack: no such store$");
    }

    [Fact]
    public async Task AJobSlurmHasForgotten_IsGone_WithSacctMissingOrDisabled()
    {
        var check = await _compute.CheckRunnerAsync(new LaunchInfo("cluster", "999999", DateTimeOffset.UtcNow), default);

        check.Alive.ShouldBe(false);
        check.End.ShouldBe(new RunnerEnd(TerminationReason.RunnerLost, "Slurm no longer knows job 999999"));
    }

    [Fact]
    public async Task Capabilities_AreTheClustersNodes_WithGpusByGresType()
    {
        var capabilities = await _compute.GetCapabilitiesAsync(default);

        capabilities.Hosts.Select(h => h.Description).ShouldBe(["cluster/n1", "cluster/n2"]);
        capabilities.Hosts.ShouldAllBe(h => h.Gpus.Count == 2 && h.Gpus.All(g => g.Name == "gpu"));
        capabilities.Docker.ShouldBeFalse();
    }

    [Fact]
    public async Task ARun_IsOneJob_NamedAfterIt_WithItsResourcesAsSlurmOptions()
    {
        var target = Target(0) with { Resources = new JobResources { Cpu = 2, MemoryBytes = 300L << 20, GpuCount = 1 } };
        var launch = await _compute.StartRunnerAsync(target, default);
        try
        {
            var job = await SlurmTestCluster.RunAsync($"scontrol show job -o {launch.Handle}");
            job.ShouldContain("JobName=conformance-run-1 ");
            job.ShouldContain(" MinCPUsNode=2 ");
            job.ShouldContain(" MinMemoryNode=300M ");
            job.ShouldContain("gres:gpu:1");
            job.ShouldContain(" Requeue=0 ");
        }
        finally { await _compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task AGpuTypeTheClusterLacks_IsRefusedBeforeSubmit_NamingItsTypes()
    {
        var refusal = await _compute.CheckAsync(new JobSpec { Commands = ["true"], Resources = new JobResources { GpuCount = 1, GpuName = "a100" } }, default);

        refusal.ShouldNotBeNull().Sentence.ShouldStartWith("The Slurm cluster of `cluster` has no GPU of type 'a100'; its GPU types: untyped (gpu:N).");
    }

    [Fact]
    public async Task Credentials_GoOverStdin_IntoAPrivateFile_NeverTheBatchScriptOrEnvironment()
    {
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        // The "runner" prints what it was given, then waits: the file is left for the test to look at.
        var compute = Make(new SshStore(_home, null, "creds", () => secret), ["-c", "echo \"$@\"; exec sleep 300", "sh"]);

        var launch = await compute.StartRunnerAsync(Target(0), default);
        try
        {
            var script = await SlurmTestCluster.RunAsync($"scontrol write batch_script {launch.Handle} -");
            script.ShouldContain("--credentials ");
            script.ShouldContain("--slurm");
            script.ShouldNotContain(secret);
            var file = Directory.GetFiles(Path.Combine(_home, "tmp", "creds")).ShouldHaveSingleItem();
            File.ReadAllText(file).ShouldBe(secret);
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            (await SlurmTestCluster.RunAsync($"scontrol show job -o {launch.Handle}")).ShouldNotContain(secret);

            await compute.CleanUpLostAsync(launch, null, JobKey.Of(new RepoRef("owner", "repo"), "conformance-run-1", 0), default);
            File.Exists(file).ShouldBeFalse("a lost runner's unread credentials are removed");
        }
        finally { await compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task ALocalStoreFolder_IsSeenByTheNodes_SoItIsNotRefused()
    {
        var compute = Make(SshStore.Folder(_home), ["-c", "exec sleep 300", "sh"]);

        (await compute.CheckAsync(new JobSpec { Commands = ["true"] }, default)).ShouldBeNull();
    }

    [Fact]
    public async Task ALocalStoreSeenOnce_IsNotProbedAgainByTheNextCommand_ButAfterADay()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        SlurmCompute Command(CountingShell shell) =>
            new(ComputeTarget.SlurmCluster("cluster", new SlurmSettings()), SshStore.Folder(_home), shell, "/bin/sh", ["-c", "exit 0", "sh"], time);
        var first = new CountingShell();
        var second = new CountingShell();
        var dayLater = new CountingShell();

        (await Command(first).CheckAsync(new JobSpec { Commands = ["true"] }, default)).ShouldBeNull();
        (await Command(second).CheckAsync(new JobSpec { Commands = ["true"] }, default)).ShouldBeNull();
        time.Advance(SlurmCompute.StoreSeenLife + TimeSpan.FromMinutes(1));
        (await Command(dayLater).CheckAsync(new JobSpec { Commands = ["true"] }, default)).ShouldBeNull();

        (first.Sruns, second.Sruns, dayLater.Sruns).ShouldBe((1, 0, 1));
        (first.ClusterReads, second.ClusterReads, dayLater.ClusterReads).ShouldBe((0, 0, 0), "a job that asks for nothing fits any node");
    }

    [Fact]
    public async Task AJobAskingForAGpu_ReadsTheClusterOnce_ForCheckAndSubmit()
    {
        var shell = new CountingShell();
        var compute = new SlurmCompute(ComputeTarget.SlurmCluster("cluster", new SlurmSettings()), new SshStore(null, null, "conformance", () => null),
            shell, "/bin/sh", ["-c", "exit 0", "sh"], TimeProvider.System);

        (await compute.CheckAsync(new JobSpec { Commands = ["true"], Resources = new JobResources { GpuCount = 1 } }, default)).ShouldBeNull();
        var launch = await compute.StartRunnerAsync(Target(0) with { Resources = new JobResources { GpuCount = 1 } }, default);
        await compute.KillRunnerAsync(launch, default);

        shell.ClusterReads.ShouldBe(1);
    }

    /// <summary>This machine's Slurm, counting the store probes (<c>srun</c>) it is asked to run.</summary>
    private sealed class CountingShell : ISlurmShell
    {
        private readonly LocalSlurmShell _shell = new();
        public int Sruns { get; private set; }
        public int ClusterReads { get; private set; }
        public string Where => _shell.Where;

        public Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
        {
            if (script.Contains("srun ", StringComparison.Ordinal)) Sruns++;
            if (script.Contains("scontrol show node", StringComparison.Ordinal)) ClusterReads++;
            return _shell.RunAsync(script, stdin, ct);
        }
    }

    [Fact]
    public async Task APartitionTheClusterLacks_IsOneLineNamingIt()
    {
        var compute = Make(new SshStore(null, null, "conformance", () => null), [], new SlurmSettings(Partition: "nosuch"));

        (await Should.ThrowAsync<SlurmException>(() => compute.GetCapabilitiesAsync(default))).Message
            .ShouldBe("The Slurm cluster seen from this machine has no nodes in partition 'nosuch': check `sinfo`, or choose another --partition.");
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
