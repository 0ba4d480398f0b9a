using System.Net;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Dev environments with real servers: Debian's Jupyter Notebook 6.4 (scripts/devenv-up.sh installs it; a missing one
/// fails these tests, never skips them). The link is printed once the server answers, with the runner's token.
/// </summary>
public sealed partial class DevEnvironmentTests
{
    private static readonly TimeSpan ServerDeadline = TimeSpan.FromSeconds(90);

    private static Sandbox NotebookRepo() => new Sandbox()
        .WriteFile("hello-from-the-repo.txt", "hi")
        .WithWorkflows("""
            workflows:
              - name: ide
                provider: notebook
                setup:
                  - echo "setup ran"
            """).Commit();

    [Fact]
    public async Task Notebook_PrintsItsLink_WhichOpensWithTheToken_AndNotWithout_ShowsTheRepo_AndStopLeavesNoServer()
    {
        File.Exists("/usr/bin/jupyter-notebook").ShouldBeTrue("Jupyter Notebook is installed (scripts/devenv-up.sh)");
        await using var sandbox = NotebookRepo();
        await using var live = sandbox.StartLive("run", "ide");
        var run = await live.SubmittedRunAsync();

        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(OpenLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            ServerDeadline, "the 'Open' line on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);
        var (link, baseUrl, token) = (printed.Groups[1].Value, printed.Groups[2].Value, printed.Groups[3].Value);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        (await http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var without = await http.GetAsync(baseUrl + "/tree");
        without.StatusCode.ShouldBeOneOf(HttpStatusCode.Found, HttpStatusCode.Forbidden);
        (await http.GetAsync(baseUrl + "/api/contents")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var contents = await http.GetStringAsync($"{baseUrl}/api/contents?token={token}");
        contents.ShouldContain("\"hello-from-the-repo.txt\"", customMessage: "the working copy is the notebook's root");
        await live.WaitForStdOutAsync("setup ran\n");
        await live.WaitForStdOutAsync("Jupyter Notebook", ServerDeadline); // the attached CLI keeps streaming the server's logs
        (await sandbox.DstackAsync("ps", run)).StdOut.ShouldContain($"Open:   {link}\n");
        File.ReadAllText(Path.Combine(sandbox.RunDir(run), "run.json")).ShouldNotContain(token, customMessage: "the token is never in the run's spec");
        var servers = Processes.WithCommandLine(token);
        servers.ShouldNotBeEmpty("the notebook server runs with the token");

        (await sandbox.DstackAsync("stop", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(60));

        foreach (var pid in servers) await Processes.WaitGoneAsync(pid, "the notebook server");
        Processes.WithCommandLine(token).ShouldBeEmpty();
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
    }

    [Fact]
    public async Task Attach_ADetachedNotebook_PrintsItsLink()
    {
        await using var sandbox = NotebookRepo();
        var run = await sandbox.RunDetachedAsync("ide");

        var attach = await sandbox.DstackAsync(["attach", run], timeout: ServerDeadline);

        attach.ExitCode.ShouldBe(0, attach.ToString());
        var link = OpenLine().Match(attach.StdOut);
        link.Success.ShouldBeTrue(attach.ToString());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        (await http.GetAsync(link.Groups[1].Value)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheServersToken_IsMaskedInTheLogs_AsASecretIs_WhilePsShowsTheLink()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: ide
                provider: notebook
                setup:
                  - echo "token in setup=$DSTACK_SERVER_TOKEN"
                  - echo "as a server prints it, http://127.0.0.1:$PORT_0/?tkn=$DSTACK_SERVER_TOKEN"
            """).Commit();
        var run = await sandbox.RunDetachedAsync("ide");
        try
        {
            var ps = await Eventually.ReturnsAsync(async () => (await sandbox.DstackAsync("ps", run)).StdOut, o => o.Contains("Open:"), ServerDeadline,
                "the link in ps");
            var token = Regex.Match(ps, @"Open:   http://127\.0\.0\.1:\d+/tree\?token=([0-9a-f]+)\n").Groups[1].Value;
            token.ShouldNotBeEmpty(ps);
            // Jupyter Notebook 6 prints its URL as `?token=...` for a token it was given (openvscode-server prints it
            // whole): wait for its start-up lines, then look at everything the job printed.
            var logs = await Eventually.ReturnsAsync(async () => (await sandbox.DstackAsync("logs", run)).StdOut,
                o => o.Contains("?token=", StringComparison.Ordinal), ServerDeadline, "the server's start-up lines with its URL");

            logs.ShouldContain("token in setup=***\n");
            logs.ShouldContain("/?tkn=***\n");
            logs.ShouldNotContain(token);
            (await sandbox.DstackAsync("ps", run)).StdOut.ShouldContain(token, customMessage: "whoever reads the run's state sees the link");
        }
        finally { await sandbox.DstackAsync("stop", "-x", "-y", run); }
    }

    [Fact]
    public async Task Lab_WithoutJupyterLab_AndNothingToInstallFrom_FailsWithTheErrorNamingTheFix()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: ide
                provider: lab
                env:
                  - PIP_NO_INDEX=1
            """).Commit();

        var result = await sandbox.DstackAsync(["run", "ide"], timeout: ServerDeadline);

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.StdOut.ShouldContain("dstack: JupyterLab is not installed for this job's python3, and 'pip install jupyterlab' failed (is PyPI reachable?). " +
                                    "Install it on the host (Debian: apt-get install jupyter-notebook; else pip install jupyterlab), list it in 'requirements', or use an 'image' that has it.\n");
    }

    [GeneratedRegex(@"(?m)^Open ((http://127\.0\.0\.1:\d+)/tree\?token=([0-9a-f]+))$")]
    private static partial Regex OpenLine();
}
