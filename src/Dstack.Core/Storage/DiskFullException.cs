using Dstack.Core.Errors;

namespace Dstack.Core.Storage;

/// <summary>
/// A local disk ran out of space (or the user's quota did): the user's to fix, never a bug. <see cref="Filesystem"/>
/// names the mount point that is full, which is what <c>df</c> shows and what space must be freed on.
/// </summary>
public sealed class DiskFullException(string filesystem, Exception? inner = null)
    : DstackException($"Disk full ({filesystem}): free some space there and try again.", inner)
{
    public string Filesystem { get; } = filesystem;

    /// <summary>How a job's failure reads: <c>disk full (PATH)</c>.</summary>
    public string Reason => $"disk full ({Filesystem})";

    /// <summary>No space left on device (ENOSPC) or disk quota exceeded (EDQUOT), as .NET reports them on Linux.</summary>
    public static bool IsDiskFull(Exception e) => e is DiskFullException or IOException { HResult: 28 or 122 };

    /// <summary>The error for a write under <paramref name="path"/> that failed because its disk is full.</summary>
    public static DiskFullException At(string path, Exception inner) =>
        inner as DiskFullException ?? new DiskFullException(MountPointOf(path), inner);

    /// <summary>The longest mount point that contains <paramref name="path"/> (the path itself where mounts cannot be read).</summary>
    private static string MountPointOf(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var best = "/";
            foreach (var line in File.ReadLines("/proc/self/mounts"))
            {
                var mount = line.Split(' ') is { Length: > 1 } fields ? fields[1].Replace("\\040", " ") : null;
                if (mount is null || mount.Length <= best.Length) continue;
                if (full == mount || full.StartsWith(mount + "/", StringComparison.Ordinal)) best = mount;
            }
            return best;
        }
        catch (IOException) { return full; }
        catch (UnauthorizedAccessException) { return full; }
    }
}
