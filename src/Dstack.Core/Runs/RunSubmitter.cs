using System.Text;
using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Submits runs: stores the code snapshot, names the run, writes its record, and starts a runner per job.
/// Nothing is written under the run's name until the jobs have been built without error.
/// </summary>
public sealed class RunSubmitter(IStorage storage, ICompute compute, TimeProvider time, string dstackHome)
{
    private readonly RunStore _runs = new(storage);

    public async Task<RunRecord> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        var names = new RunNameGenerator(storage);
        var snapshots = new SnapshotStore(storage);
        var snapshotTask = snapshots.SaveAsync(request.Repo.Root, request.Repo.Files, ct);
        var runName = await names.NextAsync(ct);
        Diagnostics.StageTrace.Mark("submit: named");
        var jobs = request.BuildJobs(runName);
        var diff = request.Repo.Diff.Length == 0 ? null : await snapshots.Blobs.PutAsync(Encoding.UTF8.GetBytes(request.Repo.Diff), ct);
        var run = new RunRecord
        {
            RunName = runName,
            Repo = request.Repo.Repo,
            WorkflowName = request.WorkflowName,
            ProviderName = request.ProviderName,
            SubmittedAt = time.GetUtcNow(),
            Args = request.Args,
            Jobs = jobs,
            User = request.Repo.UserName,
            Deps = request.Deps,
            TagOnDone = request.TagOnDone,
            Code = new RepoSnapshotInfo
            {
                Branch = request.Repo.Branch, Commit = request.Repo.Commit, DiffBlob = diff,
                UntrackedFiles = request.Repo.UntrackedFiles, SnapshotId = await snapshotTask, IsGit = request.Repo.IsGit,
            },
        };
        return await SubmitRecordAsync(run, ct);
    }

    /// <summary>Runs the same spec and snapshot again under a new name.</summary>
    public async Task<RunRecord> RestartAsync(RunRecord previous, CancellationToken ct)
    {
        var runName = await new RunNameGenerator(storage).NextAsync(ct);
        return await SubmitRecordAsync(previous with { RunName = runName, SubmittedAt = time.GetUtcNow(), RestartOf = previous.RunName }, ct);
    }

    private async Task<RunRecord> SubmitRecordAsync(RunRecord run, CancellationToken ct)
    {
        Diagnostics.StageTrace.Mark("submit: snapshot stored");
        await _runs.CreateAsync(run, time.GetUtcNow(), ct);
        Diagnostics.StageTrace.Mark("submit: run stored");
        foreach (var job in run.Jobs)
        {
            var launch = await compute.StartRunnerAsync(new RunnerTarget(dstackHome, run.Repo, run.RunName, job.Index), ct);
            Diagnostics.StageTrace.Mark("submit: runner launched");
            await _runs.PutLaunchAsync(run.Repo, run.RunName, job.Index, launch, ct);
        }
        return run;
    }
}
