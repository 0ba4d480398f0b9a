using System.Text;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// What happens to a run on an SSH host when the CLI, the host's sshd or its network goes away: the runner needs only
/// the store, so the run goes on; a host that does not answer past the stale window is "runner lost (host h3
/// unreachable)", and a runner alive through it wins when the host is back. On h3 only, the host these tests may break
/// (each restores it in a finally), with an S3 store. A job waits for a gate: a file in the machine's /tmp, which the
/// hosts see too.
/// </summary>
[Collection("ssh hosts")]
public sealed class SshFailureTests : IDisposable
{
    private readonly string _gate = Path.Combine("/tmp", "dstack-gate-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_gate);

    private string Gated => $"""
        workflows:
          - name: gated
            provider: bash
            commands:
              - echo "started on $(hostname)"
              - until [ -e {_gate} ]; do sleep 0.1; done
              - echo finished
        """;

    private void OpenGate() => File.WriteAllText(_gate, "");

    private static async Task<Sandbox> OnH3Async(S3Bucket bucket, SshHosts ssh, string workflows)
    {
        var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", "h3", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(workflows).Commit();
        return ada;
    }

    private static Task WaitStartedAsync(Sandbox ada, string run) =>
        Eventually.ReturnsAsync(() => ada.DstackAsync("logs", run), r => r.StdOut.Contains("started on h3"), TimeSpan.FromSeconds(60), "the job's first line");

    [Fact]
    public async Task CliKilledMidRun_TheRunStillFinishesDoneOnTheHost()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await OnH3Async(bucket, ssh, Gated);
        await using var live = ada.StartLive("run", "gated", "--compute", "lab");
        await live.WaitForStdOutAsync("started on h3\n", TimeSpan.FromSeconds(60));
        var run = await live.SubmittedRunAsync();

        Processes.Signal(live.Pid, "KILL");
        await Processes.WaitGoneAsync(live.Pid, "the attached dstack run");
        OpenGate();

        (await ada.WaitFinishedAsync(run, TimeSpan.FromSeconds(60))).Status.ShouldBe("Done");
        (await ada.DstackAsync("logs", run)).StdOut.ShouldBe("started on h3\nfinished\n");
    }

    [Fact]
    public async Task SshdOfTheHostStoppedMidRun_TheRunStillFinishes_ForTheRunnerNeedsNoSsh()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await OnH3Async(bucket, ssh, Gated);
        var run = await ada.RunDetachedAsync("gated", "--compute", "lab");
        await WaitStartedAsync(ada, run);

        await ssh.StopSshdAsync("h3");
        try
        {
            // Its host refuses connections: alive or not cannot be told, and the runner's heartbeat says it is.
            (await ada.RowAsync(run)).Status.ShouldBe("Running");
            OpenGate();
            var row = await ada.WaitFinishedAsync(run, TimeSpan.FromSeconds(60));
            row.Status.ShouldBe("Done", row.ToString());
        }
        finally { await ssh.StartSshdAsync("h3"); }
        (await ada.DstackAsync("logs", run)).StdOut.ShouldBe("started on h3\nfinished\n");
    }

    [Fact]
    public async Task HostOffTheNetworkPastTheStaleWindow_IsRunnerLostNamingTheHost_AndTheRunnerAliveThroughItWinsWhenBack()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await OnH3Async(bucket, ssh, Gated);
        var run = await ada.RunDetachedAsync("gated", "--compute", "lab");
        await WaitStartedAsync(ada, run);

        await ssh.CutNetworkAsync("h3");
        try
        {
            // The run keeps its status until the heartbeat is stale (30 s), then the verdict names the host.
            (await ada.RowAsync(run)).Status.ShouldBe("Running");
            var status = await ada.WaitForStatusAsync(run, s => !s.Equals("running", StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(90));
            status.ShouldBe("Failed");
            (await ada.RowAsync(run)).Reason.ShouldBe("runner lost (host h3 unreachable)");
        }
        finally { await ssh.RestoreNetworkAsync("h3"); }

        // The runner lived on, unseen: back, it takes its job back, and the job ends as it would have.
        await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.Status == "Running", TimeSpan.FromSeconds(60), "the runner to take its job back");
        (await ada.PsAsync()).Select(r => r.Run).ShouldContain(run, "plain ps lists it again");
        OpenGate();
        (await ada.WaitFinishedAsync(run, TimeSpan.FromSeconds(60))).Status.ShouldBe("Done");
        (await ada.DstackAsync("logs", run)).StdOut.ShouldBe("started on h3\nfinished\n");
    }

    [Fact]
    public async Task CtrlC_OnAnAttachedRunOnAHost_Detaches_LogsFollowItToTheEnd_AndNoCredentialShowsOnTheHost()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await OnH3Async(bucket, ssh, Gated);
        await using var live = ada.StartLive("run", "gated", "--compute", "lab");
        await live.WaitForStdOutAsync("started on h3\n", TimeSpan.FromSeconds(60));

        live.Interrupt();
        await live.WaitForStdErrAsync("[y/N]");
        await live.AnswerAsync("n");
        var detached = await live.WaitForExitAsync();

        detached.ExitCode.ShouldBe(130, detached.ToString());
        var run = detached.SubmittedRun;
        (await ada.RowAsync(run)).Status.ShouldBe("Running");
        // While it runs: the secret in no process of the host (its ps, taken before grep, whose arguments hold it).
        var secret = Convert.ToBase64String(Encoding.UTF8.GetBytes(S3Endpoint.SecretKey));
        (await ssh.RunAsync("h3", $"s=$(echo {secret} | base64 -d); p=$(ps -eo args); case \"$p\" in *\"$s\"*) echo ps shows it;; esac; true"))
            .Trim().ShouldBeEmpty("no process on h3 shows the store's secret key while the run goes on");
        await using var follow = ada.StartLive("logs", "-f", run);
        await follow.WaitForStdOutAsync("started on h3\n", TimeSpan.FromSeconds(30));
        OpenGate();
        var followed = await follow.WaitForExitAsync(TimeSpan.FromSeconds(60));

        followed.ExitCode.ShouldBe(0, followed.ToString());
        followed.StdOut.ShouldBe("started on h3\nfinished\n");
        (await ada.RowAsync(run)).Status.ShouldBe("Done");
        // After it: in no file of the SSH user's home (the runner's dstack home and its logs are there), and no
        // credentials file is left.
        (await ssh.RunAsync("h3", $"s=$(echo {secret} | base64 -d); grep -rlF \"$s\" ~ 2>/dev/null; find ~/.dstack/home/*/tmp/creds -type f 2>/dev/null; true"))
            .Trim().ShouldBeEmpty("no file in h3's home holds the store's secret key, and no credentials file is left");
        (await ssh.RunAsync("h3", $"ls ~/.dstack/home/*/tmp/runners/ | grep -F {run}")).ShouldNotBeEmpty("the runner's log, in that home, was among the files looked at");
    }
}
