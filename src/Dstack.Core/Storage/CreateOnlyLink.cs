using System.Runtime.InteropServices;

namespace Dstack.Core.Storage;

/// <summary>
/// Publishes a fully written temp file under a name only if that name is free, atomically: <c>link(2)</c> fails with
/// EEXIST when another writer got there first. (.NET's <c>File.Move(overwrite: false)</c> checks, then renames:
/// two racing writers can both "win".)
/// </summary>
internal static partial class CreateOnlyLink
{
    private const int EExist = 17;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    /// <summary>True when <paramref name="path"/> now names <paramref name="temp"/>'s content; false when it was taken.</summary>
    public static bool TryPublish(string temp, string path)
    {
        if (Link(temp, path) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EExist) return false;
        // A filesystem without hard links: the best .NET offers.
        try
        {
            File.Copy(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path)) { return false; }
    }
}
