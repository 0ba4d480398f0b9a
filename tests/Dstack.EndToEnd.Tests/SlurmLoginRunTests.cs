using Dstack.Core.Tests.Compute.Slurm;
using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Runs on the real Slurm test cluster through a login host: the SSH test host h2, made a login node by
/// <c>scripts/ssh-hosts/slurm-login.sh</c> (its namespace reaches the controller; the nodes see its <c>~/.dstack</c>, as
/// they would a cluster's shared home). The jobs run as h2's SSH user, with an S3 store.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmLoginRunTests
{
    [Fact]
    public async Task Hello_ThroughALoginHost_StartsTheDstackCopiedThere_OnceForTwoRuns()
    {
        await SlurmTestCluster.EnsureUpAsync();
        var ssh = await SshHosts.GetAsync();
        await SlurmTestCluster.RunAsync(Path.Combine(DstackBinary.RepoRoot, "scripts", "ssh-hosts", "slurm-login.sh"));
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        var user = ssh["h2"].User;
        try
        {
            var add = await ada.DstackAsync("config", "compute", "add", "lc", "--slurm", "--login", "h2", "--ssh-config", ssh.ConfigFile);
            add.ExitCode.ShouldBe(0, add.ToString());
            add.StdErr.ShouldContain("lc/n1: 2 CPUs");
            ada.WithWorkflows("""
                workflows:
                  - name: hello
                    provider: bash
                    commands:
                      - echo "hello from $SLURMD_NODENAME as $(id -un)"
                """).Commit();

            var first = await ada.DstackAsync("run", "hello", "--compute", "lc");

            first.ExitCode.ShouldBe(0, first.ToString());
            first.StdOut.ShouldMatch($@"hello from n[12] as {user}\n");
            var name = Regex.Match(first.StdErr, @"(\S+) submitted").Groups[1].Value;
            var ps = await ada.DstackAsync("ps", name);
            ps.StdOut.ShouldMatch(@"Where:  lc/n[12]\n", ps.ToString());
            ps.StdOut.ShouldContain("done");
            // The batch script (as Slurm keeps it) starts the copy in the login host's dstack home, not this machine's path.
            // Run names are per repo: an earlier test's job may share this one's name; this run's is the newest.
            var id = (await SlurmTestCluster.RunAsync($"squeue -h -t all -n {name} -o %i | sort -n | tail -n 1")).Trim();
            var batch = await SlurmTestCluster.RunAsync($"scontrol write batch_script {id} -");
            var copy = Regex.Match(batch, @"exec '?(/home/[^ ']+/\.dstack/bin/[0-9a-f]{64}/dstack)'? runner").Groups[1].Value;
            copy.ShouldNotBeEmpty(batch);
            batch.ShouldNotContain(DstackBinary.Path);
            var copied = await ssh.RunAsync("h2", $"stat -c %i.%Y {copy}");

            var second = await ada.DstackAsync("run", "hello", "--compute", "lc");

            second.ExitCode.ShouldBe(0, second.ToString());
            second.StdOut.ShouldMatch($@"hello from n[12] as {user}\n");
            // Nothing was copied again: the same file (a copy is a new file renamed into place).
            (await ssh.RunAsync("h2", $"stat -c %i.%Y {copy}")).ShouldBe(copied);
        }
        finally
        {
            // The fixture empties the queue of this machine's user; the login host's user's jobs end here.
            await SlurmTestCluster.RunAsync($"scancel -u {user}; true");
        }
    }
}
