using Dstack.Core.Models;

namespace Dstack.Core.Config;

/// <summary>
/// Every path under <c>$DSTACK_HOME</c>, in one place. A local store keeps its keys at the root (<c>StoreKeys</c>);
/// what belongs to this machine alone (caches, working copies, runner logs) lives under <see cref="Tmp"/>, which the
/// store never lists.
/// </summary>
public sealed class DstackHome(string root)
{
    /// <summary>The folder under the root that holds this machine's files, never store keys.</summary>
    public const string TmpName = "tmp";

    /// <summary><c>$DSTACK_HOME</c>, or <c>~/.dstack</c>.</summary>
    public static DstackHome FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("DSTACK_HOME") is { Length: > 0 } home
            ? Path.GetFullPath(home)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack"));

    public string Root { get; } = root;

    /// <summary>Which store to use (<see cref="DstackConfig"/>).</summary>
    public string ConfigFile => Path.Combine(Root, DstackConfig.FileName);

    public string Tmp => Path.Combine(Root, TmpName);

    /// <summary>Jobs' working copies, one per job, each with its lock file.</summary>
    public string WorkingCopies => WorkingCopiesOf(Root);

    public static string WorkingCopiesOf(string root) => Path.Combine(root, TmpName, "work");

    /// <summary>Runners' copies of content fetched from a remote store (<c>BlobCache</c>), shared by every store.</summary>
    public string BlobCache => Path.Combine(Tmp, "blobs");

    /// <summary>Where a runner started on this machine writes what it prints before it can reach the store.</summary>
    public static string RunnerLogsOf(string root) => Path.Combine(root, TmpName, "runners");

    /// <summary>Which jobs' ports a CLI on this machine forwards now (<c>PortForwardRecords</c>), for <c>ps</c>.</summary>
    public string PortForwards => Path.Combine(Tmp, "forwards");

    /// <summary><c>ps</c>'s cache of a repo's finished runs, one per store (<paramref name="store"/>: <c>local</c>, or a bucket's id).</summary>
    public string RunCache(string store, RepoRef repo) => Path.Combine(Tmp, "cache", "runs", store, repo.Owner, repo.Name + ".runs");
}
