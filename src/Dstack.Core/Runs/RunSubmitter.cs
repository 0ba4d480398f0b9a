using System.Text;
using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Submits runs: stores the code snapshot while it names the run and starts a runner per job, then writes its record.
/// Nothing is written under the run's name until the jobs have been built without error.
/// </summary>
public sealed class RunSubmitter(IStorage storage, ICompute compute, TimeProvider time, string dstackHome, ISubmitFeedback? feedback = null)
{
    private readonly RunStore _runs = new(storage);

    public async Task<RunRecord> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        // The code is stored from the start: it needs no name, and on a bucket its round trips overlap the naming's,
        // the runners' start and the index writes. The snapshot's content is referenced only once the run record is written.
        SaveLease? lease = null;
        // A run that cannot be submitted (its name or a dep failed) stops storing its code.
        using var saveCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        async Task<RepoSnapshotInfo> SaveCodeAsync()
        {
            lease = await SaveLease.TakeAsync(storage, saveCts.Token);
            return await CodeAsync(request, lease, saveCts.Token);
        }
        var saving = SaveCodeAsync();
        string runName;
        IReadOnlyList<JobSpec> jobs, templates;
        IReadOnlyList<ResolvedDep> deps;
        try
        {
            runName = await new RunNameGenerator(storage).NextAsync(ct);
            Diagnostics.StageTrace.Mark("submit: named");
            // Resolved while the run was named: a dep that fails leaves nothing under the name but its claim.
            deps = await request.Deps;
            jobs = request.BuildJobs(runName);
            templates = request.BuildJobs(RunNameTemplate.Placeholder);
        }
        catch
        {
            await saveCts.CancelAsync();
            await Observed(saving);
            if (lease is not null) await lease.DisposeAsync();
            throw;
        }
        // Until the record is stored, the runners wait for it as long as this marker moves, however long the code takes.
        // It is written while the runners start: one that looks before it is there waits for it (SubmitWatch.FirstSign).
        var marking = SubmitMarker.BeginAsync(storage, request.Repo.Repo, runName, time, ct);
        // The runners start now, while the code is stored: their start (on an SSH host, a round trip) and start-up
        // overlap it, and each waits for the run record.
        var launching = LaunchAsync(request.Repo.Repo, runName, jobs, ct);
        var submittedAt = time.GetUtcNow();
        // The index markers and the jobs' submitted states are written while the code is stored: the runners wait for the
        // record, which needs all three, and on a bucket each write is a round trip. Neither is seen before the record is
        // (a reader drops a marker without a record once no submit of it is in progress).
        var preparing = PrepareAsync(request.Repo.Repo, runName, jobs, submittedAt, ct);
        try
        {
            var run = new RunRecord
            {
                RunName = runName,
                Repo = request.Repo.Repo,
                WorkflowName = request.WorkflowName,
                ProviderName = request.ProviderName,
                SubmittedAt = submittedAt,
                Args = request.Args,
                Jobs = jobs,
                User = request.Repo.UserName,
                Deps = deps,
                TagOnDone = request.TagOnDone,
                Code = await saving,
                JobTemplates = RunNameTemplate.IsUsedBy(templates) ? templates : null,
            };
            await preparing;
            Diagnostics.StageTrace.Mark("submit: states stored");
            await marking;
            await _runs.CreateRecordAsync(run, ct);
            Diagnostics.StageTrace.Mark("submit: record stored");
            // The code is referenced now: the lease goes while the launches are stored.
            var releasing = lease!.DisposeAsync().AsTask();
            lease = null;
            await Task.WhenAll(releasing, StoreLaunchesAsync(run, await launching, ct));
            return run;
        }
        catch
        {
            await Observed(saving);
            if (lease is not null) await lease.DisposeAsync();
            await Observed(preparing);
            // A runner whose run is never stored has nothing to run: those that started are ended.
            if (await Completed(launching) is { } launches)
                foreach (var launch in launches) await compute.KillRunnerAsync(launch, CancellationToken.None);
            throw;
        }
        finally
        {
            // Removed once the record is stored, or the submit failed and its runners are ended.
            if (await Completed(marking) is { } submitting) await submitting.DisposeAsync();
        }
    }

    /// <summary>Waits for a task started alongside one that failed: its own failure is the other's to report.</summary>
    private static async Task Observed(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is not OutOfMemoryException) { }
    }

    /// <summary>What a task gave once it is over; null when it failed (the submit's error says why).</summary>
    private static async Task<T?> Completed<T>(Task<T> task) where T : class
    {
        try { return await task; }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    /// <summary>Stores the code (the snapshot of the files, and the diff) under <paramref name="lease"/>; says where it went.</summary>
    private async Task<RepoSnapshotInfo> CodeAsync(SubmitRequest request, SaveLease lease, CancellationToken ct)
    {
        var snapshots = new SnapshotStore(storage);
        feedback?.CodeStarted(request.Repo.Files.Count);
        var snapshotTask = snapshots.SaveTreeAsync(request.Repo.Root, request.Repo.Files, ct, saved: feedback is null ? null : feedback.CodeFileStored, lease: lease);
        string? diff;
        try { diff = request.Repo.Diff.Length == 0 ? null : await snapshots.Blobs.PutAsync(Encoding.UTF8.GetBytes(request.Repo.Diff), ct); }
        catch
        {
            await Observed(snapshotTask);
            throw;
        }
        var (id, manifest) = await snapshotTask;
        feedback?.CodeStored(manifest);
        Diagnostics.StageTrace.Mark("submit: snapshot stored");
        return new RepoSnapshotInfo
        {
            Branch = request.Repo.Branch, Commit = request.Repo.Commit, DiffBlob = diff,
            UntrackedFiles = request.Repo.UntrackedFiles, SnapshotId = id, IsGit = request.Repo.IsGit,
        };
    }

    /// <summary>Runs the same spec and snapshot again under a new name (which <c>${{ run.name }}</c> becomes).</summary>
    public async Task<RunRecord> RestartAsync(RunRecord previous, CancellationToken ct)
    {
        var runName = await new RunNameGenerator(storage).NextAsync(ct);
        var jobs = previous.JobTemplates?.Select(t => RunNameTemplate.Render(t, runName)).ToList() ?? previous.Jobs;
        var run = previous with { RunName = runName, SubmittedAt = time.GetUtcNow(), RestartOf = previous.RunName, Jobs = jobs };
        await CreateAsync(run, await LaunchAsync(run.Repo, runName, run.Jobs, ct), ct);
        return run;
    }

    private async Task<List<LaunchInfo>> LaunchAsync(RepoRef repo, string runName, IReadOnlyList<JobSpec> jobs, CancellationToken ct)
    {
        var targets = jobs.Select(job => new RunnerTarget(dstackHome, repo, runName, job.Index, job.Resources, job.Image, job.Python, job.Nodes)).ToList();
        var launches = new List<LaunchInfo>();
        if (compute is IStartsNodesTogether gang && jobs.Count > 1 && jobs[0].IsMultiNode)
            launches.AddRange(await gang.StartNodesAsync(targets, ct));
        else
            foreach (var target in targets) launches.Add(await compute.StartRunnerAsync(target, ct));
        Diagnostics.StageTrace.Mark("submit: runners launched");
        return launches;
    }

    /// <summary>
    /// The index markers (plain <c>ps</c> finds the run from its record on), the record, then how each runner was launched:
    /// from here on the run is listed and watched.
    /// </summary>
    private async Task CreateAsync(RunRecord run, List<LaunchInfo> launches, CancellationToken ct)
    {
        await PrepareAsync(run.Repo, run.RunName, run.Jobs, run.SubmittedAt, ct);
        await _runs.CreateRecordAsync(run, ct);
        await StoreLaunchesAsync(run, launches, ct);
    }

    /// <summary>What must be stored before the record: the index markers, the run log's, and each job's submitted state, at once.</summary>
    private Task PrepareAsync(RepoRef repo, string runName, IReadOnlyList<JobSpec> jobs, DateTimeOffset submittedAt, CancellationToken ct) =>
        Task.WhenAll(jobs.Select(j => _runs.PutSubmittedStateAsync(repo, runName, j.Index, submittedAt, ct))
            .Append(new UnfinishedRunIndex(storage).AddAsync(repo, runName, submittedAt, ct))
            .Append(new RunLog(storage).AddAsync(repo, runName, submittedAt, ct)));

    /// <summary>How each runner was launched, written at once: from here on the run is watched.</summary>
    private async Task StoreLaunchesAsync(RunRecord run, List<LaunchInfo> launches, CancellationToken ct)
    {
        await Task.WhenAll(launches.Select((launch, i) => _runs.PutLaunchAsync(run.Repo, run.RunName, run.Jobs[i].Index, launch, ct)));
        Diagnostics.StageTrace.Mark("submit: run stored");
    }
}
