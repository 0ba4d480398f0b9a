using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Statuses from Slurm on the real test cluster (n1, n2: 2 CPUs each): a job Slurm queues is pending with Slurm's reason,
/// one Slurm ends without the runner's word fails with Slurm's state, stop reaches a queued job through scancel, and a
/// killed runner is lost with its Slurm job ended.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmStatusTests
{
    private static readonly TimeSpan SlurmDeadline = TimeSpan.FromSeconds(60);

    private static async Task<Sandbox> ClusterUserAsync()
    {
        await SlurmTestCluster.EnsureUpAsync();
        var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm");
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows("""
            workflows:
              - name: wait
                provider: bash
                commands:
                  - echo working
                  - sleep 300
            """).Commit();
        return ada;
    }

    private static Task<string> SlurmStateAsync(string jobId) =>
        Eventually.ReturnsAsync(async () => (await SlurmTestCluster.RunAsync($"squeue -h -t all -j {jobId} -o %T")).Trim(), _ => true, SlurmDeadline, "squeue");

    private static Task<string> WaitSlurmStateAsync(string jobId, Func<string, bool> done) =>
        Eventually.ReturnsAsync(async () => (await SlurmTestCluster.RunAsync($"squeue -h -t all -j {jobId} -o %T")).Trim(), done, SlurmDeadline, $"Slurm job {jobId}'s state");

    [Fact]
    public async Task AJobThatWaitsForCpus_IsPendingWithSlurmsReason_AndStopEndsItInTheQueue()
    {
        await using var ada = await ClusterUserAsync();
        // Every CPU of both nodes held by a job outside dstack.
        var blocker = (await SlurmTestCluster.RunAsync("sbatch --parsable -N2 --ntasks-per-node=2 -o /dev/null --job-name=blocker --wrap 'sleep 600'")).Trim();
        try
        {
            await WaitSlurmStateAsync(blocker, s => s == "RUNNING");
            var run = await ada.RunDetachedAsync("wait", "--compute", "cluster");

            // Before Slurm's scheduler has looked at the job, its reason is None: "slurm: queued".
            var row = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.Reason is "slurm: Resources" or "slurm: Priority", TimeSpan.FromSeconds(120), "Slurm's reason in ps");
            row.Status.ShouldBe("Pending", row.ToString());
            var job = await ada.LaunchHandleAsync(run);
            (await SlurmStateAsync(job)).ShouldBe("PENDING");

            var stop = await ada.DstackAsync("stop", "-y", run);

            stop.ExitCode.ShouldBe(0, stop.ToString());
            (await ada.RowAsync(run)).Status.ShouldBe("Stopped");
            (await SlurmStateAsync(job)).ShouldBe("CANCELLED", "scancel ended it in the queue: no runner ever read the request");
        }
        finally { await SlurmTestCluster.RunAsync($"scancel {blocker}"); }
    }

    [Fact]
    public async Task ScancelOutsideDstack_FailsTheRun_WithSlurmCancelled()
    {
        await using var ada = await ClusterUserAsync();
        var run = await ada.RunDetachedAsync("wait", "--compute", "cluster");
        await ada.WaitForStatusAsync(run, s => s == "Running", SlurmDeadline);
        var job = await ada.LaunchHandleAsync(run);

        await SlurmTestCluster.RunAsync($"scancel {job}");
        var row = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.IsFinished, SlurmDeadline, $"{run} to finish");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("slurm: CANCELLED");
    }

    [Fact]
    public async Task KilledRunner_IsRunnerLost_AndItsSlurmJobHasEnded()
    {
        await using var ada = await ClusterUserAsync();
        var run = await ada.RunDetachedAsync("wait", "--compute", "cluster");
        await ada.WaitForStatusAsync(run, s => s == "Running", SlurmDeadline);
        var job = await ada.LaunchHandleAsync(run);
        var runnerPid = await ada.HeartbeatPidAsync(run);
        Processes.CommandLine(runnerPid).ShouldContain($"runner --repo acme/widgets --run {run} --slurm --job 0");

        Processes.Signal(runnerPid, "KILL");
        var row = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.IsFinished, SlurmDeadline, $"{run} to finish");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldStartWith("runner lost");
        (await WaitSlurmStateAsync(job, s => s is not ("RUNNING" or "COMPLETING"))).ShouldBeOneOf("FAILED", "CANCELLED");
    }

    [Fact]
    public async Task AbortOfARunningJob_EndsItAborted_AndItsSlurmJobEnds()
    {
        await using var ada = await ClusterUserAsync();
        var run = await ada.RunDetachedAsync("wait", "--compute", "cluster");
        await ada.WaitForStatusAsync(run, s => s == "Running", SlurmDeadline);
        var job = await ada.LaunchHandleAsync(run);

        var stop = await ada.DstackAsync("stop", "-x", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await ada.RowAsync(run)).Status.ShouldBe("Aborted");
        (await WaitSlurmStateAsync(job, s => s is not ("RUNNING" or "COMPLETING"))).ShouldNotBe("PENDING");
    }
}
