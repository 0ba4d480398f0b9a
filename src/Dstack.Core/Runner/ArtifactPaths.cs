namespace Dstack.Core.Runner;

/// <summary>Where an artifact or dep path lands for a job: relative to its working dir, or absolute as written.</summary>
internal static class ArtifactPaths
{
    public static string Resolve(string workingDir, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(workingDir, path));

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
    /// An artifact folder inside the working copy starts empty (whatever the repo had there is hidden);
    /// an absolute one outside it, such as a cache folder, is only created: its content is the user's.
    /// </summary>
    public static void PrepareOutput(string folder, string root)
    {
        if (IsInside(folder, root) && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        else if (File.Exists(folder)) File.Delete(folder);
        Directory.CreateDirectory(folder);
    }
}
