using System.Diagnostics;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>mount: true</c> artifacts are saved while the job runs, so a killed job keeps its last checkpoint.</summary>
public sealed class LiveArtifactsTests
{
    /// <summary><c>train</c> writes checkpoint 1, signals "ckpt-1", waits for "next", writes checkpoint 2, signals "ckpt-2", waits for "go".</summary>
    private static readonly string Checkpoints = $"""
        workflows:
          - name: train
            provider: bash
            commands:
              - echo "weights after epoch 1" > checkpoints/epoch-1.pt
              - {Sandbox.SendSignal("ckpt-1")}
              - {Sandbox.AwaitSignal("next")}
              - echo "weights after epoch 2" > checkpoints/epoch-2.pt
              - {Sandbox.SendSignal("ckpt-2")}
              - {Sandbox.AwaitSignal("go")}
            artifacts:
              - path: checkpoints
                mount: true
        """;

    [Fact]
    public async Task MountedArtifact_AFileTheJobFinishedWriting_IsListedWithinTwoSeconds_WhileTheJobRuns()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Checkpoints).Commit();
        var run = await sandbox.RunDetachedAsync("train");

        await sandbox.WaitForSignalAsync("ckpt-1");
        await ShouldBeListedWithinTwoSecondsAsync(sandbox, run, "epoch-1.pt");
        sandbox.Raise("next");
        await sandbox.WaitForSignalAsync("ckpt-2");
        var rows = await ShouldBeListedWithinTwoSecondsAsync(sandbox, run, "epoch-2.pt");

        rows.ShouldBe([new ArtifactRow("checkpoints", "epoch-1.pt", "22B"), new ArtifactRow("checkpoints", "epoch-2.pt", "22B")]);
        (await sandbox.RowAsync(run)).Status.ShouldBe("Running", "the files were listed while the job still ran");
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "checkpoints", "epoch-2.pt")).ShouldBe("weights after epoch 2\n");
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
        (await sandbox.ArtifactsAsync(run)).ShouldBe(rows);
    }

    [Fact]
    public async Task MountedArtifact_JobKilledWithSigkill_KeepsItsCheckpoint()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Checkpoints).Commit();
        var run = await sandbox.RunDetachedAsync("train");
        await sandbox.WaitForSignalAsync("ckpt-1");
        await ShouldBeListedWithinTwoSecondsAsync(sandbox, run, "epoch-1.pt");
        var jobPid = await sandbox.JobPidAsync(run);

        Processes.SignalGroup(jobPid, "KILL"); // the whole job (process group), as the OOM killer would
        var row = await sandbox.WaitFinishedAsync(run);

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("exit code 137");
        (await sandbox.ArtifactsAsync(run)).ShouldBe([new ArtifactRow("checkpoints", "epoch-1.pt", "22B")]);
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "checkpoints", "epoch-1.pt")).ShouldBe("weights after epoch 1\n");
    }

    [Fact]
    public async Task MountedArtifact_RunnerAndJobKilledWithSigkill_KeepWhatWasSavedWhileRunning()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Checkpoints).Commit();
        var run = await sandbox.RunDetachedAsync("train");
        await sandbox.WaitForSignalAsync("ckpt-1");
        await ShouldBeListedWithinTwoSecondsAsync(sandbox, run, "epoch-1.pt");
        var runnerPid = await sandbox.RunnerPidAsync(run);
        var jobPid = await sandbox.JobPidAsync(run);

        Processes.Signal(runnerPid, "KILL"); // no final save can run: only the live saves are left
        Processes.SignalGroup(jobPid, "KILL");
        await Processes.WaitGoneAsync(runnerPid, "the runner");
        var row = await sandbox.WaitFinishedAsync(run);

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("runner lost");
        (await sandbox.ArtifactsAsync(run)).ShouldBe([new ArtifactRow("checkpoints", "epoch-1.pt", "22B")]);
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "checkpoints", "epoch-1.pt")).ShouldBe("weights after epoch 1\n");
    }

    /// <summary>Polls <c>dstack artifacts list RUN</c> from the moment the job said the file is written; fails past 2 s.</summary>
    private static async Task<IReadOnlyList<ArtifactRow>> ShouldBeListedWithinTwoSecondsAsync(Sandbox sandbox, string run, string file)
    {
        var clock = Stopwatch.StartNew();
        var rows = await Eventually.ReturnsAsync(() => sandbox.ArtifactsAsync(run), r => r.Any(a => a.File == file), TimeSpan.FromSeconds(10),
            $"{file} in `dstack artifacts list {run}`");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2), $"{file} was listed only after {clock.Elapsed.TotalSeconds:0.0}s");
        return rows;
    }
}
