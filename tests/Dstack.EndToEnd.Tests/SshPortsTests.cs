using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>A job's ports on an SSH host, forwarded to this machine while the CLI follows the run (<c>ssh -L</c>).</summary>
[Collection("ssh hosts")]
public sealed partial class SshPortsTests
{
    [Fact]
    public async Task AttachedRun_OnH1_ForwardsItsPortHere_TheServerAnswersThere_PsShowsBoth_AndNothingIsLeftOnceTheCliExits()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        var page = $"hello from h1 {Guid.NewGuid():N}";
        ada.WriteFile("site/index.html", page).WithWorkflows("""
            workflows:
              - name: web
                provider: bash
                ports: 1
                commands:
                  - echo "serving on $(hostname):$PORT_0"
                  - cd site && /usr/bin/python3 -m http.server "$PORT_0"
            """).Commit();

        await using var live = ada.StartLive("run", "web", "--compute", "lab");
        var run = await live.SubmittedRunAsync();
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(ForwardedLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            TimeSpan.FromSeconds(90), "the 'Ports:' line of the forward on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);
        var (url, local, remote) = (printed.Groups[1].Value, printed.Groups[2].Value, printed.Groups[3].Value);
        await live.WaitForStdOutAsync($"serving on h1:{remote}\n", TimeSpan.FromSeconds(60)); // the forward is of the job's $PORT_0

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Eventually.ReturnsAsync(() => TryGetAsync(http, url + "/index.html"), b => b is not null, TimeSpan.FromSeconds(30),
            $"the job's web server on h1 to answer at {url}");
        body.ShouldBe(page);
        var forwards = ForwardProcesses(local, remote);
        forwards.Count.ShouldBe(1, "one ssh process forwards the port while the CLI follows the run");
        var ps = await ada.DstackAsync("ps", run);
        ps.StdOut.ShouldContain($"Ports:  http://h1:{remote} -> {url} (forwarded by dstack pid {live.Pid})\n", customMessage: ps.ToString());

        (await ada.DstackAsync("stop", "-x", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(60));

        await Processes.WaitGoneAsync(forwards[0], "the ssh forward once the CLI has exited");
        ForwardProcesses(local, remote).ShouldBeEmpty();
        Dstack.Core.Compute.Ssh.LocalPortChoice.IsFree(int.Parse(local)).ShouldBeTrue($"the local port {local} is free again");
    }

    [Fact]
    public async Task LogsAttach_ReattachedToADetachedRun_ForwardsItsPort_AndWhenTheCliIsKilled_TheForwardEndsWithIt()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        var page = $"again from h1 {Guid.NewGuid():N}";
        ada.WriteFile("site/index.html", page).WithWorkflows("""
            workflows:
              - name: web
                provider: bash
                ports: 1
                commands:
                  - cd site && /usr/bin/python3 -m http.server "$PORT_0"
            """).Commit();
        var run = await ada.RunDetachedAsync("web", "--compute", "lab");
        await ada.WaitForStatusAsync(run, s => s.Equals("running", StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(60));
        var notForwarded = await ada.DstackAsync("ps", run);
        notForwarded.StdOut.ShouldMatch($@"Ports:  http://h1:\d+ \(on the host; `dstack logs -a {run}` forwards them here while it follows the run\)\n");

        await using var live = ada.StartLive("logs", "-a", run);
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(ForwardedLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            TimeSpan.FromSeconds(60), "the 'Ports:' line of the forward on the stderr of dstack logs -a");
        printed.Success.ShouldBeTrue(live.StdErr);
        var (url, local, remote) = (printed.Groups[1].Value, printed.Groups[2].Value, printed.Groups[3].Value);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        (await Eventually.ReturnsAsync(() => TryGetAsync(http, url + "/index.html"), b => b is not null, TimeSpan.FromSeconds(30),
            $"the job's web server on h1 to answer at {url}")).ShouldBe(page);
        var forwards = ForwardProcesses(local, remote);
        forwards.Count.ShouldBe(1);

        Processes.Signal(live.Pid, "KILL");
        await live.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Its input was a pipe from the CLI: the remote command ends at the pipe's end, and ssh with it.
        await Processes.WaitGoneAsync(forwards[0], "the ssh forward of a killed CLI");
        Dstack.Core.Compute.Ssh.LocalPortChoice.IsFree(int.Parse(local)).ShouldBeTrue($"the local port {local} is free again");
        (await ada.DstackAsync("ps", run)).StdOut.ShouldContain("(on the host; `dstack logs -a", customMessage: "a killed CLI's record counts for nothing");
        (await ada.DstackAsync("stop", "-x", "-y", run)).ExitCode.ShouldBe(0);
    }

    /// <summary>The pids of processes whose command line forwards <paramref name="local"/> here to <paramref name="remote"/>.</summary>
    private static List<int> ForwardProcesses(string local, string remote)
    {
        var forward = $"-L\0127.0.0.1:{local}:127.0.0.1:{remote}\0";
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(forward, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private static async Task<string?> TryGetAsync(HttpClient http, string url)
    {
        try { return await http.GetStringAsync(url); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    [GeneratedRegex(@"(?m)^Ports: (http://127\.0\.0\.1:(\d+)) \(forwarded from h1:(\d+)\)\n")]
    private static partial Regex ForwardedLine();
}
