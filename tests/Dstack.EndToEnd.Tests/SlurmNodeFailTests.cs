using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A node's slurmd killed mid-run on the real test cluster: Slurm declares the node down after its SlurmdTimeout (60 s) and
/// ends the job NODE_FAIL; the run fails with that reason. The slurmd is started again whatever happens.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmNodeFailTests
{
    // SlurmdTimeout (60 s) plus slurmctld's ping interval and the readers' poll.
    private static readonly TimeSpan NodeFailDeadline = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task SlurmdOfTheNodeKilledMidRun_FailsTheRun_WithSlurmsNodeFail()
    {
        await SlurmTestCluster.EnsureUpAsync();
        await using var ada = new Sandbox();
        (await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm")).ExitCode.ShouldBe(0);
        ada.WithWorkflows("""
            workflows:
              - name: wait
                provider: bash
                commands:
                  - echo working
                  - sleep 600
            """).Commit();
        var run = await ada.RunDetachedAsync("wait", "--compute", "cluster");
        await ada.WaitForStatusAsync(run, s => s == "Running", TimeSpan.FromSeconds(60));
        var job = await ada.LaunchHandleAsync(run);
        var node = (await SlurmTestCluster.RunAsync($"squeue -h -j {job} -o %N")).Trim();
        node.ShouldMatch("^n[12]$");

        await SlurmNodes.KillSlurmdAsync(node);
        try
        {
            var row = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.IsFinished, NodeFailDeadline, $"{run} to finish after {node}'s slurmd died");

            row.Status.ShouldBe("Failed", row.ToString());
            row.Reason.ShouldBe("slurm: NODE_FAIL");
            (await SlurmTestCluster.RunAsync($"squeue -h -t all -j {job} -o %T")).Trim().ShouldBe("NODE_FAIL");
        }
        finally { await SlurmNodes.RestartSlurmdAsync(node, TimeSpan.FromSeconds(120)); }
    }
}
