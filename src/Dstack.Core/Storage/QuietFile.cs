using System.Runtime.InteropServices;

namespace Dstack.Core.Storage;

/// <summary>
/// Tells whether a file can still change behind our back: it cannot when it has one name (no other hard link
/// to write through) and no process holds it open for writing. The kernel answers the second question exactly:
/// it grants a read lease only when no writer is open (writable shared mappings included).
/// </summary>
internal static partial class QuietFile
{
    private const int FSetLease = 1024;
    private const int ReadLease = 0;
    private const int NoLease = 2;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FStat(int fd, byte* stat);

    /// <summary>True when nothing but this process can change the file at <paramref name="path"/> from now on,
    /// provided no one else knows its name (callers move it somewhere private first).</summary>
    public static bool IsOurs(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            var fd = (int)handle.DangerousGetHandle();
            if (LinkCount(fd) != 1) return false;
            if (Fcntl(fd, FSetLease, ReadLease) != 0) return false; // EAGAIN: a writer is open; EACCES: not our file
            Fcntl(fd, FSetLease, NoLease);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>st_nlink, read where the kernel's struct stat keeps it; -1 where its layout is not known here.</summary>
    private static unsafe long LinkCount(int fd)
    {
        var stat = stackalloc byte[256];
        if (FStat(fd, stat) != 0) return -1;
        return RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => *(long*)(stat + 16),
            Architecture.Arm64 => *(uint*)(stat + 20),
            _ => -1,
        };
    }
}
