using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The image with Debian's Jupyter Notebook inside (<c>local/jupyter:1</c>) that <c>scripts/devenv-image.sh</c> builds once
/// from this machine's installed packages, without a registry (the test script runs it; here it is run once per test
/// process too, which costs a <c>docker image inspect</c> when the image is there).
/// </summary>
public static class DevEnvironmentImage
{
    public const string Jupyter = "local/jupyter:1";

    private static readonly Lazy<Task> Built = new(BuildAsync);

    public static Task EnsureAsync() => Built.Value;

    private static async Task BuildAsync()
    {
        var script = Path.Combine(RepoRoot(), "scripts", "devenv-image.sh");
        var psi = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await p.WaitForExitAsync(deadline.Token);
        if (p.ExitCode != 0) throw new InvalidOperationException($"scripts/devenv-image.sh failed (exit {p.ExitCode}): {await stdout}\n{stderr}");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dstack.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Dstack.slnx) above the test binaries.");
    }
}
