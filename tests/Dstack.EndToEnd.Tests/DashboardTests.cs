using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dstack.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>dstack dashboard</c> as a user meets it: the published binary serving a real store (a local folder here; the Ceph
/// RGW bucket in S3/S3DashboardTests), opened in Debian's chromium through Playwright, next to the CLI.
/// </summary>
public sealed class DashboardTests
{
    internal const string XssLine = "<script>alert(1)</script>";
    private static readonly TimeSpan LiveLogDeadline = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>follow</c>: a few lines (one of them markup, one coloured), then waits for the signal <c>more</c>, prints
    /// <see cref="LateLine"/>, and waits for <c>end</c>.
    /// </summary>
    internal static readonly string FollowWorkflows = $"""
        workflows:
          - name: follow
            provider: bash
            commands:
              - echo 'first line'
              - echo '{XssLine}'
              - printf '\033[32mgreen\033[0m\n'
              - {Sandbox.AwaitSignal("more")}
              - echo '{LateLine}'
              - {Sandbox.AwaitSignal("end")}
        """;

    internal const string LateLine = "printed after the page opened";

    private static Sandbox Following() => new Sandbox().WithWorkflows(FollowWorkflows).Commit();

    /// <summary>
    /// Raises <c>more</c>, waits until the store has <see cref="LateLine"/> (the job and the runner's flush are not
    /// the page's to speed), then checks that the open log shows it within 1 s.
    /// </summary>
    internal static async Task LateLineShowsWithinASecondAsync(Sandbox sandbox, string run, ILocator log)
    {
        sandbox.Raise("more");
        await Eventually.ReturnsAsync(() => sandbox.DstackAsync("logs", run), r => r.StdOut.Contains(LateLine),
            TimeSpan.FromSeconds(60), "the new line in the store");
        var clock = Stopwatch.StartNew();
        await log.GetByText(LateLine).WaitForAsync(new() { Timeout = (float)(LiveLogDeadline + TimeSpan.FromSeconds(4)).TotalMilliseconds });
        clock.Elapsed.ShouldBeLessThanOrEqualTo(LiveLogDeadline, "a line the store has shows in the page within 1 s");
    }

    [Fact]
    public async Task RunsPage_ListsACliRun_WhoseLiveLogShowsANewLineWithinASecond_AndShowsMarkupAsText()
    {
        await using var sandbox = Following();
        var run = await sandbox.RunDetachedAsync("follow");
        await sandbox.WaitForStatusAsync(run, s => s == "Running");
        await using var dashboard = await LiveDashboard.StartAsync(sandbox);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(dashboard.Url);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        page.Url.ShouldNotContain("token", customMessage: "the token is traded for a cookie and leaves the address bar");
        var row = page.Locator($"#runs tr[data-run='{run}']");
        await row.WaitForAsync();
        (await row.InnerTextAsync()).ShouldContain("Running");
        await row.GetByRole(AriaRole.Link, new() { Name = run }).ClickAsync();

        var log = page.Locator("#log");
        await log.GetByText("first line").WaitForAsync();
        await log.GetByText(XssLine, new() { Exact = true }).WaitForAsync();
        (await log.Locator("script").CountAsync()).ShouldBe(0);
        (await log.Locator("span.f32").InnerTextAsync()).ShouldBe("green", "ANSI colours are spans");

        await LateLineShowsWithinASecondAsync(sandbox, run, log);
        dialogs.ShouldBe(0, "no script of the log ran");

        sandbox.Raise("end");
        await page.Locator("#status").GetByText("Done").WaitForAsync();
        dashboard.Process.Interrupt();
        (await dashboard.Process.WaitForExitAsync(TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0, "Ctrl+C stops the dashboard cleanly");
    }

    [Fact]
    public async Task ARunStartedAfterThePageOpened_AppearsLive_AndStopFromTheBrowser_StopsIt_AsTheCliSeesIt()
    {
        await using var sandbox = Following();
        await using var dashboard = await LiveDashboard.StartAsync(sandbox);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(dashboard.Url);
        await page.Locator("#runs").WaitForAsync(new() { State = WaitForSelectorState.Attached }); // empty: no run yet

        // Started after the page opened: the Runs page shows it without a reload.
        var run = await sandbox.RunDetachedAsync("follow");
        await page.Locator($"#runs tr[data-run='{run}']").GetByRole(AriaRole.Link, new() { Name = run }).ClickAsync();
        await page.Locator("#log").GetByText("first line").WaitForAsync();
        string? asked = null;
        page.Dialog += (_, dialog) => { asked = dialog.Message; _ = dialog.AcceptAsync(); };

        await page.Locator("#stop").ClickAsync();

        await page.Locator("#message").GetByText($"Stop requested for {run}.").WaitForAsync();
        asked.ShouldBe($"Stop the run {run}?");
        (await sandbox.WaitForStatusAsync(run, s => s is "Stopped" or "Done" or "Failed")).ShouldBe("Stopped");
        await page.Locator("#status").GetByText("Stopped").WaitForAsync();
    }

    [Fact]
    public async Task WithoutTheCookie_PagesAndApiAnswer401_WithNoRunName_AndACrossSitePostIsRefused()
    {
        await using var sandbox = Following();
        var run = await sandbox.RunDetachedAsync("follow");
        await sandbox.WaitForStatusAsync(run, s => s == "Running");
        await using var dashboard = await LiveDashboard.StartAsync(sandbox);
        using var http = LiveDashboard.Client();
        foreach (var path in new[] { "/", "/api/runs", $"/runs/{Sandbox.Owner}/{Sandbox.RepoName}/{run}", $"/api/runs/{Sandbox.Owner}/{Sandbox.RepoName}/{run}/log" })
        {
            var refused = await http.GetAsync(dashboard.Origin + path);
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            (await refused.Content.ReadAsStringAsync()).ShouldNotContain(run);
        }

        // A signed-in browser's cookie, sent by a page of another site: the browser adds Origin and Sec-Fetch-Site.
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(dashboard.Url);
        var cookie = (await page.Context.CookiesAsync()).Single();
        var csrf = await page.Locator("meta[name=csrf-token]").GetAttributeAsync("content");
        var stop = $"{dashboard.Origin}/api/runs/{Sandbox.Owner}/{Sandbox.RepoName}/{run}/stop";
        foreach (var (origin, site, token) in new[] { ("http://evil.example", "cross-site", csrf), (dashboard.Origin, "same-origin", null) })
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, stop) { Content = new StringContent("{}") };
            post.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
            post.Headers.Add("Origin", origin);
            post.Headers.Add("Sec-Fetch-Site", site);
            if (token is not null) post.Headers.Add("X-Dstack-Csrf", token);
            (await http.SendAsync(post)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"Origin {origin}, CSRF token {(token is null ? "missing" : "sent")}");
        }
        // The browser itself, from a page of another site (localhost is not 127.0.0.1): its Strict cookie is not sent.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync(dashboard.Origin.Replace("127.0.0.1", "localhost") + "/elsewhere");
        await other.EvaluateAsync("async url => { await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }); }", stop);
        (await sandbox.StatusAsync(run)).ShouldBe("Running", "no refused request stopped the run");
        sandbox.Raise("more");
        sandbox.Raise("end");
    }

    [Fact]
    public async Task ABusyPort_OrPortZero_IsAClearError()
    {
        await using var sandbox = new Sandbox();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var busy = await sandbox.DstackAsync("dashboard", "--no-browser", "--port", port);
        busy.ExitCode.ShouldBe(1, busy.ToString());
        busy.StdErr.ShouldStartWith($"Error: Cannot listen on 127.0.0.1:{port}: the port is in use.");
        var zero = await sandbox.DstackAsync("dashboard", "--no-browser", "--port", "0");
        zero.StdErr.ShouldStartWith("Error: Invalid --port '0': give a port from 1 to 65535");
    }

    [Fact]
    public async Task ALogPrintedFast_OpensAtItsLastLines_PagesBackAndFollowsWithoutAGap()
    {
        // seq prints faster than the runner flushes: its lines land in chunks of up to a megabyte, many thousand lines each.
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: fast
                provider: bash
                commands:
                  - seq 1 200000
                  - {Sandbox.AwaitSignal("more")}
                  - seq 200001 205000
                  - {Sandbox.AwaitSignal("end")}
            """).Commit();
        var run = await sandbox.RunDetachedAsync("fast");
        await Eventually.ReturnsAsync(() => sandbox.DstackAsync("logs", "--tail", "1", run), r => r.StdOut.Contains("200000"),
            TimeSpan.FromSeconds(60), "the first lines in the store");
        await using var dashboard = await LiveDashboard.StartAsync(sandbox);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(dashboard.Url);
        await page.GotoAsync($"{dashboard.Origin}/runs/{Sandbox.Owner}/{Sandbox.RepoName}/{run}");
        var lines = page.Locator("#log > div");
        async Task<(string First, string Last, int Count)> Shown() =>
            (await lines.First.InnerTextAsync(), await lines.Last.InnerTextAsync(), await lines.CountAsync());

        await lines.Last.GetByText("200000", new() { Exact = true }).WaitForAsync();
        (await Shown()).ShouldBe(("199001", "200000", 1000), "the end of the log, not its whole last chunk");

        await page.Locator("#older").ClickAsync();
        await lines.First.GetByText("198001", new() { Exact = true }).WaitForAsync();
        (await Shown()).ShouldBe(("198001", "200000", 2000), "the window above, from inside the same chunk");

        sandbox.Raise("more");
        await lines.Last.GetByText("205000", new() { Exact = true }).WaitForAsync(new() { Timeout = 60_000 });
        var shown = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('#log > div')].map(d => Number(d.textContent))");
        shown.ShouldBe(Enumerable.Range(198001, 7000).ToArray(), "5,000 new lines followed a window at a time, none lost or repeated");
        sandbox.Raise("end");
    }
}
