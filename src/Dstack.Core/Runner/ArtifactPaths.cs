using Dstack.Core.Storage;

namespace Dstack.Core.Runner;

/// <summary>
/// Where a job's paths land. Relative ones (working dir, artifacts, deps, requirements) stay inside the working copy:
/// symlinks already there are followed, and a path they lead out of it is refused (null). Absolute artifact paths (a
/// cache folder) are used as written, and are never emptied or deleted: their content is the user's.
/// </summary>
internal static class ArtifactPaths
{
    /// <summary>
    /// The path an artifact is saved under: as written, except on the nodes past rank 0 of a multi-node run, whose copies
    /// go under <c>rank-K/</c> so that every node's output is kept and downloads side by side (docs/NODES.md).
    /// </summary>
    public static string Stored(Models.JobSpec job, string path) =>
        job.IsMultiNode && job.Index > 0 ? $"rank-{job.Index}/{path.TrimStart('/')}" : path;

    /// <summary>The real place of <paramref name="path"/>, relative to <paramref name="dir"/> (inside <paramref name="root"/>); null when it leads out of the root.</summary>
    public static string? Inside(string root, string dir, string path) =>
        Path.IsPathRooted(path) ? null : StorePaths.Resolve(root, Path.Combine(Path.GetRelativePath(root, dir), path));

    /// <summary>An output artifact's folder: absolute as written, relative ones as <see cref="Inside"/> has them.</summary>
    public static string? Output(string root, string workingDir, string path) =>
        Path.IsPathRooted(path) && !path.Contains('\0') ? Path.GetFullPath(path) : Inside(root, workingDir, path);

    /// <summary>True when the folder is inside the job's own working copy, which is deleted after the run.</summary>
    public static bool IsInside(string folder, string root) =>
        folder.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// True when the folder's files go with the working copy: inside it, and reached through no symlink (a job may
    /// link an output folder to a place of the user's, whose files must stay where they are).
    /// </summary>
    public static bool GoesWithTheWorkingCopy(string folder, string root)
    {
        if (!IsInside(folder, root)) return false;
        for (var dir = new DirectoryInfo(folder); dir.FullName.Length > Path.TrimEndingDirectorySeparator(root).Length; dir = dir.Parent!)
            if (!dir.Exists || dir.LinkTarget is not null) return false;
        return true;
    }

    /// <summary>
    /// An artifact folder inside the working copy starts empty (whatever the repo had there is hidden); one outside it,
    /// such as a cache folder, is only created: its content is the user's, and nothing there is ever deleted. False
    /// when an outside path is taken by something other than a folder.
    /// </summary>
    public static bool PrepareOutput(string folder, string root)
    {
        if (IsInside(folder, root)) DeleteEntry(folder);
        else if (File.Exists(folder) || new FileInfo(folder).LinkTarget is not null && !Directory.Exists(folder)) return false;
        Directory.CreateDirectory(folder);
        return true;
    }

    /// <summary>Deletes a file, a folder with its content, or a symlink (never what it points at); nothing when missing.</summary>
    public static void DeleteEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists) File.Delete(path);
        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
