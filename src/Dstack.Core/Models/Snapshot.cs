namespace Dstack.Core.Models;

/// <summary>A folder tree as stored: files name content-addressed blobs. Used for code snapshots (and artifacts).</summary>
public sealed record SnapshotManifest(IReadOnlyList<SnapshotEntry> Entries);

/// <summary>One path in a tree. <see cref="Blob"/> is null for folders; <see cref="LinkTarget"/> set for symlinks.</summary>
public sealed record SnapshotEntry(string Path, int Mode, long Size, string? Blob, string? LinkTarget = null, bool IsDir = false);
