using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A second git repository next to the sandbox's, with its own origin but the same <c>DSTACK_HOME</c>:
/// what a user has when two projects share one store.
/// </summary>
public sealed class SiblingRepo
{
    private readonly Sandbox _sandbox;

    public SiblingRepo(Sandbox sandbox, string folder, string origin)
    {
        _sandbox = sandbox;
        Path = System.IO.Path.Combine(sandbox.Root, folder);
        Directory.CreateDirectory(Path);
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Ada Tester");
        Git("config", "user.email", "ada@example.com");
        Git("remote", "add", "origin", origin);
    }

    public string Path { get; }

    public SiblingRepo WithWorkflows(string yaml) => WriteFile(".dstack/workflows.yaml", yaml);

    public SiblingRepo WriteFile(string relativePath, string content)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public SiblingRepo Commit()
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", "work");
        return this;
    }

    /// <summary>Runs dstack in this repository, with the sandbox's home and environment.</summary>
    public Task<CliResult> DstackAsync(params string[] args) => _sandbox.DstackAsync(args, cwd: Path);

    private void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
    }
}
