using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>A run's deps placed in its working copy by the runner, in this process (see <see cref="RunnerHarness"/>).</summary>
public sealed class JobRunnerDepsTests : IDisposable
{
    private readonly RunnerHarness _h = new();

    public void Dispose() => _h.Dispose();

    /// <summary>A dep of a run, its artifact <c>data</c> holding one file, stored in the harness's store.</summary>
    private async Task<string> StoreDepAsync()
    {
        var folder = Directory.CreateTempSubdirectory("dstack-dep-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "rows.csv"), "a,b\n");
        var (id, _) = await new SnapshotStore(_h.Store).SaveFolderAsync(folder, default);
        Directory.Delete(folder, recursive: true);
        _h.Deps =
        [
            new ResolvedDep
            {
                Kind = DepSource.Workflow, Name = "prepare", Repo = _h.Repo, RunName = "prepare-1",
                Artifacts = [new ArtifactVersion("data", id, 1, 4, DateTimeOffset.UnixEpoch)],
            },
        ];
        return id;
    }

    /// <summary>
    /// On a bucket each manifest is a round trip: the dep's is asked together with the code's (each read is held here until
    /// the other has been asked; one after the other, the runner would never get past them), and the dep is in place when
    /// the job starts.
    /// </summary>
    [Fact]
    public async Task Runner_FetchesTheDepsManifest_WithTheCodes()
    {
        var dep = await StoreDepAsync();
        var depAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var codeAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Flaky.BeforeGet = async key =>
        {
            if (key == StoreKeys.Snapshot(dep)) { depAsked.TrySetResult(); await codeAsked.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
            else if (key.StartsWith(StoreKeys.SnapshotsPrefix, StringComparison.Ordinal)) { codeAsked.TrySetResult(); await depAsked.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
        };

        await _h.SubmitAsync(new JobSpec { Commands = ["python train.py"] });
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");

        var workingDir = _h.Executor.Launches.Single().WorkingDir;
        (await File.ReadAllTextAsync(Path.Combine(workingDir, "data", "rows.csv"))).ShouldBe("a,b\n");
        File.Exists(Path.Combine(workingDir, "train.py")).ShouldBeTrue();
        _h.Executor.Job!.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
    }

    /// <summary>A dep whose manifest is not in the store: the job fails to start, saying whose it is.</summary>
    [Fact]
    public async Task Runner_DepsManifestMissing_FailsToStart()
    {
        await StoreDepAsync();
        _h.Deps = [_h.Deps[0] with { Artifacts = [_h.Deps[0].Artifacts[0] with { Manifest = new string('0', 64) }] }];

        await _h.SubmitAsync(new JobSpec { Commands = ["python train.py"] });
        _h.Start();

        await _h.FinishAsync();
        var state = (await _h.StateAsync()).ShouldNotBeNull();
        state.Status.ShouldBe(JobStatus.Failed);
        _h.Executor.Launches.ShouldBeEmpty();
        (await _h.LogLinesAsync()).ShouldContain(l => l.Contains("run prepare-1", StringComparison.Ordinal));
    }
}
