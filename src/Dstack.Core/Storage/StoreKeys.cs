using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// The whole key layout of the store, in one place. Names never carry encoded records; every
/// record is a JSON object at its own key.
/// </summary>
public static class StoreKeys
{
    /// <summary>Everything a repo has: its runs (with their jobs and artifact pointers) and its tags.</summary>
    public const string ReposPrefix = "repos/";
    public static string RepoPrefix(RepoRef repo) => $"{ReposPrefix}{repo.Owner}/{repo.Name}/";
    public static string RunsPrefix(RepoRef repo) => $"{RepoPrefix(repo)}runs/";
    public static string RunPrefix(RepoRef repo, string run) => $"{RunsPrefix(repo)}{run}/";
    public static string Run(RepoRef repo, string run) => $"{RunPrefix(repo, run)}run.json";
    public static string JobPrefix(RepoRef repo, string run, int job) => $"{RunPrefix(repo, run)}jobs/{job}/";
    public static string JobState(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}state.json";
    public static string StopRequest(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}stop.json";
    public static string Heartbeat(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}heartbeat.json";
    public static string Launch(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}launch.json";
    /// <summary>A multi-node run's node: its address, and on rank 0 the master port (<see cref="Models.NodeAddress"/>).</summary>
    public static string Node(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}node.json";
    public static string LogsPrefix(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}logs/";
    public static string LogChunk(RepoRef repo, string run, int job, string name) => LogsPrefix(repo, run, job) + name;

    /// <summary>The newest saved version of one artifact of a job; the path is escaped into one key segment.</summary>
    public static string ArtifactsPrefix(RepoRef repo, string run, int job) => $"{JobPrefix(repo, run, job)}artifacts/";
    public static string Artifact(RepoRef repo, string run, int job, string path) =>
        $"{ArtifactsPrefix(repo, run, job)}{Uri.EscapeDataString(path)}.json";

    public static string TagsPrefix(RepoRef repo) => $"{RepoPrefix(repo)}tags/";
    public static string Tag(RepoRef repo, string name) => $"{TagsPrefix(repo)}{name}.json";

    /// <summary>
    /// Secrets live apart from run state so that access to them can be limited on their own
    /// (a local store writes everything under this prefix readable by the owner alone).
    /// </summary>
    public const string PrivatePrefix = "secrets/";
    public static string SecretsPrefix(RepoRef repo) => $"{PrivatePrefix}{repo.Owner}/{repo.Name}/";
    public static string Secret(RepoRef repo, string name) => $"{SecretsPrefix(repo)}{name}.json";

    /// <summary>Create-only markers that make run names unique across the whole store.</summary>
    public const string RunNamesPrefix = "run-names/";
    public static string RunName(string name) => $"{RunNamesPrefix}{name}";

    /// <summary>
    /// Create-only markers of done runs, one folder per workflow, named so that ordinal order is newest submitted first:
    /// a <c>workflow:</c> dep reads the first instead of every run. The workflow name is escaped into one segment and
    /// suffixed, so that no name (<c>..</c>, <c>tags</c>) can reach outside its folder or look like another record.
    /// </summary>
    public const string DoneRunsPrefix = "done-runs/";
    public static string DoneRunsOf(RepoRef repo, string workflow) =>
        $"{DoneRunsPrefix}{repo.Owner}/{repo.Name}/{Uri.EscapeDataString(workflow)}.wf/";
    public static string DoneRun(RepoRef repo, string workflow, DateTimeOffset submittedAt, string run) =>
        $"{DoneRunsOf(repo, workflow)}{DateTimeOffset.MaxValue.UtcTicks - submittedAt.UtcTicks:D19}.{run}";

    /// <summary>
    /// Create-only markers of a repo's runs that have not ended, written at submit before the record and removed when the
    /// run ends: plain <c>ps</c> lists them, not every run. Named like <see cref="DoneRun"/>, newest submitted first.
    /// </summary>
    public const string UnfinishedRunsPrefix = "unfinished-runs/";
    public static string UnfinishedRunsOf(RepoRef repo) => $"{UnfinishedRunsPrefix}{repo.Owner}/{repo.Name}/";
    public static string UnfinishedRun(RepoRef repo, DateTimeOffset submittedAt, string run) =>
        $"{UnfinishedRunsOf(repo)}{DateTimeOffset.MaxValue.UtcTicks - submittedAt.UtcTicks:D19}.{run}";

    /// <summary>Create-only markers of a repo's newest few runs, newest first: plain <c>ps</c> finds the latest run here.</summary>
    public const string RecentRunsPrefix = "recent-runs/";
    public static string RecentRunsOf(RepoRef repo) => $"{RecentRunsPrefix}{repo.Owner}/{repo.Name}/";
    public static string RecentRun(RepoRef repo, DateTimeOffset submittedAt, string run) =>
        $"{RecentRunsOf(repo)}{DateTimeOffset.MaxValue.UtcTicks - submittedAt.UtcTicks:D19}.{run}";

