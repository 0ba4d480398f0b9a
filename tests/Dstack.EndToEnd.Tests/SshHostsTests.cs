using System.Security.Cryptography;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Compute targets of SSH hosts against real sshd hosts (h1, h2: <see cref="SshHosts"/>). One collection: the
/// binary-copy test removes dstack's copy from h1, which no other test may see half-done.
/// </summary>
[Collection("ssh hosts")]
public sealed class SshHostsTests
{
    [Fact]
    public async Task ComputeAdd_ProbesEveryHost_AndListHostsAndRmSeeTheTarget()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        var cpus = (await ssh.RunAsync("h2", "nproc")).Trim();

        var add = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1,h2", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldContain($"h2: {cpus} CPUs, ");
        add.StdErr.ShouldContain("x86_64 Linux (Debian");
        add.StdErr.ShouldContain("OK: compute target 'lab' added: h1, h2");
        File.ReadAllText(Path.Combine(sandbox.Home, "config.yaml")).ShouldContain($"  lab:\n    ssh: h1, h2\n    ssh_config: {ssh.ConfigFile}\n    store_endpoint: {ssh.S3Endpoint}\n");

        var list = await sandbox.DstackAsync("config", "compute", "list");
        var rows = TextTable.Parse(list.StdOut);
        rows.Select(r => r["NAME"]).ShouldBe(["local (default)", "lab"]);
        rows[1]["HOSTS"].ShouldBe("h1,h2");
        rows[1]["SETTINGS"].ShouldContain($"store-endpoint {ssh.S3Endpoint}");

        var hosts = await sandbox.DstackAsync("hosts");
        hosts.ExitCode.ShouldBe(0, hosts.ToString());
        var hostRows = TextTable.Parse(hosts.StdOut);
        hostRows.Select(r => (r["TARGET"], r["HOST"], r["STATUS"])).ShouldBe([("local", Environment.MachineName, "up"), ("lab", "h1", "up"), ("lab", "h2", "up")]);
        hostRows[2]["CPUS"].ShouldBe(cpus);

