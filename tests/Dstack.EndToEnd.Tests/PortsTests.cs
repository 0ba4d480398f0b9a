using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>ports: n</c>: free ports as <c>$PORT_0</c>…, their URLs printed by <c>run</c> and <c>ps</c>, and reachable.</summary>
public sealed partial class PortsTests
{
    [Fact]
    public async Task Run_WithAPort_PrintsItsUrl_PsShowsItWhileRunning_AndAServerOnPort0AnswersThere()
    {
        var page = $"hello from {Guid.NewGuid():N}";
        await using var sandbox = new Sandbox().WriteFile("site/index.html", page).WithWorkflows("""
            workflows:
              - name: web
                provider: bash
                ports: 1
                commands:
                  - echo "serving on $PORT_0"
                  - cd site && python3 -m http.server "$PORT_0" --bind 127.0.0.1
            """).Commit();
        await using var live = sandbox.StartLive("run", "web");
        var run = await live.SubmittedRunAsync();

        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(PortsLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            TimeSpan.FromSeconds(30), "the 'Ports:' line on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);
        var url = printed.Groups[1].Value;
        await live.WaitForStdOutAsync($"serving on {printed.Groups[2].Value}\n"); // the URL is the job's $PORT_0
        var row = await sandbox.RowAsync(run);
        row.Status.ShouldBe("Running", row.ToString());
        row.Reason.ShouldBe(url);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await Eventually.ReturnsAsync(() => TryGetAsync(http, url + "/index.html"), b => b is not null, TimeSpan.FromSeconds(30),
            $"the job's web server to answer at {url}");
        body.ShouldBe(page);

        (await sandbox.DstackAsync("stop", "-x", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync();
        var stopped = await sandbox.RowAsync(run);
        stopped.Status.ShouldBe("Aborted", stopped.ToString());
        stopped.Reason.ShouldNotContain("http://", customMessage: "a finished run has no URLs");
    }

    [Fact]
    public async Task Ps_RunWithTwoPorts_ShowsBothUrls_InPortOrder()
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: web
                provider: bash
                ports: 2
                commands:
                  - echo "ports $PORT_0 $PORT_1"
                  - {Sandbox.SendSignal("started")}
                  - {Sandbox.AwaitSignal("go")}
            """).Commit();
        var run = await sandbox.RunDetachedAsync("web");
        await sandbox.WaitForSignalAsync("started");
        var logs = await Eventually.ReturnsAsync(() => sandbox.DstackAsync("logs", run), l => l.StdOut.Contains('\n'), TimeSpan.FromSeconds(30), "the ports line");
        var ports = logs.StdOut.Trim().Split(' ')[1..];

        var row = await sandbox.RowAsync(run);

        ports.Length.ShouldBe(2, logs.StdOut);
        row.Status.ShouldBe("Running", row.ToString());
        row.Reason.ShouldBe($"http://127.0.0.1:{ports[0]} http://127.0.0.1:{ports[1]}");
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
    }

    private static async Task<string?> TryGetAsync(HttpClient http, string url)
    {
        try { return await http.GetStringAsync(url); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    [GeneratedRegex(@"(?m)^Ports: (http://127\.0\.0\.1:(\d+))\n")]
    private static partial Regex PortsLine();
}
