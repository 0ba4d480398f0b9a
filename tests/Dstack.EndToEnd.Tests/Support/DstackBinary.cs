using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The published <c>dstack</c> executable under test: <c>$DSTACK_BIN</c> when set (the test script
/// publishes once), otherwise published here on first use.
/// </summary>
public static class DstackBinary
{
    private static readonly Lazy<string> LazyPath = new(Locate);

    public static string Path => LazyPath.Value;

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Dstack.slnx"))) return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root (Dstack.slnx) above the test binaries.");
        }
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("DSTACK_BIN") is { Length: > 0 } bin)
            return File.Exists(bin) ? System.IO.Path.GetFullPath(bin) : throw new FileNotFoundException($"DSTACK_BIN={bin} does not exist.");
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dstack-e2e-bin", Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("dotnet", ["publish", System.IO.Path.Combine(RepoRoot, "src", "Dstack.Cli"), "-c", "Release", "-o", output])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed:\n{stdout.Result}\n{stderr}");
        return System.IO.Path.Combine(output, "dstack");
    }
}
