using Dstack.Core.Tests.Compute.Slurm;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A node's slurmd of the test cluster (<c>scripts/slurm/slurm-up.sh</c>): killed to make a node fail, and started again
/// the way the script starts it (its own network namespace in <c>SLURM_MODE=netns</c>), then the node resumed until idle.
/// </summary>
public static class SlurmNodes
{
    private const string Root = "/tmp/slurm";

    /// <summary>SIGKILL to the slurmd of <paramref name="node"/> (its job's processes live on, as on a real node whose daemon died).</summary>
    public static Task KillSlurmdAsync(string node) =>
        SlurmTestCluster.RunAsync($"kill -KILL \"$(cat {Root}/run/slurmd-{node}.pid)\"");

    /// <summary>Starts the slurmd of <paramref name="node"/> again and waits until Slurm has it idle (resumed when it stays down).</summary>
    public static async Task RestartSlurmdAsync(string node, TimeSpan deadline)
    {
        // Started only when not running (a zombie the late reaper keeps does not count), as slurm-up.sh checks it.
        await SlurmTestCluster.RunAsync(
            $"p=$(cat {Root}/run/slurmd-{node}.pid 2>/dev/null); " +
            $"if [ -n \"$p\" ] && [ \"$(cat /proc/$p/comm 2>/dev/null)\" = slurmd ] && ! grep -q '^State:[[:space:]]*Z' /proc/$p/status; then :; " +
            $"elif [ -e /run/netns/slurm-{node} ] && grep -q '^NodeName={node} NodeAddr=10\\.' /etc/slurm/slurm.conf; " +
            $"then nsenter --net=/run/netns/slurm-{node} slurmd -N {node}; else slurmd -N {node}; fi </dev/null >/dev/null 2>&1");
        await Eventually.ReturnsAsync(async () =>
        {
            var state = (await SlurmTestCluster.RunAsync($"sinfo -h -N -n {node} -o %t")).Trim();
            if (state.StartsWith("down", StringComparison.Ordinal) || state.StartsWith("drain", StringComparison.Ordinal) || state.StartsWith("fail", StringComparison.Ordinal))
                await SlurmTestCluster.RunAsync($"scontrol update nodename={node} state=resume 2>/dev/null; true");
            return state;
        }, s => s == "idle", deadline, $"node {node} idle again");
    }
}
