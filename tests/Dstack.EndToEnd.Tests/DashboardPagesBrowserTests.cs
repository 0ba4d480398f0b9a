using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// The dashboard's Artifacts and Secrets pages in Debian's chromium (Support/Browser.cs), over a store the CLI wrote:
/// an artifact downloaded from the page has the bytes <c>dstack artifacts download</c> writes; the Secrets page lists
/// a secret's name and never its value, and a secret added from the page is the one the CLI lists.
/// </summary>
public sealed partial class DashboardPagesBrowserTests
{
    private const string Planted = "pl4nted-e2e-S3CRET-91d3";

    /// <summary><c>dstack dashboard --no-browser</c> on a free loopback port, and the URL it printed.</summary>
    private static async Task<(LiveDstack Live, string Url)> StartDashboardAsync(Sandbox sandbox)
    {
        var live = sandbox.StartLive("dashboard", "--no-browser", "--port", LoopbackPorts.Closed().ToString(CultureInfo.InvariantCulture));
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(UrlLine().Match(live.StdOut)), m => m.Success || live.HasExited,
            TimeSpan.FromSeconds(60), "the dashboard's URL on stdout");
        printed.Success.ShouldBeTrue($"stdout: {live.StdOut}\nstderr: {live.StdErr}");
        return (live, printed.Groups[1].Value);
    }

    [Fact]
    public async Task AnArtifactDownloadedFromTheRunsArtifactsPage_HasTheBytesTheCliDownloads()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: build
                provider: bash
                commands:
                  - mkdir -p out/weights && head -c 700001 /dev/urandom > out/weights/model.bin && echo hi > out/readme.txt
                artifacts:
                  - out
            """).Commit();
        var run = await sandbox.RunDoneAsync("build");
        var (cli, dir) = await sandbox.DownloadAsync(run);
        cli.ExitCode.ShouldBe(0, cli.ToString());
        var (live, url) = await StartDashboardAsync(sandbox);
        await using var _ = live;
        await using var browser = await Browser.LaunchAsync();

        var page = await browser.OpenAsync(url);
        await page.GotoAsync($"{new Uri(url).GetLeftPart(UriPartial.Authority)}/runs/acme/widgets/{run}");
        await page.Locator("#artifacts").ClickAsync();
        var row = page.Locator("tr[data-path='out/weights/model.bin']");
        (await row.InnerTextAsync()).ShouldContain("683.6KiB");
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByText("download").ClickAsync());
        download.SuggestedFilename.ShouldBe("model.bin");
        var saved = Path.Combine(sandbox.Root, "from-the-browser.bin");
        await download.SaveAsAsync(saved);

        (await File.ReadAllBytesAsync(saved)).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(dir, "out", "weights", "model.bin")));
        live.Interrupt();
        await live.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task TheSecretsPage_ListsNamesButNeverValues_AndASecretAddedThereIsTheClis()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "hi").Commit();
        (await sandbox.DstackAsync("secrets", "add", "WANDB_KEY", Planted)).ExitCode.ShouldBe(0);
        var (live, url) = await StartDashboardAsync(sandbox);
        await using var _ = live;
        await using var browser = await Browser.LaunchAsync();

        var page = await browser.OpenAsync(url);
        await page.GetByRole(AriaRole.Link, new() { Name = "Secrets" }).ClickAsync();
        await page.Locator("tr[data-secret='WANDB_KEY']").WaitForAsync();
        (await page.ContentAsync()).ShouldNotContain(Planted);
        var api = await page.EvaluateAsync<string>("async () => await (await fetch('/api/secrets')).text()");
        api.ShouldContain("\"name\":\"WANDB_KEY\"");
        api.ShouldNotContain(Planted);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var form = page.Locator("#add");
        await form.Locator("input[name=repo]").FillAsync("acme/widgets");
        await form.Locator("input[name=name]").FillAsync("HF_TOKEN");
        await form.Locator("input[name=value]").FillAsync(Planted + "-2");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.Locator("tr[data-secret='HF_TOKEN']").WaitForAsync();
        (await page.ContentAsync()).ShouldNotContain(Planted);
        (await sandbox.SecretNamesAsync()).ShouldBe(["HF_TOKEN", "WANDB_KEY"]);
        File.ReadAllText(sandbox.SecretFile("HF_TOKEN")).ShouldContain(Planted + "-2");
        live.Interrupt();
        await live.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    [GeneratedRegex(@"^Dashboard: (http://\S+\?token=[0-9a-f]+)$", RegexOptions.Multiline)]
    private static partial Regex UrlLine();
}
