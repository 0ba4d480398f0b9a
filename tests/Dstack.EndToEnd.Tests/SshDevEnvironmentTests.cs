using System.Net;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>A dev environment on an SSH host: the attached CLI forwards its port here and prints the local link.</summary>
[Collection("ssh hosts")]
public sealed partial class SshDevEnvironmentTests
{
    [Fact]
    public async Task Notebook_OnH1_IsReachableThroughThePrintedLocalLink()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WriteFile("on-h1.txt", "hi").WithWorkflows("""
            workflows:
              - name: ide
                provider: notebook
            """).Commit();

        await using var live = ada.StartLive("run", "ide", "--compute", "lab");
        var run = await live.SubmittedRunAsync();
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(LocalOpenLine().Match(live.StdErr)), m => m.Success || live.HasExited,
            TimeSpan.FromSeconds(120), "the local 'Open' line on the stderr of dstack run");
        printed.Success.ShouldBeTrue(live.StdErr);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        (await http.GetAsync(printed.Groups[1].Value)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetStringAsync($"{printed.Groups[2].Value}/api/contents?token={printed.Groups[3].Value}")).ShouldContain("\"on-h1.txt\"");
        (await http.GetAsync($"{printed.Groups[2].Value}/api/contents")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ada.DstackAsync("ps", run)).StdOut.ShouldContain($"Open:   {printed.Groups[1].Value}\n");

        (await ada.DstackAsync("stop", "-x", "-y", run)).ExitCode.ShouldBe(0);
        await live.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    [GeneratedRegex(@"(?m)^Open ((http://127\.0\.0\.1:\d+)/tree\?token=([0-9a-f]+))$")]
    private static partial Regex LocalOpenLine();
}
