using System.Net;
using Dstack.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// The dashboard on the bucket of the test S3 server, in Debian's chromium: a teammate's dashboard shows a run the CLI
/// started after the page opened, follows its log live, shows markup as text, and stops, restarts and removes runs
/// as the CLI then sees them; without the cookie nothing is told. (Artifacts, Tags, Secrets: S3DashboardPagesTests.)
/// </summary>
public sealed class S3DashboardTests
{
    [Fact]
    public async Task ACliRun_AppearsLive_ItsLogFollowsWithinASecondAsText_AndStopRestartRemove_AreWhatTheCliSees()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(DashboardTests.FollowWorkflows).Commit();
        await using var bea = await bucket.NewTeammateAsync(ada);
        await using var dashboard = await LiveDashboard.StartAsync(bea);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(dashboard.Url);
        var asked = new List<string>();
        page.Dialog += (_, dialog) => { asked.Add(dialog.Message); _ = dialog.AcceptAsync(); };
        await page.Locator("#runs").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        var run = await ada.RunDetachedAsync("follow");
        await page.Locator($"#runs tr[data-run='{run}']").GetByRole(AriaRole.Link, new() { Name = run }).ClickAsync();
        var log = page.Locator("#log");
        await log.GetByText("first line").WaitForAsync();
        await log.GetByText(DashboardTests.XssLine, new() { Exact = true }).WaitForAsync();
        (await log.Locator("script").CountAsync()).ShouldBe(0);
        await DashboardTests.LateLineShowsWithinASecondAsync(ada, run, log);
        asked.ShouldBeEmpty("no script of the log ran");

        await page.Locator("#stop").ClickAsync();
        await page.Locator("#message").GetByText($"Stop requested for {run}.").WaitForAsync();
        (await ada.WaitForStatusAsync(run, s => s is "Stopped" or "Done" or "Failed")).ShouldBe("Stopped");
        await page.Locator("#status").GetByText("Stopped").WaitForAsync();

        // The restart runs the recorded spec (ada's passed E2E_SIGNALS, both raised by then): it runs to the end.
        ada.Raise("end");
        var before = page.Url;
        await page.Locator("#restart").ClickAsync();
        await page.WaitForURLAsync(url => url != before);
        var again = Uri.UnescapeDataString(new Uri(page.Url).Segments[^1]);
        again.ShouldNotBe(run);
        (await page.Locator("#run").InnerTextAsync()).ShouldBe(again);
        var ended = await ada.WaitForStatusAsync(again, s => s is "Done" or "Failed" or "Stopped" or "Aborted");
        ended.ShouldBe("Done", (await ada.DstackAsync("logs", again)).ToString());
        await page.Locator("#status").GetByText("Done").WaitForAsync();

        await page.Locator("#rm").ClickAsync();
        await page.WaitForURLAsync(dashboard.Origin + "/");
        await page.Locator($"#runs tr[data-run='{run}']").WaitForAsync();
        (await page.Locator($"#runs tr[data-run='{again}']").CountAsync()).ShouldBe(0);
        (await ada.PsAsync("-a")).Select(r => r.Run).ShouldBe([run]);
        asked.ShouldBe([$"Stop the run {run}?", $"Run {run} again under a new name?", $"Delete the run {again} with its logs?"]);

        using var http = LiveDashboard.Client();
        foreach (var path in new[] { "/", "/api/runs", $"/runs/acme/widgets/{run}", $"/api/runs/acme/widgets/{run}", $"/api/runs/acme/widgets/{run}/log",
                                     $"/api/runs/acme/widgets/{run}/artifacts", "/tags", "/api/tags", "/secrets", "/api/secrets", "/compute" })
        {
            var refused = await http.GetAsync(dashboard.Origin + path);
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            (await refused.Content.ReadAsStringAsync()).ShouldNotContain(run, customMessage: path);
        }
    }
}