        (await sandbox.DstackAsync("config", "compute", "default", "lab")).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("config")).StdOut.ShouldContain("compute: local, lab (default)");
        var rm = await sandbox.DstackAsync("config", "compute", "rm", "lab");
        rm.StdErr.ShouldContain("runs go to local by default again");
        TextTable.Parse((await sandbox.DstackAsync("hosts")).StdOut).Select(r => r["TARGET"]).ShouldBe(["local"]);
    }

    [Fact]
    public async Task ComputeAdd_UnreachableHost_FailsInOneLineNamingItAndTheFix_AndSavesNothing()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        var closedPort = $"runner@{ssh["h1"].Address}:2";

        var add = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", $"h1,{closedPort}", "--ssh-config", ssh.ConfigFile);

        add.ExitCode.ShouldBe(1);
        add.StdErr.Trim().ShouldBe($"Error: SSH host {closedPort} is unreachable (Connection refused). " +
                                   $"Check that it is up and that `ssh -F {ssh.ConfigFile} -p 2 runner@{ssh["h1"].Address} true` works from here.");
        File.Exists(Path.Combine(sandbox.Home, "config.yaml")).ShouldBeFalse();
    }

    [Fact]
    public async Task Hosts_AHostThatStoppedAnswering_IsListedUnreachable_WithItsReason()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        File.WriteAllText(Path.Combine(sandbox.Home, "config.yaml"),
            $"backend: local\ncompute:\n  lab:\n    ssh: h1, runner@{ssh["h2"].Address}:2\n    ssh_config: {ssh.ConfigFile}\n");

        var hosts = await sandbox.DstackAsync("hosts", "lab");

        hosts.ExitCode.ShouldBe(0, hosts.ToString());
        TextTable.Parse(hosts.StdOut).Select(r => (r["HOST"], r["STATUS"])).ShouldBe([("h1", "up"), ($"runner@{ssh["h2"].Address}:2", "unreachable")]);
        hosts.StdErr.ShouldContain($"lab/runner@{ssh["h2"].Address}:2: SSH host runner@{ssh["h2"].Address}:2 is unreachable (Connection refused)");
    }

    [Fact]
    public async Task ComputeAdd_HostKeyNotTheKnownOne_SaysHowToReplaceIt()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        // h1 under h2's key: what a reinstalled host (or someone in between) looks like.
        var knownHosts = Path.Combine(sandbox.Root, "known_hosts");
        File.WriteAllText(knownHosts, $"h1,{ssh["h1"].Address} {ssh["h2"].HostKey}\n");
        var config = WriteSshConfig(sandbox, ssh, knownHosts, ssh["h1"].IdentityFile);

        var add = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", config);

        add.ExitCode.ShouldBe(1);
        add.StdErr.Trim().Split('\n').Length.ShouldBe(1, add.StdErr);
        add.StdErr.ShouldStartWith("Error: SSH host h1 presents a host key other than the one in known_hosts");
        add.StdErr.ShouldContain($"ssh-keygen -R h1, then `ssh -F {config} h1 true`");
    }

    [Fact]
    public async Task ComputeAdd_KeyTheHostDoesNotAccept_NamesTheKey()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        var key = Path.Combine(sandbox.Root, "stranger");
        (await Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)).ShouldBe(0);
        var config = WriteSshConfig(sandbox, ssh, ssh.KnownHostsFile, identity: null);

        var add = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", config, "--identity", key);

        add.ExitCode.ShouldBe(1);
        add.StdErr.Trim().ShouldBe($"Error: SSH host h1 does not accept the key {key} (Permission denied). " +
                                   "Add its public key to ~/.ssh/authorized_keys on h1, or give another with --identity FILE.");
    }

    [Fact]
    public async Task ComputeAdd_CopiesDstackToTheHostOncePerVersion()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(DstackBinary.Path)));
        var folder = $".dstack/bin/{hash}";
        await ssh.RunAsync("h1", $"rm -rf {folder}");

        var first = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile);
        first.ExitCode.ShouldBe(0, first.ToString());
        first.StdErr.ShouldContain($"dstack copied to /home/runner/{folder}/dstack");
        (await ssh.RunAsync("h1", $"sha256sum {folder}/dstack")).ShouldStartWith(hash);
        (await ssh.RunAsync("h1", $"ls -A {folder}")).Trim().ShouldBe("dstack");
        var stat = await ssh.RunAsync("h1", $"stat -c '%i %Y.%y' {folder}/dstack");
        // The copy runs there: same architecture, same version.
        var version = (await sandbox.DstackAsync("--version")).StdOut.Trim();
        (await ssh.RunAsync("h1", $"{folder}/dstack --version")).Trim().ShouldBe(version);

        var second = await sandbox.DstackAsync("config", "compute", "add", "lab2", "--ssh", "h1", "--ssh-config", ssh.ConfigFile);
        second.ExitCode.ShouldBe(0, second.ToString());
        second.StdErr.ShouldContain($"dstack already at /home/runner/{folder}/dstack");
        second.StdErr.ShouldNotContain("copied");
        (await ssh.RunAsync("h1", $"stat -c '%i %Y.%y' {folder}/dstack")).ShouldBe(stat);
        (await ssh.RunAsync("h1", $"ls -A {folder}")).Trim().ShouldBe("dstack");
    }

    [Fact]
    public async Task ComputeAdd_LocalStoreTheHostCannotRead_IsAWarningNamingS3()
    {
        var ssh = await SshHosts.GetAsync();
        await using var sandbox = new Sandbox();
        // /tmp is shared with the hosts: a store there that their user may write is visible (no warning); /root is not
        // readable for their user. (A folder they may read but not write is not usable either: SshRunTests.)
        File.SetUnixFileMode(sandbox.Home, (UnixFileMode)0x1FF);
        var visible = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile);
        visible.ExitCode.ShouldBe(0, visible.ToString());
        visible.StdErr.ShouldNotContain("Warning");

        var hidden = Directory.CreateDirectory(Path.Combine("/root", "dstack-e2e-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        try
        {
            sandbox.Env["DSTACK_HOME"] = hidden;
            var add = await sandbox.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1", "--ssh-config", ssh.ConfigFile);
            add.ExitCode.ShouldBe(0, add.ToString());
            add.StdErr.ShouldContain($"Warning: h1 does not see the local store folder {hidden}: runs there need a shared store. Use S3: dstack config --backend s3 --bucket NAME");
            Directory.GetFiles(hidden, ".dstack-probe-*").ShouldBeEmpty();
        }
        finally { Directory.Delete(hidden, recursive: true); }
    }

    private static string WriteSshConfig(Sandbox sandbox, SshHosts ssh, string knownHosts, string? identity)
    {
        var path = Path.Combine(sandbox.Root, "ssh_config");
        File.WriteAllText(path, $"""
            Host h1
              HostName {ssh["h1"].Address}
              User {ssh["h1"].User}
              UserKnownHostsFile {knownHosts}
              GlobalKnownHostsFile /dev/null
              StrictHostKeyChecking yes
              CheckHostIP no
              IdentitiesOnly yes
            {(identity is null ? "" : $"  IdentityFile {identity}")}
            """);
        return path;
    }

    private static async Task<int> Run(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(file, args);
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
