using System.Net;
using System.Text.RegularExpressions;
using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A notebook on the Slurm test cluster (n1, n2 in multi mode: both are this machine's loopback in /etc/hosts), through
/// this machine's sbatch: this machine is the login node, so the printed link is on the job's node, opened as it is.
/// </summary>
[Collection("slurm cluster")]
public sealed partial class SlurmDevEnvironmentTests
{
    private static readonly TimeSpan ServerDeadline = TimeSpan.FromSeconds(120);

    private static async Task<Sandbox> NotebookOnTheClusterAsync()
    {
        File.Exists("/usr/bin/jupyter-notebook").ShouldBeTrue("Jupyter Notebook is installed (scripts/devenv-up.sh)");
        await SlurmTestCluster.EnsureUpAsync();
        var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm");
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WriteFile("on-the-cluster.txt", "hi").WithWorkflows("""
            workflows:
              - name: ide
                provider: notebook
            """).Commit();
        return ada;
    }

    [Fact]
    public async Task Notebook_OnANode_PrintsTheNodesLink_WhichOpensWithTheToken_AndNotWithout_AndStopLeavesNoServer()
    {
        await using var ada = await NotebookOnTheClusterAsync();
        await using var live = ada.StartLive("run", "ide", "--compute", "cluster");
        var run = await live.SubmittedRunAsync();

        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(NodeOpenLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            ServerDeadline, "the node's 'Open' line on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);
        var (link, baseUrl, token) = (printed.Groups[1].Value, printed.Groups[2].Value, printed.Groups[4].Value);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        (await http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync(baseUrl + "/tree")).StatusCode.ShouldBeOneOf(HttpStatusCode.Found, HttpStatusCode.Forbidden);
        (await http.GetAsync(baseUrl + "/api/contents")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await http.GetStringAsync($"{baseUrl}/api/contents?token={token}")).ShouldContain("\"on-the-cluster.txt\"");
        var ps = await ada.DstackAsync("ps", run);
        ps.StdOut.ShouldContain($"Open:   {link}\n", customMessage: "the node is reached from here: nothing to forward, nothing to ask for");
        ps.StdOut.ShouldContain($"Where:  cluster/{printed.Groups[3].Value}\n");
        var servers = Processes.WithCommandLine(token);
        servers.ShouldNotBeEmpty("the notebook server runs on the node with the token");

        (await ada.DstackAsync("stop", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(90));

        foreach (var pid in servers) await Processes.WaitGoneAsync(pid, "the notebook server on the node");
        Processes.WithCommandLine(token).ShouldBeEmpty();
        (await ada.RowAsync(run)).Status.ShouldBe("Stopped");
    }

    [Fact]
    public async Task Attach_ADetachedNotebookOnANode_PrintsTheNodesLink_WhichOpens()
    {
        await using var ada = await NotebookOnTheClusterAsync();
        var run = await ada.RunDetachedAsync("ide", "--compute", "cluster");
        try
        {
            var attach = await ada.DstackAsync(["attach", run], timeout: ServerDeadline);

            attach.ExitCode.ShouldBe(0, attach.ToString());
            var printed = NodeOpenLine().Match(attach.StdOut);
            printed.Success.ShouldBeTrue(attach.ToString());
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
            (await http.GetAsync(printed.Groups[1].Value)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await http.GetAsync(printed.Groups[2].Value + "/api/contents")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        finally { await ada.DstackAsync("stop", "-x", "-y", run); }
    }

    [GeneratedRegex(@"(?m)^Open ((http://(n[12]):\d+)/tree\?token=([0-9a-f]+))$")]
    private static partial Regex NodeOpenLine();
}
