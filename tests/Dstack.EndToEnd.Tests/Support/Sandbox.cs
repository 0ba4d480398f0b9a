using System.Diagnostics;
using System.Text;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A temporary git repository and a temporary <c>DSTACK_HOME</c>, and a way to run the real
/// <c>dstack</c> binary in them. Disposing aborts whatever runs are left and removes both.
/// </summary>
public sealed partial class Sandbox : IAsyncDisposable
{
    public Sandbox(bool git = true, string origin = "https://github.com/acme/widgets.git")
    {
        Root = Path.Combine(Path.GetTempPath(), "dstack-e2e", Guid.NewGuid().ToString("N")[..12]);
        Home = Path.Combine(Root, "home");
        Repo = Path.Combine(Root, "widgets");
        Directory.CreateDirectory(Repo);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Signals);
        Env["E2E_SIGNALS"] = Signals;
        // A job gets nothing else of the caller's environment (docs/ENVIRONMENT.md).
        Env["DSTACK_PASS_ENV"] = "E2E_SIGNALS";
        if (!git) return;
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Ada Tester");
        Git("config", "user.email", "ada@example.com");
        if (origin.Length > 0) Git("remote", "add", "origin", origin);
    }

    public string Root { get; }
    public string Home { get; }
    public string Repo { get; }
    /// <summary>Each sandbox queues its runs on its own: tests running side by side must not wait for each other.</summary>
    public Dictionary<string, string> Env => _env ??= new()
    {
        ["DSTACK_STOP_GRACE_SECONDS"] = "3",
        ["DSTACK_SCHEDULER_DIR"] = Path.Combine(Home, "scheduler"),
    };

    private Dictionary<string, string>? _env;

    public Sandbox WithWorkflows(string yaml) => WriteFile(".dstack/workflows.yaml", yaml);

    public Sandbox WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Repo, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public Sandbox Commit(string message = "work")
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return this;
    }

    public string Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }

    /// <summary>Runs dstack to completion (default timeout 60 s) in <paramref name="cwd"/> (default: the repo).</summary>
    public async Task<CliResult> DstackAsync(string[] args, string? stdin = null, string? cwd = null, TimeSpan? timeout = null)
    {
        using var process = Start(args, cwd);
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dstack {string.Join(' ', args)} did not finish in time.\n{await stdout}\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public Task<CliResult> DstackAsync(params string[] args) => DstackAsync(args, stdin: null);

    /// <summary>Starts dstack and returns the live process (stdout/stderr/stdin redirected) for interactive tests.</summary>
    public Process Start(string[] args, string? cwd = null)
    {
        // A test run started in the background (`dotnet test &`) ignores SIGINT, and so would dstack: `env` gives
        // it back its default, so that an interrupt reaches dstack as Ctrl+C in a terminal does (env execs: same pid).
        var psi = new ProcessStartInfo("env", ["--default-signal=INT", DstackBinary.Path])
        {
            WorkingDirectory = cwd ?? Repo,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DSTACK_HOME"] = Home;
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in Env) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    /// <summary>Starts dstack and follows its output while it runs (see <see cref="LiveDstack"/>).</summary>
    public LiveDstack StartLive(params string[] args) => new(Start(args), $"dstack {string.Join(' ', args)}");

    /// <summary>The run name printed by <c>dstack run -d</c>.</summary>
    public async Task<string> RunDetachedAsync(params string[] args)
    {
        var result = await DstackAsync(["run", "-d", .. args]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"dstack run -d failed: {result}");
        return result.StdOut.Trim();
    }

    /// <summary>The STATUS cell of the run's row in <c>dstack ps RUN</c>.</summary>
    public async Task<string> StatusAsync(string run)
    {
        var ps = await DstackAsync("ps", run);
        var row = ps.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith(run + " ", StringComparison.Ordinal)) ?? "";
        var header = ps.StdOut.Split('\n')[0];
        var at = header.IndexOf("STATUS", StringComparison.Ordinal);
        return row.Length > at ? row[at..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] : $"(no row: {ps})";
    }

    public async Task<string> WaitForStatusAsync(string run, Func<string, bool> done, TimeSpan? timeout = null) =>
        await Eventually.ReturnsAsync(() => StatusAsync(run), done, timeout ?? FinishDeadline, $"status of {run}");

    public async ValueTask DisposeAsync()
    {
        try { await DstackAsync(["stop", "-a", "-x", "-y"], timeout: TimeSpan.FromSeconds(30)); }
        catch (Exception) { /* best effort: the sandbox goes anyway */ }
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
