using System.Diagnostics;

namespace Dstack.Core.Tests.Support;

/// <summary>A small tmpfs mounted on a fresh temp folder (the tests run as root), to fill a disk on purpose; unmounted on dispose.</summary>
public sealed class Tmpfs : IDisposable
{
    public Tmpfs(string size)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dstack-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path);
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true }) ?? throw new InvalidOperationException($"Could not start {file}.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed (the tests need root): {error}");
    }
}
