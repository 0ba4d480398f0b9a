using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// The printed links opened as a user would, in Debian's chromium (Support/Browser.cs): Jupyter Notebook 6.4 and
/// code-server 4 (scripts/devenv-up.sh installs both; a missing one fails these tests, never skips them).
/// </summary>
public sealed partial class DevEnvironmentBrowserTests
{
    private static readonly TimeSpan ServerDeadline = TimeSpan.FromSeconds(120);
    private const string CodeServer = "/opt/dstack-test/bin/code-server";
    private const string RepoFile = "hello-from-the-repo.txt";

    [Fact]
    public async Task Notebook_TheLinkOpensInABrowser_OnTheTreeOfTheRepo()
    {
        await using var sandbox = new Sandbox().WriteFile(RepoFile, "hi").WithWorkflows("""
            workflows:
              - name: ide
                provider: notebook
            """).Commit();
        await using var live = sandbox.StartLive("run", "ide");
        var run = await live.SubmittedRunAsync();
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(NotebookLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            ServerDeadline, "the 'Open' line on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(printed.Groups[1].Value);

        await page.Locator("#notebook_list").GetByText(RepoFile, new() { Exact = true }).WaitForAsync();
        (await sandbox.DstackAsync("stop", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task CodeServer_PrintsItsLinkAndPassword_WhichLogInToTheWorkbenchOnTheRepo_AndStopLeavesNoServer()
    {
        File.Exists(CodeServer).ShouldBeTrue("code-server is installed (scripts/devenv-up.sh)");
        await using var sandbox = new Sandbox().WriteFile(RepoFile, "hi").WithWorkflows($"""
            workflows:
              - name: ide
                provider: code
                env:
                  - DSTACK_CODE_SERVER={CodeServer}
            """).Commit();
        await using var live = sandbox.StartLive("run", "ide");
        var run = await live.SubmittedRunAsync();
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(CodeLines().Match(live.StdErr)), m => m.Success || live.HasExited,
            ServerDeadline, "the 'Open' and 'Password' lines on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);
        var (link, password) = (printed.Groups[1].Value, printed.Groups[2].Value);
        (await sandbox.DstackAsync("ps", run)).StdOut.ShouldContain($"Open:   {link}\nPassword: {password}\n");
        File.ReadAllText(Path.Combine(sandbox.RunDir(run), "run.json")).ShouldNotContain(password, customMessage: "the token is never in the run's spec");
        var servers = ProcessesWithEnvironment(password);
        servers.ShouldNotBeEmpty("code-server runs with the token in its environment");
        var folder = Path.GetFileName(File.ResolveLinkTarget($"/proc/{servers.Max()}/cwd", false)!.ToString().TrimEnd('/'));

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.OpenAsync(link);
        await page.Locator("input[type=password]").FillAsync(password);
        await page.Locator("input[type=submit]").ClickAsync();

        await page.Locator(".monaco-workbench").WaitForAsync();
        await page.WaitForFunctionAsync("folder => document.title.includes(folder)", folder);
        await page.Locator(".monaco-workbench .explorer-folders-view").GetByText(RepoFile, new() { Exact = true }).WaitForAsync();

        (await sandbox.DstackAsync("stop", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(60));
        foreach (var pid in servers) await Processes.WaitGoneAsync(pid, "code-server or one of its helpers");
        ProcessesWithEnvironment(password).ShouldBeEmpty();
    }

    /// <summary>Processes whose environment holds <paramref name="text"/> (the job's, the token among them).</summary>
    private static List<int> ProcessesWithEnvironment(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId || !Processes.IsAlive(pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // gone meanwhile, or not ours
        }
        return found;
    }

    [GeneratedRegex(@"(?m)^Open (http://127\.0\.0\.1:\d+/tree\?token=[0-9a-f]+)$")]
    private static partial Regex NotebookLine();

    [GeneratedRegex(@"(?m)^Open (http://127\.0\.0\.1:\d+/)\nPassword: ([0-9a-f]+)$")]
    private static partial Regex CodeLines();
}
