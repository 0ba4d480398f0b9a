using System.IO.Compression;
using System.Net;
using Dstack.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// The dashboard's Artifacts, Tags and Secrets pages and their actions on the bucket of the test S3 server, in Debian's
/// chromium, next to the CLI and a teammate's dashboard on the same bucket: what one writes, the others see.
/// </summary>
public sealed class S3DashboardPagesTests
{
    [Fact]
    public async Task ArtifactsPage_FileAndFolderZips_HaveTheClisBytes_AndPathsOutsideTheTreeAreRefused()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(DashboardPagesBrowserTests.BuildWorkflows).Commit();
        var run = await ada.RunDoneAsync("build");
        var (cli, dir) = await ada.DownloadAsync(run);
        cli.ExitCode.ShouldBe(0, cli.ToString());
        var model = await File.ReadAllBytesAsync(Path.Combine(dir, "out", "weights", "model.bin"));
        await using var dashboard = await LiveDashboard.StartAsync(ada);
        await using var browser = await Browser.LaunchAsync();
        var page = await DashboardPagesBrowserTests.OpenArtifactsAsync(browser, dashboard, run);

        var file = page.Locator("tr[data-path='out/weights/model.bin']");
        (await LiveDashboard.DownloadAsync(page, file.GetByText("download"))).ShouldBe(model);
        using (var folder = Zip(await LiveDashboard.DownloadAsync(page, page.Locator("tr[data-path='out/weights']").GetByText("zip"))))
            Files(folder).ShouldBe(new Dictionary<string, string> { ["weights/model.bin"] = Sandbox.Sha256(model) });
        using (var all = Zip(await LiveDashboard.DownloadAsync(page, page.Locator("#zip-all"))))
            Files(all).ShouldBe(new Dictionary<string, string> { ["out/readme.txt"] = Sandbox.Sha256Of("hi\n"), ["out/weights/model.bin"] = Sandbox.Sha256(model) });

