using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Ssh;

/// <summary>
/// <see cref="SshCompute"/> against the real test hosts h1 and h2 (scripts/ssh-hosts/up.sh, which the test script runs).
/// Its "executable" is a copy of this machine's sh, shipped like dstack, whose arguments make it <c>sleep</c> on the host.
/// </summary>
public sealed class SshComputeConformanceTests : ComputeConformanceTests, IDisposable
{
    private const string Config = "/tmp/ssh-hosts/ssh_config";
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-sshcompute-").FullName;
    private readonly SshCompute _compute;

    public SshComputeConformanceTests()
    {
        File.Exists(Config).ShouldBeTrue($"No SSH test hosts ({Config} is missing): start them with scripts/ssh-hosts/up.sh (the test script does).");
        var sh = Path.Combine(_home, "sh");
        File.Copy("/bin/sh", sh);
        _compute = new SshCompute(Target("h1,h2"), new SshStore(null, null, "conformance", () => null), _home, sh, ["-c", "exec sleep 300", "sh"], TimeProvider.System);
    }

    private static ComputeTarget Target(string hosts) => new("lab", SshHostAddress.ParseList(hosts)) { SshConfig = Config };

    private SshSession Session(string host) => new(new SshHostAddress(host), new SshOptions { ConfigFile = Config });

    protected override ICompute Compute => _compute;

    protected override RunnerTarget Target(int job) => new(_home, new RepoRef("owner", "repo"), "conformance-run-1", job);

    protected override async Task EndByItselfAsync(LaunchInfo launch)
    {
        var handle = SshLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
        await Session(handle.Host).RunCheckedAsync($"kill -KILL {handle.Pid}", "kill", null, default);
    }

