using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Dstack.Core.Storage;

/// <summary>
/// Remembers a file's SHA-256 in an extended attribute of the file itself (<c>user.dstack.sha256</c>), with
/// the size and modification time it was computed for. Saving an unchanged folder again then costs a stat
/// per file instead of reading it. Where the filesystem has no extended attributes, files are simply hashed.
/// </summary>
public static partial class FileHashCache
{
    private const string Attribute = "user.dstack.sha256";

    public static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        var info = new FileInfo(path);
        var stamp = Stamp(info);
        if (OperatingSystem.IsLinux() && Read(path) is { } cached && cached.StartsWith(stamp, StringComparison.Ordinal))
            return cached[stamp.Length..];
        var hash = await ContentHash.OfFileAsync(path, ct);
        // Only a file that did not change while it was read gets the attribute.
        if (OperatingSystem.IsLinux() && Stamp(new FileInfo(path)) == stamp) Write(path, stamp + hash);
        return hash;
    }

    private static string Stamp(FileInfo info) =>
        string.Create(CultureInfo.InvariantCulture, $"{info.Length}:{info.LastWriteTimeUtc.Ticks}:");

    private static string? Read(string path)
    {
        Span<byte> buffer = stackalloc byte[160];
        var n = GetXattr(path, Attribute, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
        return n > 0 ? Encoding.ASCII.GetString(buffer[..(int)n]) : null;
    }

    private static void Write(string path, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        SetXattr(path, Attribute, ref MemoryMarshal.GetArrayDataReference(bytes), (nuint)bytes.Length, 0); // failure only costs a rehash later
    }

    [LibraryImport("libc", EntryPoint = "getxattr", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetXattr(string path, string name, ref byte value, nuint size);

    [LibraryImport("libc", EntryPoint = "setxattr", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetXattr(string path, string name, ref byte value, nuint size, int flags);
}
