using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>Runs and their jobs' live records, over <see cref="IStorage"/>.</summary>
/// <param name="unreadable">
/// Told about each run a listing skips because its record cannot be read; without it, such a run throws.
/// </param>
public sealed class RunStore(IStorage storage, Action<UnreadableRecordException>? unreadable = null)
{
    public IStorage Storage => storage;

    /// <summary>Writes the run record and each job's submitted state. False if the run already exists.</summary>
    public async Task<bool> CreateAsync(RunRecord run, DateTimeOffset now, CancellationToken ct)
    {
        await Task.WhenAll(run.Jobs.Select(job => PutSubmittedStateAsync(run.Repo, run.RunName, job.Index, now, ct)));
        return await CreateRecordAsync(run, ct);
    }

    /// <summary>A job's first state, before its run's record is written (<see cref="CreateAsync"/>).</summary>
    public Task PutSubmittedStateAsync(RepoRef repo, string run, int job, DateTimeOffset now, CancellationToken ct) =>
        PutStateAsync(repo, run, job, new JobState { Status = JobStatus.Submitted, UpdatedAt = now }, ct);

    /// <summary>
    /// The run record, once each job's submitted state is stored: it goes last, since a run becomes visible only once it is
    /// complete. False if the run already exists.
    /// </summary>
    public Task<bool> CreateRecordAsync(RunRecord run, CancellationToken ct) =>
        storage.PutIfAbsentAsync(StoreKeys.Run(run.Repo, run.RunName), StoreJson.Serialize(run), ct);

    public Task<RunRecord?> GetAsync(RepoRef repo, string run, CancellationToken ct) =>
        storage.GetRecordAsync<RunRecord>(StoreKeys.Run(repo, run), ct);

    public async Task<IReadOnlyList<RunRecord>> ListAsync(RepoRef repo, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var child in storage.ListChildrenAsync(StoreKeys.RunsPrefix(repo), ct))
            if (child.EndsWith('/')) names.Add(child.TrimEnd('/'));
        var runs = await Task.WhenAll(names.Select(name => GetOrSkipAsync(repo, name, ct)));
        return runs.OfType<RunRecord>().OrderByDescending(r => r.SubmittedAt).ToList();
    }

    private async Task<RunRecord?> GetOrSkipAsync(RepoRef repo, string run, CancellationToken ct)
    {
        try { return await GetAsync(repo, run, ct); }
        catch (UnreadableRecordException e) when (unreadable is not null)
        {
            unreadable(e);
            return null;
        }
    }

    public Task<JobState?> GetStateAsync(RepoRef repo, string run, int job, CancellationToken ct) =>
        storage.GetRecordAsync<JobState>(StoreKeys.JobState(repo, run, job), ct);

    public Task PutStateAsync(RepoRef repo, string run, int job, JobState state, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.JobState(repo, run, job), StoreJson.Serialize(state), ct);

    public Task RequestStopAsync(RepoRef repo, string run, int job, StopRequest request, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.StopRequest(repo, run, job), StoreJson.Serialize(request), ct);

    public Task<StopRequest?> GetStopRequestAsync(RepoRef repo, string run, int job, CancellationToken ct) =>
        storage.GetRecordAsync<StopRequest>(StoreKeys.StopRequest(repo, run, job), ct);

    public Task PutHeartbeatAsync(RepoRef repo, string run, int job, Heartbeat beat, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Heartbeat(repo, run, job), StoreJson.Serialize(beat), ct);

    public Task<Heartbeat?> GetHeartbeatAsync(RepoRef repo, string run, int job, CancellationToken ct) =>
        storage.GetRecordAsync<Heartbeat>(StoreKeys.Heartbeat(repo, run, job), ct);

    public Task PutLaunchAsync(RepoRef repo, string run, int job, LaunchInfo launch, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Launch(repo, run, job), StoreJson.Serialize(launch), ct);

    public Task<LaunchInfo?> GetLaunchAsync(RepoRef repo, string run, int job, CancellationToken ct) =>
        storage.GetRecordAsync<LaunchInfo>(StoreKeys.Launch(repo, run, job), ct);

    public Task PutNodeAsync(RepoRef repo, string run, int job, NodeAddress node, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Node(repo, run, job), StoreJson.Serialize(node), ct);

    public Task<NodeAddress?> GetNodeAsync(RepoRef repo, string run, int job, CancellationToken ct) =>
        storage.GetRecordAsync<NodeAddress>(StoreKeys.Node(repo, run, job), ct);

    /// <summary>
    /// Removes everything stored under the run, the record first so a half-removed run is never listed. A tombstone
    /// (<see cref="StoreKeys.RemovedRun"/>) goes before it: a <c>ps -a</c> elsewhere that lists only newer runs learns of it there.
    /// </summary>
    public async Task DeleteAsync(RepoRef repo, string run, CancellationToken ct)
    {
        await storage.PutIfAbsentAsync(StoreKeys.RemovedRun(repo, run), ReadOnlyMemory<byte>.Empty, ct);
        await storage.DeleteAsync(StoreKeys.Run(repo, run), ct);
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.RunPrefix(repo, run), ct)) keys.Add(key);
        foreach (var key in keys) await storage.DeleteAsync(key, ct);
    }
}
