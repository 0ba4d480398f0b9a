using System.Diagnostics;
using Dstack.Core.Models;
using Dstack.Core.Providers;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Providers;

/// <summary>
/// The dev-environment providers' commands, run by a real bash up to the server's start: which server they find, and
/// the one error they print when there is none and none can be had (PyPI and GitHub are not reachable here).
/// </summary>
public sealed class DevServerScriptTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-devserver-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    /// <summary>Runs the job's commands, the server's start replaced by printing what would start; returns exit code and output.</summary>
    private async Task<(int ExitCode, string Output)> RunUpToTheServerAsync(IProvider provider, string path, string? version = null, string shell = "/bin/bash")
    {
        var job = provider.BuildJobs(new WorkflowSpec { Name = "ide", Provider = provider.Name, Version = version, Location = new SourceLocation("f", 1, 1) },
            new ProviderContext("r", [], new Dictionary<string, string>())).Single();
        var script = "exec 2>&1\nset -e\n" + string.Join("\n", job.Commands.SkipLast(1)) + "\necho \"found: ${dstack_jupyter:-$dstack_code}\"\n";
        var psi = new ProcessStartInfo(shell) { RedirectStandardOutput = true, WorkingDirectory = _home };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment.Clear();
        psi.Environment["PATH"] = path;
        psi.Environment["HOME"] = _home;
        psi.Environment["PIP_NO_INDEX"] = "1";  // a reachable index must not make the missing server appear
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task Lab_MissingAndNotInstallable_FailsWithOneErrorNamingTheFix()
    {
        var (exitCode, output) = await RunUpToTheServerAsync(JupyterProvider.Lab(), "/usr/bin:/bin", version: "4.0.1");

        exitCode.ShouldBe(1, output);
        output.ShouldContain("dstack: JupyterLab is not installed; installing jupyterlab==4.0.1 with pip");
        output.TrimEnd().Split('\n')[^1].ShouldBe(
            "dstack: JupyterLab is not installed for this job's python3, and 'pip install jupyterlab==4.0.1' failed (is PyPI reachable?). " +
            "Install it on the host (Debian: apt-get install jupyter-notebook; else pip install jupyterlab==4.0.1), list it in 'requirements', or use an 'image' that has it.");
    }

    [Fact]
    public async Task Code_WithNoServerAndNoDownload_FailsWithTheDownloadError()
    {
        var (exitCode, output) = await RunUpToTheServerAsync(new CodeProvider(), "/usr/bin:/bin");

        exitCode.ShouldBe(1, output);
        output.ShouldContain("dstack: downloading openvscode-server 1.74.3");
        output.TrimEnd().Split('\n')[^1].ShouldMatch(
            @"^dstack: cannot download openvscode-server 1\.74\.3: curl: \(\d+\) .+; install code-server or openvscode-server on the host, or set `version`$");
        Directory.Exists(Path.Combine(_home, ".cache/dstack/openvscode-server-v1.74.3")).ShouldBeFalse();
    }

    [Fact]
    public async Task Code_FindsTheServerOnPath()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_home, "bin")).FullName;
        var server = Path.Combine(bin, "openvscode-server");
        await File.WriteAllTextAsync(server, "#!/bin/sh\n");
        File.SetUnixFileMode(server, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var (exitCode, output) = await RunUpToTheServerAsync(new CodeProvider(), $"{bin}:/usr/bin:/bin");

        exitCode.ShouldBe(0, output);
        output.ShouldBe($"found: {server}\n");
    }

    [Theory]
    [InlineData("/bin/bash")]
    [InlineData("/bin/dash")]
    public async Task Notebook_FindsDebiansJupyterNotebook_InBashAndInAPosixSh_AsAContainersShellRunsIt(string shell)
    {
        File.Exists("/usr/bin/jupyter-notebook").ShouldBeTrue("Jupyter Notebook is installed (scripts/devenv-up.sh)");

        var (exitCode, output) = await RunUpToTheServerAsync(JupyterProvider.Notebook(), "/usr/bin:/bin", shell: shell);

        exitCode.ShouldBe(0, output);
        // As root (this machine's tests, a container's user) it is allowed to run.
        output.ShouldBe(Environment.UserName == "root" ? "found: jupyter-notebook --allow-root\n" : "found: jupyter-notebook\n");
    }
}
