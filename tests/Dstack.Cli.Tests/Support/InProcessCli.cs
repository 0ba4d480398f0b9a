using System.Text;
using Dstack.Cli.Output;

namespace Dstack.Cli.Tests.Support;

/// <summary>
/// Runs the CLI's edge (<see cref="CliApp"/>) in this process, in a folder <c>proj</c> that is not a git repo, with an
/// empty dstack home, and captures both streams exactly as a terminal would receive them.
/// </summary>
public sealed class InProcessCli : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-cli-").FullName;

    public InProcessCli()
    {
        Directory.CreateDirectory(Cwd);
        Directory.CreateDirectory(Home);
    }

    public string Cwd => Path.Combine(_root, "proj");
    public string Home => Path.Combine(_root, "home");

    /// <summary>The clock the CLI reads; the system's unless a test fixes it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public async Task<(int Code, string StdOut, string StdErr)> RunAsync(params string[] args)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var output = new CliOutput(stdout, stderr);
        var code = await CliApp.RunAsync(args, new CliContext(Cwd, output, Home, Time), CancellationToken.None);
        await output.Out.FlushAsync();
        await output.Err.FlushAsync();
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
