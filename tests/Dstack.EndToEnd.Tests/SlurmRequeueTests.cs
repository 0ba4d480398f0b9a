using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Interruptible jobs on the real test cluster: <c>scontrol requeue</c> (what Slurm's preemption with requeue does too)
/// starts the batch script again with the same job id; the new attempt restores the job's last <c>mount: true</c>
/// checkpoint and goes on from there. A non-interruptible job is submitted <c>--no-requeue</c>, which Slurm 22.05 enforces
/// by refusing the requeue; past the target's limit of requeues the run fails with that reason.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmRequeueTests
{
    /// <summary>Slurm starts a requeued job again after its BeginTime (about 10 s on 22.05), then the runner starts.</summary>
    private static readonly TimeSpan RequeueDeadline = TimeSpan.FromSeconds(120);

    /// <summary>
    /// <c>train</c>: 8 steps, each appended to checkpoints/progress after the last one found there. Attempt 1 stops after
    /// step 4 (signal "at-4") and waits to be requeued; attempt 2 signals "attempt-2" after its first step and waits for
    /// "finish". <c>plain</c>: the same without <c>interruptible</c>.
    /// </summary>
    private static string Workflows(string interruptible) => $$"""
        workflows:
          - name: train
            provider: bash
            commands:
              - sh train.sh
            artifacts:
              - path: checkpoints
                mount: true
            resources:
              interruptible: {{interruptible}}
        """;

    private const string TrainScript = """
        mkdir -p checkpoints
        last=$(tail -n 1 checkpoints/progress 2>/dev/null | cut -d' ' -f2)
        last=${last:-0}
        echo "attempt $DSTACK_ATTEMPT resumes after step $last"
        for k in $(seq $((last + 1)) 8); do
          echo "step $k" >> checkpoints/progress
          echo "did step $k"
          if [ "$DSTACK_ATTEMPT" = 1 ] && [ "$k" = 4 ]; then touch "$E2E_SIGNALS/at-4"; sleep 600; exit 9; fi
          if [ "$DSTACK_ATTEMPT" = 2 ] && [ "$k" = $((last + 1)) ]; then touch "$E2E_SIGNALS/attempt-2"; until [ -e "$E2E_SIGNALS/finish" ]; do sleep 0.05; done; fi
        done
        """;

    private static async Task<Sandbox> ClusterUserAsync(string interruptible, params string[] targetOptions)
    {
        await SlurmTestCluster.EnsureUpAsync();
        var ada = new Sandbox();
        var add = await ada.DstackAsync(["config", "compute", "add", "cluster", "--slurm", .. targetOptions]);
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(Workflows(interruptible)).WriteFile("train.sh", TrainScript).Commit();
        return ada;
    }

    /// <summary>Waits until the live save of the job's checkpoint holds step <paramref name="step"/> (what attempt 2 restores).</summary>
    private static Task SavedThroughStepAsync(Sandbox ada, string run, int step) =>
        Eventually.ReturnsAsync(async () =>
        {
            var (download, dir) = await ada.DownloadAsync(run);
            var progress = Path.Combine(dir, "checkpoints", "progress");
            return download.ExitCode == 0 && File.Exists(progress) && File.ReadAllLines(progress).LastOrDefault() == $"step {step}";
        }, saved => saved, RequeueDeadline, $"the checkpoint of step {step} to be saved");

    private static async Task<string> LogsAsync(Sandbox ada, string run)
    {
        var logs = await ada.DstackAsync("logs", run);
        logs.ExitCode.ShouldBe(0, logs.ToString());
        return logs.StdOut;
    }

    [Fact]
    public async Task InterruptibleTraining_RequeuedMidRun_ResumesFromItsCheckpoint_EveryStepDoneOnce()
    {
        await using var ada = await ClusterUserAsync("true");
        var run = await ada.RunDetachedAsync("train", "--compute", "cluster");
        await ada.WaitForSignalAsync("at-4", RequeueDeadline);
        var job = await ada.LaunchHandleAsync(run);
        (await SlurmTestCluster.RunAsync($"scontrol show job {job}")).ShouldContain("Requeue=1");
        await SavedThroughStepAsync(ada, run, 4);

        (await SlurmTestCluster.RunAsync($"scontrol requeue {job} && echo requeued")).ShouldContain("requeued");

        var waiting = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.Status == "Pending" || File.Exists(Path.Combine(ada.Signals, "attempt-2")),
            RequeueDeadline, "ps to show the requeued job");
        if (waiting.Status == "Pending") waiting.Reason.ShouldStartWith("requeued, slurm: ");
        await ada.WaitForSignalAsync("attempt-2", RequeueDeadline);
        var row = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.Status == "Running", RequeueDeadline, "attempt 2 running");
        row.Reason.ShouldContain("attempt 2 after requeue");
        (await ada.LaunchHandleAsync(run)).ShouldBe(job, "the same Slurm job");
        ada.Raise("finish");

        var done = await ada.WaitFinishedAsync(run, RequeueDeadline);
        done.Status.ShouldBe("Done", done.ToString());
        var logs = await LogsAsync(ada, run);
        logs.ShouldContain("attempt 1 resumes after step 0");
        logs.ShouldContain("dstack: attempt 2 after requeue (restored checkpoints: 1 file)");
        logs.ShouldContain("attempt 2 resumes after step 4");
        logs.IndexOf("did step 4", StringComparison.Ordinal).ShouldBeLessThan(logs.IndexOf("dstack: attempt 2", StringComparison.Ordinal), "attempt 1's log is kept, before the marker");
        var (download, dir) = await ada.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllLines(Path.Combine(dir, "checkpoints", "progress")).ShouldBe(Enumerable.Range(1, 8).Select(k => $"step {k}").ToArray());
    }

    [Fact]
    public async Task ANonInterruptibleJob_IsNotRequeueable_SlurmRefusesTheRequeue_AndTheRunGoesOn()
    {
        await using var ada = await ClusterUserAsync("false");
        var run = await ada.RunDetachedAsync("train", "--compute", "cluster");
        await ada.WaitForSignalAsync("at-4", RequeueDeadline);
        var job = await ada.LaunchHandleAsync(run);
        (await SlurmTestCluster.RunAsync($"scontrol show job {job}")).ShouldContain("Requeue=0");

        var requeue = await SlurmTestCluster.RunAsync($"scontrol requeue {job} 2>&1; echo \"exit $?\"");

        requeue.ShouldContain("Requested operation is presently disabled");
        requeue.ShouldContain("exit 1");
        (await ada.RowAsync(run)).Status.ShouldBe("Running");
        await ada.DstackAsync("stop", "-y", run);
        var stopped = await ada.WaitFinishedAsync(run, RequeueDeadline);
        stopped.Status.ShouldBe("Stopped", stopped.ToString());
        (await LogsAsync(ada, run)).ShouldNotContain("attempt 2");
    }

    [Fact]
    public async Task RequeuedMoreThanTheTargetsLimit_FailsWithThatReason()
    {
        await using var ada = await ClusterUserAsync("true", "--max-requeues", "0");
        var run = await ada.RunDetachedAsync("train", "--compute", "cluster");
        await ada.WaitForSignalAsync("at-4", RequeueDeadline);
        var job = await ada.LaunchHandleAsync(run);
        await SavedThroughStepAsync(ada, run, 4);

        (await SlurmTestCluster.RunAsync($"scontrol requeue {job} && echo requeued")).ShouldContain("requeued");

        var row = await ada.WaitFinishedAsync(run, RequeueDeadline);
        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("slurm: requeued 1 time, more than the limit of 0");
        File.Exists(Path.Combine(ada.Signals, "attempt-2")).ShouldBeFalse("the commands never ran again");
    }
}
