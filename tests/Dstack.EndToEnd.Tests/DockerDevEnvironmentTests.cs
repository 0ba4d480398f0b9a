using System.Net;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A dev environment with <c>image:</c> runs its server inside the container (<see cref="DevEnvironmentImage"/>: Debian's
/// Jupyter Notebook in an image built without a registry), as root there, on every interface of the container, its port
/// published on this machine's loopback.
/// </summary>
public sealed partial class DockerDevEnvironmentTests
{
    private static readonly TimeSpan ServerDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Notebook_WithAnImage_RunsInTheContainer_AsRoot_ItsLinkOpensWithTheToken_AndStopRemovesTheContainer()
    {
        await DevEnvironmentImage.EnsureAsync();
        await using var sandbox = new Sandbox().WriteFile("in-the-image.txt", "hi").WithWorkflows($$"""
            workflows:
              - name: ide
                provider: notebook
                image: {{DevEnvironmentImage.Jupyter}}
                setup:
                  - echo "user $(id -u) in $PWD"
            """).Commit();

        await using var live = sandbox.StartLive("run", "ide");
        var run = await live.SubmittedRunAsync();
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(OpenLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            ServerDeadline, "the 'Open' line on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr + live.StdOut);
        var (link, baseUrl, token) = (printed.Groups[1].Value, printed.Groups[2].Value, printed.Groups[3].Value);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        (await http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync(baseUrl + "/tree")).StatusCode.ShouldBeOneOf(HttpStatusCode.Found, HttpStatusCode.Forbidden);
        (await http.GetAsync(baseUrl + "/api/contents")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await http.GetStringAsync($"{baseUrl}/api/contents?token={token}")).ShouldContain("\"in-the-image.txt\"",
            customMessage: "the working copy, mounted at /workflow, is the notebook's root");
        await live.WaitForStdOutAsync("user 0 in /workflow\n");
        DockerImage.Containers(run).ShouldBe([DockerImage.ContainerName(run)], "the server runs in the job's container");
        var servers = Processes.WithCommandLine(token);
        servers.ShouldNotBeEmpty("the server in the container (its processes are seen from the host)");

        (await sandbox.DstackAsync("stop", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(60));

        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "the container to be removed");
        foreach (var pid in servers) await Processes.WaitGoneAsync(pid, "the notebook server in the container");
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
    }

    [GeneratedRegex(@"(?m)^Open ((http://127\.0\.0\.1:\d+)/tree\?token=([0-9a-f]+))$")]
    private static partial Regex OpenLine();
}
