using System.Security.Cryptography;
using System.Text;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>Artifacts and tags as the CLI shows them, and the content store under <c>$DSTACK_HOME</c> as files.</summary>
public sealed partial class Sandbox
{
    public string BlobsDir => Path.Combine(Home, "blobs");

    public string TagFile(string tag, string owner = Owner, string name = RepoName) =>
        Path.Combine(ReposDir, owner, name, "tags", tag + ".json");

    /// <summary>The file names (content hashes) under <c>blobs/</c>.</summary>
    public IReadOnlySet<string> BlobHashes() =>
        Directory.Exists(BlobsDir)
            ? Directory.GetFiles(BlobsDir, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)!).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();

    /// <summary>Where the store keeps <paramref name="content"/>: <c>blobs/&lt;2 hex&gt;/&lt;sha256&gt;</c>.</summary>
    public string BlobPath(string content)
    {
        var hash = Sha256(Encoding.UTF8.GetBytes(content));
        return Path.Combine(BlobsDir, hash[..2], hash);
    }

    public bool HasBlob(string content) => File.Exists(BlobPath(content));

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The rows of <c>dstack artifacts list TARGET</c> (a run, or <c>:TAG</c>).</summary>
    public async Task<IReadOnlyList<ArtifactRow>> ArtifactsAsync(string target)
    {
        var list = await DstackAsync("artifacts", "list", target);
        if (list.ExitCode != 0) throw new InvalidOperationException($"dstack artifacts list {target} failed: {list}");
        return ArtifactRow.Parse(list.StdOut);
    }

    /// <summary>Runs <c>dstack artifacts download -o DIR TARGET</c> and returns DIR (a new folder under the sandbox by default).</summary>
    public async Task<(CliResult Result, string Dir)> DownloadAsync(string target, string? dir = null, params string[] options)
    {
        dir ??= Path.Combine(Root, "downloads", Guid.NewGuid().ToString("N")[..8]);
        return (await DstackAsync(["artifacts", "download", "-o", dir, .. options, target]), dir);
    }

    /// <summary>Runs an attached <c>dstack run ARGS</c> that must end done, and returns the run's name.</summary>
    public async Task<string> RunDoneAsync(params string[] args)
    {
        var result = await DstackAsync(["run", .. args]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"dstack run {string.Join(' ', args)} did not end done: {result}");
        return result.SubmittedRun;
    }
}