    /// <summary>
    /// Create-only checkpoints of a repo's finished runs as <c>ps</c> shows them (<c>RunCheckpoints</c>), so that <c>ps -a</c> on
    /// a machine without its cache reads one object instead of every run. Named by when its runs were listed (inverted ticks,
    /// newest first, as <see cref="DoneRun"/>) and the SHA-256 of the content, which a reader checks: a damaged one is ignored.
    /// </summary>
    public const string RunSummariesPrefix = "run-summaries/";
    public static string RunSummariesOf(RepoRef repo) => $"{RunSummariesPrefix}{repo.Owner}/{repo.Name}/";
    public static string RunSummaries(RepoRef repo, DateTimeOffset listedAt, string sha256) =>
        $"{RunSummariesOf(repo)}{DateTimeOffset.MaxValue.UtcTicks - listedAt.UtcTicks:D19}{RunSummariesListed}.{sha256}";
    /// <summary>After the ticks of a checkpoint named by its listing time (one named by its newest run, of an older format, has none).</summary>
    public const string RunSummariesListed = "l";

    /// <summary>
    /// Create-only markers of every run of a repo, written at submit with the unfinished marker, named by the submit time
    /// (<b>not</b> inverted: oldest first), so that <c>ps -a</c> lists only the runs submitted since it last looked
    /// (<see cref="IStorage.ListAfterAsync"/>) instead of every run.
    /// </summary>
    public const string RunLogPrefix = "run-log/";
    public static string RunLogOf(RepoRef repo) => $"{RunLogPrefix}{repo.Owner}/{repo.Name}/";
    public static string RunLog(RepoRef repo, DateTimeOffset submittedAt, string run) => $"{RunLogOf(repo)}{submittedAt.UtcTicks:D19}.{run}";
    /// <summary>Where a listing of <see cref="RunLogOf"/> starts (after) to give the runs submitted at or after <paramref name="ticks"/>.</summary>
    public static string RunLogBefore(RepoRef repo, long ticks) => $"{RunLogOf(repo)}{Math.Max(0, ticks - 1):D19}/";

    /// <summary>
    /// Create-only tombstones of removed runs (one key a run, written before its records go), so that a <c>ps -a</c> that no
    /// longer lists every run learns of removals made elsewhere. <c>gc</c> drops old ones and leaves
    /// <see cref="RunsRemovedCompacted"/>: a reader whose view is older than that lists every run once.
    /// </summary>
    public const string RemovedRunsPrefix = "removed-runs/";
    public static string RemovedRunsOf(RepoRef repo) => $"{RemovedRunsPrefix}{repo.Owner}/{repo.Name}/";
    public static string RemovedRun(RepoRef repo, string run) => $"{RemovedRunsOf(repo)}{run}";
    /// <summary>Tombstones removed before <paramref name="before"/> are gone (no run name holds a <c>~</c>).</summary>
    public static string RunsRemovedCompacted(RepoRef repo, DateTimeOffset before) => $"{RemovedRunsOf(repo)}{CompactedStem}{before.UtcTicks:D19}";
    public const string CompactedStem = "~compacted.";

    /// <summary>The run a marker (<see cref="DoneRun"/>, <see cref="UnfinishedRun"/>, <see cref="RecentRun"/>) names; null for another key.</summary>
    public static string? RunOfMarker(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.Length > 20 && name[19] == '.' ? name[20..] : null;
    }

    /// <summary>Content-addressed file content, shared by code snapshots and artifacts.</summary>
    public const string BlobsPrefix = "blobs/";
    public static string Blob(string hash) => $"{BlobsPrefix}{hash[..2]}/{hash}";

    public const string SnapshotsPrefix = "snapshots/";
    public static string Snapshot(string id) => $"{SnapshotsPrefix}{id}.json";

    /// <summary>The id of a snapshot key (<see cref="Snapshot"/>), or the hash of a blob key (<see cref="Blob"/>).</summary>
    public static string SnapshotIdOf(string key) => Path.GetFileNameWithoutExtension(key);
    public static string BlobHashOf(string key) => key[(key.LastIndexOf('/') + 1)..];

    /// <summary>What a key under <see cref="ReposPrefix"/> holds, for a reader of the whole store (gc) that lists it once.</summary>
    public static bool IsRun(string key) => key.Split('/') is ["repos", _, _, "runs", _, "run.json"];
    public static bool IsArtifact(string key) =>
        key.Split('/') is ["repos", _, _, "runs", _, "jobs", _, "artifacts", var file] && file.EndsWith(".json", StringComparison.Ordinal);
    public static bool IsTag(string key) => key.Split('/') is ["repos", _, _, "tags", var file] && file.EndsWith(".json", StringComparison.Ordinal);

    /// <summary>Saves in progress (<see cref="SaveLease"/>): what they stored is not yet referenced, and gc must spare it.</summary>
    public const string WritersPrefix = "writers/";
    public static string Writer(string id) => $"{WritersPrefix}{id}";

    /// <summary>
    /// A submit in progress (<see cref="SubmitMarker"/>): rewritten by the CLI while it stores a run's code and record, so that
    /// the run's runners wait as long as it lives. Kept apart from <c>runs/</c>, where a listed run is a complete one.
    /// </summary>
    public const string SubmittingPrefix = "submitting/";
    public static string Submitting(RepoRef repo, string run) => $"{SubmittingPrefix}{repo.Owner}/{repo.Name}/{run}";

    /// <summary>Beside a lease: the content a save reuses without rewriting it, one hash a line (<see cref="SaveLease.ProtectAsync"/>).</summary>
    public const string ReuseSuffix = ".reuse";

    /// <summary>Collections in progress (<see cref="CollectionMarker"/>): a save that finds one does not trust a listing of blobs.</summary>
    public const string CollectionsPrefix = "collections/";
    public static string Collection(string id) => $"{CollectionsPrefix}{id}";
}
