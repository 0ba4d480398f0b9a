using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Ssh;

/// <summary>
/// <see cref="SshCompute"/> when a runner's host does not answer, or answers again, against the real test hosts
/// (scripts/ssh-hosts/up.sh): the "runner lost (host … unreachable)" reason, and a clean-up that spares a live runner's job.
/// </summary>
public sealed class SshComputeFailureTests : IDisposable
{
    private const string Config = "/tmp/ssh-hosts/ssh_config";
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-sshfail-").FullName;

    public SshComputeFailureTests()
    {
        File.Exists(Config).ShouldBeTrue($"No SSH test hosts ({Config} is missing): start them with scripts/ssh-hosts/up.sh (the test script does).");
        File.Copy("/bin/sh", Path.Combine(_home, "sh"));
    }

    private SshCompute Compute(string hosts) =>
        new(new ComputeTarget("lab", SshHostAddress.ParseList(hosts)) { SshConfig = Config }, new SshStore(null, null, "sshfail", () => null), _home,
            Path.Combine(_home, "sh"), ["-c", "exec sleep 300", "sh"], TimeProvider.System);

    [Fact]
    public async Task CheckRunner_OnAHostThatDoesNotAnswer_CannotTell_AndSaysTheHostIsUnreachable()
    {
        var closed = "runner@10.210.0.11:2";  // h1's address, a port nothing listens on: refused at once
        var launch = new LaunchInfo("lab", $"{closed} 1234 5678", DateTimeOffset.UtcNow);

        var check = await Compute(closed).CheckRunnerAsync(launch, default);

        check.ShouldBe(new RunnerCheck(null, $"host {closed} unreachable"));
        (await Compute(closed).IsRunnerAliveAsync(launch, default)).ShouldBeNull();
    }

    [Fact]
    public async Task CleanUpLost_WhileTheRunnerLives_LeavesItsJob_AndOnceTheRunnerIsGone_EndsIt()
    {
        var compute = Compute("h1");
        var launch = await compute.StartRunnerAsync(new RunnerTarget(_home, new RepoRef("owner", "repo"), "sshfail-run-1", 0), default);
        var h1 = new SshSession(new SshHostAddress("h1"), new SshOptions { ConfigFile = Config });
        // A job of its own process group, as a runner starts it, named by the heartbeat.
        var started = await h1.RunCheckedAsync("setsid sleep 301 </dev/null >/dev/null 2>&1 & p=$!; sleep 0.2; s=$(cat /proc/$p/stat); set -- ${s##*) }; echo \"$p ${20}\"",
            "job", null, default);
        var job = started.Trim().Split(' ');
        var beat = new Heartbeat(DateTimeOffset.UtcNow, 1, "h1", int.Parse(job[0]), long.Parse(job[1]));
        var alive = $"kill -0 {job[0]} 2>/dev/null && echo alive || echo gone";
        try
        {
            await compute.CleanUpLostAsync(launch, beat, "owner.repo.sshfail-run-1.0", default);
            (await h1.RunCheckedAsync(alive, "job", null, default)).Trim().ShouldBe("alive", "its runner lives: declared lost while its host did not answer");

            await compute.KillRunnerAsync(launch, default);
            await compute.CleanUpLostAsync(launch, beat, "owner.repo.sshfail-run-1.0", default);
            (await h1.RunCheckedAsync(alive, "job", null, default)).Trim().ShouldBe("gone");
        }
        finally
        {
            await compute.KillRunnerAsync(launch, default);
            await h1.RunAsync($"kill -KILL -{job[0]} 2>/dev/null; true", null, default);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
