using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>`dstack config compute` without touching a host: what is refused, and targets surviving a change of store.</summary>
public sealed class ComputeConfigTests
{
    private const string LabBlock = "default_compute: lab\ncompute:\n  lab:\n    ssh: h1, h2\n    store_endpoint: http://10.210.0.1:7480\n";

    [Fact]
    public async Task ChangingTheStore_KeepsTheComputeTargets()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var sandbox = S3Bucket.WithCredentials(new Sandbox());
        var file = Path.Combine(sandbox.Home, "config.yaml");
        File.WriteAllText(file, "backend: local\n" + LabBlock);

        var s3 = await sandbox.DstackAsync(bucket.ConfigArgs("-y"));
        s3.ExitCode.ShouldBe(0, s3.ToString());
        File.ReadAllText(file).ShouldContain($"bucket: {bucket.Name}\n");
        File.ReadAllText(file).ShouldEndWith(LabBlock);

        (await sandbox.DstackAsync("config", "--backend", "local")).ExitCode.ShouldBe(0);
        File.ReadAllText(file).ShouldEndWith("backend: local\n" + LabBlock);
        (await sandbox.DstackAsync("config")).StdOut.ShouldContain("compute: local, lab (default)\n");
    }

    [Fact]
    public async Task LocalIsBuiltIn_AndUnknownNamesListTheTargets()
    {
        await using var sandbox = new Sandbox();

        var add = await sandbox.DstackAsync("config", "compute", "add", "local", "--ssh", "h1");
        add.ExitCode.ShouldBe(1);
        add.StdErr.ShouldBe("Error: 'local' (this machine) is built in: it cannot be added or removed. Choose another name, like 'lab'.\n");

        var rm = await sandbox.DstackAsync("config", "compute", "rm", "lab");
        rm.StdErr.ShouldBe("Error: No compute target 'lab'. Targets: local. Add one with `dstack config compute add NAME --ssh HOST`.\n");

        var noHosts = await sandbox.DstackAsync("config", "compute", "add", "lab");
        noHosts.StdErr.ShouldBe("Error: Say where target 'lab' runs: dstack config compute add lab --ssh HOST[,HOST…], or --slurm for a Slurm cluster\n");

        var hosts = await sandbox.DstackAsync("hosts", "lab");
        hosts.ExitCode.ShouldBe(1);
        hosts.StdErr.ShouldContain("No compute target 'lab'");
    }
}
