using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A small tmpfs mounted on a folder (the tests run as root), to fill a disk on purpose: a store's folder, or a
/// download's target. Unmounted on dispose; the folder stays (empty) where it was given, and goes where it was made here.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private readonly bool _madeFolder;

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (as mount's <c>size=</c>: 4m, 512k) on <paramref name="path"/>, or on a new temp folder.</summary>
    public Tmpfs(string size, string? path = null)
    {
        _madeFolder = path is null;
        Path = path ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dstack-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", Path);
    }

    public string Path { get; }

    /// <summary>Fills the disk to the last byte with one file, <c>filler</c>.</summary>
    public void Fill()
    {
        using var file = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[4096];
        try
        {
            while (true) file.Write(block);
        }
        catch (IOException) { /* full */ }
    }

    /// <summary>The files under the mount (but the filler), relative to it.</summary>
    public IReadOnlyList<string> Files() => Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
        .Select(f => System.IO.Path.GetRelativePath(Path, f)).Where(f => f != "filler").Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        Run("umount", "-l", Path);
        if (_madeFolder) Directory.Delete(Path);
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true }) ?? throw new InvalidOperationException($"Could not start {file}.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed (these tests need root): {error}");
    }
}
