using Dstack.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// The dashboard's Artifacts and Secrets pages in Debian's chromium (Support/Browser.cs), over a store the CLI wrote:
/// an artifact downloaded from the page has the bytes <c>dstack artifacts download</c> writes; the Secrets page lists
/// a secret's name and never its value, and a secret added from the page is the one the CLI lists.
/// </summary>
public sealed class DashboardPagesBrowserTests
{
    private const string Planted = "pl4nted-e2e-S3CRET-91d3";

    /// <summary><c>build</c>: artifacts <c>out/weights/model.bin</c> (700,001 random bytes) and <c>out/readme.txt</c> ("hi").</summary>
    internal const string BuildWorkflows = """
        workflows:
          - name: build
            provider: bash
            commands:
              - mkdir -p out/weights && head -c 700001 /dev/urandom > out/weights/model.bin && echo hi > out/readme.txt
            artifacts:
              - out
        """;

    /// <summary>A signed-in page on the run's Artifacts page, reached by the Run page's link, which lists the model with its size.</summary>
    internal static async Task<IPage> OpenArtifactsAsync(Browser browser, LiveDashboard dashboard, string run)
    {
        var page = await browser.OpenAsync(dashboard.Url);
        await page.GotoAsync($"{dashboard.Origin}/runs/acme/widgets/{run}");
        await page.Locator("#artifacts").ClickAsync();
        (await page.Locator("tr[data-path='out/weights/model.bin']").InnerTextAsync()).ShouldContain("683.6KiB");
        return page;
    }

    [Fact]
    public async Task AnArtifactDownloadedFromTheRunsArtifactsPage_HasTheBytesTheCliDownloads()
    {
        await using var sandbox = new Sandbox().WithWorkflows(BuildWorkflows).Commit();
        var run = await sandbox.RunDoneAsync("build");
        var (cli, dir) = await sandbox.DownloadAsync(run);
        cli.ExitCode.ShouldBe(0, cli.ToString());
        await using var dashboard = await LiveDashboard.StartAsync(sandbox);
        await using var browser = await Browser.LaunchAsync();

        var page = await OpenArtifactsAsync(browser, dashboard, run);
        var row = page.Locator("tr[data-path='out/weights/model.bin']");
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByText("download").ClickAsync());
        download.SuggestedFilename.ShouldBe("model.bin");
        var saved = Path.Combine(sandbox.Root, "from-the-browser.bin");
        await download.SaveAsAsync(saved);

        (await File.ReadAllBytesAsync(saved)).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(dir, "out", "weights", "model.bin")));
        dashboard.Process.Interrupt();
        (await dashboard.Process.WaitForExitAsync(TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task TheSecretsPage_ListsNamesButNeverValues_AndASecretAddedThereIsTheClis()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "hi").Commit();
        (await sandbox.DstackAsync("secrets", "add", "WANDB_KEY", Planted)).ExitCode.ShouldBe(0);
        await using var dashboard = await LiveDashboard.StartAsync(sandbox);
        await using var browser = await Browser.LaunchAsync();

        var page = await browser.OpenAsync(dashboard.Url);
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
        dashboard.Process.Interrupt();
        (await dashboard.Process.WaitForExitAsync(TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0);
    }
}
