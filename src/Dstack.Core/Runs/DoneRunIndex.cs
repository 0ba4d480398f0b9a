using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Finds the newest done run of a workflow without reading every run of the repo. The runner that ends a run's
/// last job done leaves a create-only marker (<see cref="StoreKeys.DoneRun"/>) in the store, so teammates sharing
/// a bucket see each other's runs; the names sort newest first, and a marker never overwrites, so runners racing
/// lose nothing. The runs stay the truth: each marker is checked against its run, a marker of a removed run is
/// dropped, and when no marker leads to a done run (runs from before the index, or the newest removed) every run
/// is read once, as before, and the one found is marked. A marker holds the run's artifact versions (<see cref="DoneRunMarker"/>),
/// read with the run's record and state: a dep costs a listing and one round trip, not also a listing of the artifacts.
/// </summary>
/// <remarks>
/// A done run is missed only if its runner died between writing the last job's state and the marker (one store
/// request), or was an older dstack that writes none while newer runs of the workflow have markers.
/// </remarks>
public sealed class DoneRunIndex(IStorage storage)
{
    private const int TicksDigits = 19;
    private const int Kept = 4;
    private readonly RunStore _runs = new(storage);
    private readonly ArtifactStore _artifacts = new(storage);

    /// <summary>A done run and its artifacts' current versions.</summary>
    public sealed record DoneRun(RunRecord Run, IReadOnlyList<ArtifactVersion> Artifacts);

    /// <summary>
    /// Marks the run if every job of it is done. Each job's runner calls it after writing its final state: of two
    /// jobs ending at once, at least one reads the other's state as written, so a done run is always marked.
    /// </summary>
    public async Task MarkIfDoneAsync(RunRecord run, CancellationToken ct)
    {
        if (run.WorkflowName is { } workflow && await IsDoneAsync(run, ct)) await MarkAsync(run, workflow, await _artifacts.ListAsync(run, ct), ct);
    }

    /// <summary>The newest done run of the workflow and its artifacts; null when it has none.</summary>
    public async Task<DoneRun?> LatestAsync(RepoRef repo, string workflow, CancellationToken ct)
    {
        var markers = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.DoneRunsOf(repo, workflow), ct)) markers.Add(key);
        foreach (var key in markers) // newest first
        {
            var name = key[(key.LastIndexOf('/') + 1)..];
            if (name.Length <= TicksDigits + 1) continue; // not a marker
            // The marker's artifacts and the first job's state with the record: on a bucket one round trip, not three
            // (nearly every run has one job, 0).
            var held = storage.GetAsync(key, ct);
            var first = _runs.GetStateAsync(repo, name[(TicksDigits + 1)..], 0, ct);
            var run = await _runs.GetAsync(repo, name[(TicksDigits + 1)..], ct);
            if (run is null)
            {
                await Observed(first);
                await Observed(held);
                await storage.DeleteAsync(key, ct); // removed: its name is never reused for another run
            }
            else if (run.WorkflowName == workflow && await IsDoneAsync(run, first, ct))
                return new DoneRun(run, ArtifactsIn(await held, key) ?? await _artifacts.ListAsync(run, ct));
            else
            {
                await Observed(first);
                await Observed(held);
            }
        }
        foreach (var run in await _runs.ListAsync(repo, ct)) // newest first
        {
            if (run.WorkflowName != workflow || !await IsDoneAsync(run, ct)) continue;
            var artifacts = await _artifacts.ListAsync(run, ct);
            await MarkAsync(run, workflow, artifacts, ct);
            return new DoneRun(run, artifacts);
        }
        return null;
    }

    /// <summary>
    /// The artifacts a marker holds; null for one without them (written by an older dstack, empty), or unreadable: the
    /// run's artifacts are then listed, as they would have been.
    /// </summary>
    private static IReadOnlyList<ArtifactVersion>? ArtifactsIn(byte[]? marker, string key)
    {
        if (marker is not { Length: > 0 }) return null;
        try { return StoreJson.Deserialize<DoneRunMarker>(marker, key).Artifacts; }
        catch (UnreadableRecordException) { return null; }
    }

    private async Task MarkAsync(RunRecord run, string workflow, IReadOnlyList<ArtifactVersion> artifacts, CancellationToken ct)
    {
        var marker = StoreKeys.DoneRun(run.Repo, workflow, run.SubmittedAt, run.RunName);
        await storage.PutIfAbsentAsync(marker, StoreJson.Serialize(new DoneRunMarker(artifacts)), ct);
        // Markers past the newest few go, so the folder stays a few keys long (the few spare a scan when the newest
        // run is removed). Only markers older than this one: a newer one, a teammate's written meanwhile, is left alone.
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.DoneRunsOf(run.Repo, workflow), ct)) keys.Add(key);
        foreach (var key in keys.Skip(Kept))
            if (string.CompareOrdinal(key, marker) > 0) await storage.DeleteAsync(key, ct);
    }

    private Task<bool> IsDoneAsync(RunRecord run, CancellationToken ct) => IsDoneAsync(run, null, ct);

    /// <summary>Every job done; <paramref name="first"/>, when given, is job 0's state read already.</summary>
    private async Task<bool> IsDoneAsync(RunRecord run, Task<JobState?>? first, CancellationToken ct)
    {
        foreach (var job in run.Jobs)
        {
            var state = job.Index == 0 && first is not null ? await first : await _runs.GetStateAsync(run.Repo, run.RunName, job.Index, ct);
            if (state?.Status != JobStatus.Done) return false;
        }
        return true;
    }

    /// <summary>Waits for a read made ahead that was not needed: its failure is not this lookup's.</summary>
    private static async Task Observed(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is not OutOfMemoryException) { }
    }
}