    [Fact]
    public async Task Start_GoesToTheFirstHostItFits_AndTheRunnerIsDetachedThere()
    {
        var launch = await _compute.StartRunnerAsync(Target(0), default);
        try
        {
            var handle = SshLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
            handle.Host.ShouldBe("h1");
            // Its own session (setsid), with no terminal: the ssh session that started it is gone.
            var ps = await Session("h1").RunCheckedAsync($"ps -o sid=,tty=,args= -p {handle.Pid}", "ps", null, default);
            ps.Trim().ShouldStartWith($"{handle.Pid} ?");
            ps.ShouldContain("sleep 300");
        }
        finally { await _compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task Start_PassesAHostThatDoesNotAnswer_ForTheNext()
    {
        var compute = new SshCompute(Target("runner@10.210.0.99,h2"), new SshStore(null, null, "conformance", () => null), _home,
            Path.Combine(_home, "sh"), ["-c", "exec sleep 300", "sh"], TimeProvider.System);

        var launch = await compute.StartRunnerAsync(Target(0), default);

        try
        {
            SshLaunchHandle.Parse(launch.Handle).ShouldNotBeNull().Host.ShouldBe("h2");
            (await compute.GetCapabilitiesAsync(default)).Hosts.Select(h => h.Description).ShouldBe(["h2"]);
        }
        finally { await compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task Credentials_GoOverStdin_IntoAPrivateFile_NeverTheCommandLine()
    {
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        var compute = new SshCompute(Target("h1"), new SshStore(null, "backend: s3\nbucket: b\n", "conformance-creds", () => secret), _home,
            Path.Combine(_home, "sh"), ["-c", "sleep 300; true", "sh"], TimeProvider.System);  // sh stays, with its arguments

        var launch = await compute.StartRunnerAsync(Target(0), default);

        try
        {
            var handle = SshLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
            var host = Session("h1");
            var args = await host.RunCheckedAsync($"tr '\\0' ' ' < /proc/{handle.Pid}/cmdline", "cmdline", null, default);
            args.ShouldContain("--credentials ");
            args.ShouldNotContain(secret);
            var file = args.Split(' ')[args.Split(' ').ToList().IndexOf("--credentials") + 1];
            (await host.RunCheckedAsync($"stat -c %a {file}; cat {file}; cat ~/.dstack/home/conformance-creds/config.yaml", "stat", null, default))
                .ShouldBe($"600\n{secret}backend: s3\nbucket: b\n");
            (await host.RunCheckedAsync($"cat /proc/{handle.Pid}/environ | tr '\\0' '\\n'", "environ", null, default)).ShouldNotContain(secret);

            await compute.KillRunnerAsync(launch, default);
            await compute.CleanUpLostAsync(launch, null, JobKey.Of(new RepoRef("owner", "repo"), "conformance-run-1", 0), default);
            (await host.RunAsync($"test -e {file}", null, default)).ExitCode.ShouldBe(1, "a lost runner's unread credentials are removed");
        }
        finally { await compute.KillRunnerAsync(launch, default); }
    }

    /// <summary>
    /// A job that asks for nothing skips the probe (the start script is the probe): one ssh invocation per run once the
    /// binary is there. One that asks for resources is probed first (capacity and the host's ledger): two.
    /// </summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task Start_CopiesAMissingBinaryFirst_AndOnceItIsThere_IsOneRoundTrip_AfterAProbeOnlyWhenTheJobAsksForResources(
        bool asksForResources, int expected)
    {
        var target = Target(0) with { Resources = asksForResources ? new JobResources { Cpu = 1 } : null };
        // A binary of its own (sh with a unique tail, which sh ignores), so that no other test has it on the host yet.
        var executable = Path.Combine(_home, "sh-unique");
        File.Copy("/bin/sh", executable);
        await File.AppendAllTextAsync(executable, Guid.NewGuid().ToString("N"));
        var hash = await Dstack.Core.Storage.FileHashCache.HashAsync(executable, default);
        // Every ssh invocation, multiplexed or not, adds a line here: `Match exec` runs for each.
        var counter = Path.Combine(_home, "ssh-invocations");
        var config = Path.Combine(_home, "counting_config");
        await File.WriteAllTextAsync(config, $"Match exec \"echo x >> {counter}\"\n  Include {Config}\n");
        SshCompute Command() => new(new ComputeTarget("lab", SshHostAddress.ParseList("h1")) { SshConfig = config },
            new SshStore(null, null, "conformance", () => null), _home, executable, ["-c", "exec sleep 300", "sh"], TimeProvider.System);
        var h1 = Session("h1");
        try
        {
            var first = Command();
            var launch = await first.StartRunnerAsync(target, default);
            await first.KillRunnerAsync(launch, default);
            (await h1.RunAsync($"test -x ~/.dstack/bin/{hash}/dstack", null, default)).ExitCode.ShouldBe(0, "the first start copied it");
            File.Delete(counter);

            var next = Command();  // the next command: its own probe, when it needs one
            launch = await next.StartRunnerAsync(target, default);
            var invocations = File.ReadAllLines(counter).Length;
            await next.KillRunnerAsync(launch, default);

            invocations.ShouldBe(expected, "the probe when the job asks for resources, then the start script, which finds the binary by its hash itself");
        }
        finally { await h1.RunAsync($"rm -rf ~/.dstack/bin/{hash}", null, default); }
    }

    [Fact]
    public async Task Alive_SeenWithinASecond_IsNotAskedAgain_AfterThatTheHostIsAsked()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var compute = new SshCompute(Target("h1"), new SshStore(null, null, "conformance", () => null), _home,
            Path.Combine(_home, "sh"), ["-c", "exec sleep 300", "sh"], clock);
        var launch = await compute.StartRunnerAsync(Target(0), default);
        try
        {
            (await compute.IsRunnerAliveAsync(launch, default)).ShouldBe(true);
            await EndByItselfAsync(launch);  // behind the compute's back

            (await compute.IsRunnerAliveAsync(launch, default)).ShouldBe(true, "seen alive just now: the host is not asked at every poll");
            clock.Advance(SshCompute.AliveFor);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await compute.IsRunnerAliveAsync(launch, default) != false)
                if (DateTime.UtcNow > until) throw new TimeoutException("h1 still says the killed runner lives");
        }
        finally { await compute.KillRunnerAsync(launch, default); }
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
