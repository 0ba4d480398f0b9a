using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tags;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>How often <c>mount: true</c> artifacts are saved while the job runs.</summary>
    private static readonly TimeSpan LiveSaveInterval = TimeSpan.FromMilliseconds(500);

    private sealed record Output(ArtifactRef Artifact, string Folder);

    /// <summary>Each dep artifact's manifest, in the order <see cref="PlaceDepsAsync"/> places them, fetched at once.</summary>
    private List<Task<SnapshotManifest>> FetchDepManifests(JobContext job, CancellationToken ct)
    {
        var artifacts = new ArtifactStore(storage, options.BlobCache);
        return job.Run.Deps.SelectMany(dep => dep.Artifacts.Select(version => artifacts.GetManifestAsync(version, DepOwner(dep), ct))).ToList();
    }

    private static string DepOwner(ResolvedDep dep) => dep.RunName is { } run ? $"run {run}" : $"tag {dep.Name}";

    /// <summary>
    /// Puts each dep's artifacts at their paths, as fresh copies: the job may change them freely. A dep is placed only
    /// inside the working copy, replacing only what the working copy had there (never through a symlink leading out of
    /// it); a dep saved at an absolute path is refused, since placing it would write outside. <paramref name="manifests"/>
    /// are their manifests (<see cref="FetchDepManifests"/>).
    /// </summary>
    private async Task PlaceDepsAsync(JobContext job, string root, string workingDir, List<Task<SnapshotManifest>> manifests, CancellationToken ct)
    {
        var artifacts = new ArtifactStore(storage, options.BlobCache);
        var next = 0;
        foreach (var dep in job.Run.Deps)
            foreach (var version in dep.Artifacts)
            {
                var manifest = manifests[next++];
                var owner = DepOwner(dep);
                if (Path.IsPathRooted(version.Path)) throw PathEscapeException.AbsoluteDep(version.Path, owner);
                var dest = ArtifactPaths.Inside(root, workingDir, version.Path);
                if (dest is null || dest == root) throw PathEscapeException.Dep(version.Path, owner);
                ArtifactPaths.DeleteEntry(dest);
                await artifacts.Trees.MaterializeAsync(await manifest, dest, owner, ct);
            }
    }

    private static List<Output> PrepareOutputs(JobContext job, string root, string workingDir)
    {
        var outputs = new List<Output>();
        foreach (var artifact in job.Spec.Artifacts)
        {
            var folder = ArtifactPaths.Output(root, workingDir, artifact.Path) ?? throw PathEscapeException.Artifact(artifact.Path);
            if (!ArtifactPaths.PrepareOutput(folder, root)) throw PathEscapeException.NotAFolder(artifact.Path);
            outputs.Add(new Output(artifact, folder));
        }
        return outputs;
    }

    private async Task LiveSaveLoopAsync(JobContext job, List<Output> outputs, CancellationToken ct)
    {
        var store = new ArtifactStore(storage);
        var savers = outputs.Where(o => o.Artifact.Mount)
            .Select(o => new LiveArtifactSaver(store, job.Run.Repo, job.Run.RunName, job.Spec.Index, ArtifactPaths.Stored(job.Spec, o.Artifact.Path), o.Folder, time))
            .ToList();
        if (savers.Count == 0) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                foreach (var saver in savers) await saver.SaveAsync(ct);
                await Task.Delay(LiveSaveInterval, time, ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                // A failing live save never kills the job; the final save still runs.
                job.Logs.AppendLine($"dstack: saving artifacts while running failed: {e.Message}");
                try { await Task.Delay(LiveSaveInterval, time, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Saves every output artifact; returns a failed state when that is not possible.</summary>
    private async Task<JobState?> SaveOutputsAsync(JobContext job, List<Output> outputs, string root, CancellationToken ct)
    {
        await SetProgressAsync(job, job.Progress(JobStatus.Uploading, time.GetUtcNow()), ct);
        var store = new ArtifactStore(storage);
        try
        {
            // The job is over and its working copy goes next, so files of an output inside it move into the store
            // instead of being copied, each one only when nothing can change it there any more: a process that
            // outlived the job (started with setsid, or a detached container writing to a bind mount) may still
            // hold it open, or another name may link to it; such a file is copied. Outputs outside the working copy
            // (a cache folder, or one reached through a symlink) and outputs nested in another are copied too.
            var nested = outputs.Any(a => outputs.Any(b => a != b && (a.Folder == b.Folder || ArtifactPaths.IsInside(a.Folder, b.Folder))));
            foreach (var output in outputs)
            {
                var take = !nested && ArtifactPaths.GoesWithTheWorkingCopy(output.Folder, root);
                await store.SaveAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, ArtifactPaths.Stored(job.Spec, output.Artifact.Path), output.Folder, time.GetUtcNow(), ct, takeFiles: take);
            }
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException) // the store failed even after its retries
        {
            job.Logs.AppendLine($"dstack: saving artifacts failed: {e.Message}");
            return Storage.DiskFullException.IsDiskFull(e) ? Failure(job, e)
                : Finished(job, JobStatus.Failed, TerminationReason.RunnerFailed, null, $"artifacts not saved: {e.Message}");
        }
    }

    /// <summary><c>dstack run -t TAG</c>: the finished run's artifacts under the tag, replacing an older one of that name.</summary>
    private async Task TagAsync(JobContext job, string tag, CancellationToken ct)
    {
        var run = job.Run;
        await new TagStore(storage).PutAsync(run.Repo, new TagRecord
        {
            Name = tag, RunName = run.RunName, WorkflowName = run.WorkflowName, User = run.User,
            Artifacts = await new ArtifactStore(storage).ListAsync(run, ct), CreatedAt = time.GetUtcNow(),
        }, ct);
    }
}