        using var http = await LiveDashboard.ClientOfAsync(page);
        var api = $"{dashboard.Origin}/api/runs/acme/widgets/{run}/artifacts";
        foreach (var (query, status) in new[]
                 {
                     ("/file?path=../../../../config.yaml", HttpStatusCode.BadRequest),
                     ("/file?path=out/../../../secrets/acme/widgets/X.json", HttpStatusCode.BadRequest),
                     ("/file?path=%2Fetc%2Fpasswd", HttpStatusCode.BadRequest),
                     ("/file?path=%2e%2e%2F%2e%2e%2Fstate.json", HttpStatusCode.BadRequest),
                     ("/zip?path=..", HttpStatusCode.BadRequest),
                     ("/file?path=out/weights", HttpStatusCode.NotFound),
                 })
        {
            var refused = await http.GetAsync(api + query);
            refused.StatusCode.ShouldBe(status, query);
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/json", query);
        }
        foreach (var path in new[] { $"/api/runs/..%2F..%2Fsecrets/widgets/{run}/artifacts", "/api/tags/acme/widgets/..%2F..%2Fsecrets/artifacts/zip" })
            (await http.GetAsync(dashboard.Origin + path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
    }

    [Fact]
    public async Task ATagMadeInOneDashboard_IsSeenByTheCliAndATeammatesDashboard_WhichDeletesIt_ForEveryone()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(DashboardPagesBrowserTests.BuildWorkflows).Commit();
        var run = await ada.RunDoneAsync("build");
        await using var bea = await bucket.NewTeammateAsync(ada);
        await using var adas = await LiveDashboard.StartAsync(ada);
        await using var beas = await LiveDashboard.StartAsync(bea);
        await using var browser = await Browser.LaunchAsync();
        var pageA = await OpenConfirmingAsync(browser, adas, "/tags");
        var pageB = await OpenConfirmingAsync(browser, beas, "/tags");

        var form = pageA.Locator("#add");
        await form.Locator("input[name=repo]").FillAsync("acme/widgets");
        await form.Locator("input[name=run]").FillAsync(run);
        await form.Locator("input[name=name]").FillAsync("best");
        await form.GetByRole(AriaRole.Button, new() { Name = "Tag" }).ClickAsync();

        await pageA.Locator("tr[data-tag='best']").WaitForAsync();
        (await bea.TagSummariesAsync()).ShouldBe([$"best {run} out"]);
        await pageB.ReloadAsync();
        (await pageB.Locator("tr[data-tag='best']").InnerTextAsync()).ShouldContain(run);
        (await ada.DstackAsync("tags", "add", "from-cli", run)).ExitCode.ShouldBe(0);
        await pageB.ReloadAsync();
        await pageB.Locator("tr[data-tag='from-cli']").WaitForAsync();

        // The tag's artifacts, from the teammate's dashboard: the bytes the run made.
        await pageB.Locator("tr[data-tag='best']").GetByRole(AriaRole.Link, new() { Name = "best" }).ClickAsync();
        var (cli, dir) = await bea.DownloadAsync(":best");
        cli.ExitCode.ShouldBe(0, cli.ToString());
        (await LiveDashboard.DownloadAsync(pageB, pageB.Locator("tr[data-path='out/weights/model.bin']").GetByText("download")))
            .ShouldBe(await File.ReadAllBytesAsync(Path.Combine(dir, "out", "weights", "model.bin")));

        // Tagging again under a taken name is refused unless Override is ticked.
        await form.Locator("input[name=repo]").FillAsync("acme/widgets");
        await form.Locator("input[name=run]").FillAsync(run);
        await form.Locator("input[name=name]").FillAsync("from-cli");
        await form.GetByRole(AriaRole.Button, new() { Name = "Tag" }).ClickAsync();
        await pageA.Locator("#message").GetByText("from-cli").WaitForAsync();
        (await pageA.Locator("#message").InnerTextAsync()).ShouldContain("exists");

        await pageB.GotoAsync(beas.Origin + "/tags");
        await pageB.Locator("tr[data-tag='best']").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await pageB.Locator("tr[data-tag='best']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        (await ada.TagSummariesAsync()).ShouldBe([$"from-cli {run} out"]);
        await pageA.ReloadAsync();
        (await pageA.Locator("#tags tr").CountAsync()).ShouldBe(1);
        await pageA.Locator("tr[data-tag='from-cli']").WaitForAsync();
    }

    [Fact]
    public async Task ASecretAddedByTheCli_ShowsByNameOnly_AndOnesSetInATeammatesDashboardAreTheClis()
    {
        var cliValue = "cli-" + Guid.NewGuid().ToString("N");
        var added = "added-" + Guid.NewGuid().ToString("N");
        var updated = "updated-" + Guid.NewGuid().ToString("N");
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WriteFile("README.md", "hi").Commit();
        await using var bea = await bucket.NewTeammateAsync(ada);
        await using var adas = await LiveDashboard.StartAsync(ada);
        await using var beas = await LiveDashboard.StartAsync(bea);
        await using var browser = await Browser.LaunchAsync();
        var pageB = await OpenConfirmingAsync(browser, beas, "/secrets");

        (await ada.DstackAsync(["secrets", "add", "API_TOKEN", "-"], stdin: cliValue)).ExitCode.ShouldBe(0);
        await pageB.ReloadAsync();
        await pageB.Locator("tr[data-secret='API_TOKEN']").WaitForAsync();

        var answers = new List<string> { await SetSecretAsync(pageB, "HF_TOKEN", added) };
        answers[0].ShouldContain("\"message\":\"Added the secret HF_TOKEN of acme/widgets.\"");
        await pageB.Locator("tr[data-secret='HF_TOKEN']").WaitForAsync();
        (await ada.SecretNamesAsync()).ShouldBe(["API_TOKEN", "HF_TOKEN"]);
        var created = (await ada.SecretsAsync()).Single(r => r["NAME"] == "HF_TOKEN")["CREATED"];
        answers.Add(await SetSecretAsync(pageB, "HF_TOKEN", updated));
        answers[1].ShouldContain("\"message\":\"Updated the secret HF_TOKEN of acme/widgets.\"");
        (await ada.SecretsAsync()).Single(r => r["NAME"] == "HF_TOKEN")["CREATED"].ShouldBe(created, "an update keeps the creation date");
        (await ada.SecretSeenByAJobAsync("HF_TOKEN")).ShouldBe(Sandbox.Sha256Of(updated), "the value set in the browser is the one a job gets");

        var pageA = await OpenConfirmingAsync(browser, adas, "/secrets");
        foreach (var (page, origin) in new[] { (pageA, adas.Origin), (pageB, beas.Origin) })
        {
            await page.GotoAsync(origin + "/secrets");
            var html = await page.ContentAsync();
            using var http = await LiveDashboard.ClientOfAsync(page);
            var api = await http.GetStringAsync(origin + "/api/secrets");
            foreach (var text in answers.Concat([html, api]))
            {
                text.ShouldContain("HF_TOKEN");
                foreach (var value in new[] { cliValue, added, updated }) text.ShouldNotContain(value);
            }
            api.ShouldContain("\"name\":\"API_TOKEN\"");
        }

        await pageA.Locator("tr[data-secret='HF_TOKEN']").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await pageA.Locator("tr[data-secret='HF_TOKEN']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        (await bea.SecretNamesAsync()).ShouldBe(["API_TOKEN"]);
        (await bucket.KeysAsync("secrets/")).ShouldBe(["secrets/acme/widgets/API_TOKEN.json"]);
    }

    /// <summary>A signed-in page at <paramref name="path"/> that accepts every confirmation the dashboard asks.</summary>
    private static async Task<IPage> OpenConfirmingAsync(Browser browser, LiveDashboard dashboard, string path)
    {
        var page = await browser.OpenAsync(dashboard.Url);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync(dashboard.Origin + path);
        return page;
    }

    /// <summary>
    /// Saves a secret with the page's form; returns the POST's answer (read on its way to the page, which reloads at
    /// once), once the page has reloaded.
    /// </summary>
    private static async Task<string> SetSecretAsync(IPage page, string name, string value)
    {
        const string Actions = "**/api/secrets/**";
        string? answer = null;
        await page.RouteAsync(Actions, async route =>
        {
            var response = await route.FetchAsync();
            answer = await response.TextAsync();
            response.Status.ShouldBe(200, answer);
            await route.FulfillAsync(new() { Response = response });
        });
        var form = page.Locator("#add");
        await form.Locator("input[name=repo]").FillAsync("acme/widgets");
        await form.Locator("input[name=name]").FillAsync(name);
        await form.Locator("input[name=value]").FillAsync(value);
        await page.RunAndWaitForResponseAsync(() => form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync(), r => r.Request.IsNavigationRequest);
        await page.UnrouteAsync(Actions);
        return answer.ShouldNotBeNull();
    }

    private static ZipArchive Zip(byte[] bytes) => new(new MemoryStream(bytes));

    /// <summary>The zip's files (not its folder entries) by name, with the SHA-256 of their bytes.</summary>
    private static Dictionary<string, string> Files(ZipArchive zip)
    {
        var files = new Dictionary<string, string>();
        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
        {
            using var bytes = new MemoryStream();
            using (var stream = entry.Open()) stream.CopyTo(bytes);
            files[entry.FullName] = Sandbox.Sha256(bytes.ToArray());
        }
        return files;
    }
}
