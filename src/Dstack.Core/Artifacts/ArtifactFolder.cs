using Dstack.Core.Storage;

namespace Dstack.Core.Artifacts;

/// <summary>How much an artifact folder will store, counted the way it is saved (links as links, never followed).</summary>
public static class ArtifactFolder
{
    /// <summary>The bytes of the regular files <see cref="SnapshotStore.Scan"/> finds (links count as nothing).</summary>
    public static long Size(string folder) =>
        SnapshotStore.Scan(folder).Select(rel => new FileInfo(Path.Combine(folder, rel))).Where(f => f.LinkTarget is null && f.Exists).Sum(f => f.Length);
}
