using Dstack.Cli;
using Dstack.Core.Artifacts;
using Dstack.Core.Models;

namespace Dstack.Dashboard;

/// <summary>
/// A run's or tag's artifacts as one tree, each path where <c>dstack artifacts download</c> writes it under its folder
/// (the artifact's folder, then the manifest's path), read from the same checked manifests as <c>artifacts list</c>.
/// A path asked for is only ever looked up among these: nothing outside them can be named.
/// </summary>
public sealed class ArtifactTree
{
    private readonly Dictionary<string, SnapshotEntry> _byPath = new(StringComparer.Ordinal);

    private ArtifactTree(string owner, IReadOnlyList<(string Path, SnapshotEntry Entry)> entries)
    {
        Owner = owner;
        Entries = entries;
        // Two jobs' artifacts of the same path land in the same folder; the later job's wins, as in a download.
        foreach (var (path, entry) in entries) _byPath[path] = entry;
    }

    public string Owner { get; }

    public IReadOnlyList<(string Path, SnapshotEntry Entry)> Entries { get; }

    public static async Task<ArtifactTree> ReadAsync(ArtifactStore store, IReadOnlyList<ArtifactVersion> versions, string owner, CancellationToken ct)
    {
        var entries = new List<(string, SnapshotEntry)>();
        foreach (var version in versions)
        {
            var folder = ArtifactDownloader.LocalFolder(version.Path).TrimEnd('/');
            if (folder.Length > 0) entries.Add((folder, new SnapshotEntry(folder, 0, 0, null, IsDir: true)));
            foreach (var entry in (await store.GetManifestAsync(version, owner, ct)).Entries)
                entries.Add((folder.Length == 0 ? entry.Path : $"{folder}/{entry.Path}", entry));
        }
        return new ArtifactTree(owner, entries.DistinctBy(e => e.Item1).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList());
    }

    public IReadOnlyList<ArtifactFile> Files() =>
        Entries.Select(e => new ArtifactFile(e.Path, e.Entry.IsDir ? "dir" : e.Entry.LinkTarget is not null ? "link" : "file",
            e.Entry.IsDir || e.Entry.LinkTarget is not null ? 0 : e.Entry.Size, e.Entry.LinkTarget)).ToList();

    /// <summary>
    /// Whether <paramref name="path"/> is written as the tree writes paths: relative, <c>/</c>-separated, no empty,
    /// <c>.</c> or <c>..</c> part. Anything else is refused before any lookup.
    /// </summary>
    public static bool IsPlain(string path) =>
        path.Length > 0 && !path.Contains('\\') && !path.Contains('\0') && path.Split('/').All(p => p is not ("" or "." or ".."));

    /// <summary>The regular file at <paramref name="path"/>, or null.</summary>
    public SnapshotEntry? File(string path) =>
        _byPath.TryGetValue(path, out var entry) && !entry.IsDir && entry.LinkTarget is null ? entry : null;

    /// <summary>Everything under the folder <paramref name="folder"/> ("" for all), each with its name in a zip of that folder; null when there is no such folder.</summary>
    public IReadOnlyList<(string Name, SnapshotEntry Entry)>? Under(string folder)
    {
        if (folder.Length == 0) return Entries;
        if (!_byPath.TryGetValue(folder, out var dir) || !dir.IsDir) return null;
        var parent = folder.Contains('/') ? folder[..(folder.LastIndexOf('/') + 1)] : "";
        return Entries.Where(e => e.Path == folder || e.Path.StartsWith(folder + "/", StringComparison.Ordinal))
            .Select(e => (e.Path[parent.Length..], e.Entry)).ToList();
    }
}
