using System.Text;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Runs on SSH hosts (h1, h2: <see cref="SshHosts"/>) with an S3 store the hosts reach at the bridge's address:
/// the runner is started on the host and talks only to the store.
/// </summary>
[Collection("ssh hosts")]
public sealed partial class SshRunTests
{
    private static async Task<Sandbox> LabUserAsync(S3Bucket bucket, SshHosts ssh, string hosts = "h1,h2")
    {
        var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", hosts, "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        return ada;
    }

    [Fact]
    public async Task Run_OnLab_RunsOnH1_PrintsItsHostname_ItsLogsAndArtifactComeBack_AndNoCredentialIsLeftThere()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);
        ada.WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands:
                  - echo "on $(hostname) HOSTNAME=$HOSTNAME"
                  - printenv AWS_SECRET_ACCESS_KEY || echo no-store-secret
                  - mkdir -p out && echo made-on-host > out/a.txt
                artifacts:
                  - path: out
            """).Commit();

        var run = await ada.DstackAsync("run", "hello", "--compute", "lab");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldContain("on h1 HOSTNAME=h1\nno-store-secret\n");
        var name = Regex.Match(run.StdErr, @"(\S+) submitted").Groups[1].Value;
        var list = await ada.DstackAsync("artifacts", "list", name);
        TextTable.Parse(list.StdOut).Select(r => (r["ARTIFACT"], r["FILE"])).ShouldBe([("out", "a.txt")], list.ToString());
        var launch = await bucket.ReadTextAsync(S3Bucket.JobPrefix(name) + "launch.json");
        launch.ShouldNotBeNull().ShouldContain("\"lab\"");
        launch.ShouldContain("h1 ");
        (await ada.DstackAsync("ps", name)).StdOut.ShouldContain("Where:  lab/h1\n");

        // The secret, written on the host's command line in base64 only, so that this very command does not carry it.
        var secret = Convert.ToBase64String(Encoding.UTF8.GetBytes(S3Endpoint.SecretKey));
        // The process list is taken before grep runs (whose own arguments hold it).
        var leaks = await ssh.RunAsync("h1", $"s=$(echo {secret} | base64 -d); p=$(ps -eo args); case \"$p\" in *\"$s\"*) echo ps shows it;; esac; grep -rlF \"$s\" ~ 2>/dev/null; true");
        leaks.Trim().ShouldBeEmpty("no file in h1's home holds the store's secret key, and no process shows it");
    }

    [Fact]
    public async Task RunnerKilledOnTheHost_TheJobIsRunnerLost_AndNothingOfItIsLeftRunning()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh, "h1");
        var marker = Random.Shared.Next(100_000, 999_999);
        ada.WithWorkflows($"""
            workflows:
              - name: long
                provider: bash
                commands:
                  - echo started
                  - sleep {marker}
            """).Commit();
        var run = await ada.RunDetachedAsync("long", "--compute", "lab");
        await Eventually.ReturnsAsync(() => ada.DstackAsync("logs", run), r => r.StdOut.Contains("started"), TimeSpan.FromSeconds(60), "the job's first line");
        var launch = await bucket.ReadTextAsync(S3Bucket.JobPrefix(run) + "launch.json");
        var pid = Regex.Match(launch!, "h1 (\\d+) \\d+").Groups[1].Value;
        pid.ShouldNotBeEmpty(launch);

        await ssh.RunAsync("h1", $"kill -KILL {pid}");

        var status = await ada.WaitForStatusAsync(run, s => !s.Equals("running", StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(30));
        status.ShouldBe("Failed");
        (await ada.PsAsync("-a")).Single(r => r.Run == run).Reason.ShouldContain("runner lost");
        // [s]leep: the shell running pgrep has the pattern in its own command line.
        await Eventually.ReturnsAsync(() => ssh.RunAsync("h1", $"pgrep -f '[s]leep {marker}' || true"), s => s.Trim().Length == 0,
            TimeSpan.FromSeconds(20), "the job's processes on h1 gone");
    }

    [Fact]
    public async Task Run_TheFirstHostDoesNotAnswer_GoesToTheNext()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        var closed = $"runner@{ssh["h1"].Address}:2";
        File.AppendAllText(Path.Combine(ada.Home, "config.yaml"),
            $"compute:\n  lab:\n    ssh: {closed}, h2\n    ssh_config: {ssh.ConfigFile}\n    store_endpoint: {ssh.S3Endpoint}\n");
        ada.WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands:
                  - echo "on $(hostname)"
            """).Commit();

        var run = await ada.DstackAsync("run", "hello", "--compute", "lab");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldContain("on h2\n");
    }

    [Fact]
    public async Task Run_WithALocalFolderStoreTheHostsCannotUse_IsRefusedInOneLineNamingTheFix()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        // The sandbox's store folder is this user's; h1's SSH user may see it but not write there.
        var add = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile);
        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldContain("h1 does not see the local store folder");
        sandbox.WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands:
                  - echo hi
            """).Commit();

        var run = await sandbox.DstackAsync("run", "hello", "--compute", "lab");

        run.ExitCode.ShouldBe(1);
        run.StdErr.Trim().ShouldStartWith("Error: The hosts of `lab` cannot reach this machine's local-folder store: use a store they reach, e.g. `dstack config --backend s3");
        run.StdErr.Trim().Split('\n').Length.ShouldBe(1, run.ToString());
        sandbox.StoredRepoFiles().ShouldBeEmpty("nothing was stored");
    }
}
