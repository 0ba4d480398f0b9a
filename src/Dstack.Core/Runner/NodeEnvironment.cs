using System.Globalization;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

/// <summary>What every node of a run is told about the others (docs/NODES.md); a single-node run is one node of one.</summary>
public static class NodeEnvironment
{
    /// <param name="addresses">Every node's address, in rank order: the ones the nodes reach each other on.</param>
    public static Dictionary<string, string> Of(JobSpec job, IReadOnlyList<string> addresses, int masterPort)
    {
        static string S(int n) => n.ToString(CultureInfo.InvariantCulture);
        var gpus = job.Resources?.GpuCount ?? 0;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DSTACK_NODE_RANK"] = S(job.Index),
            ["DSTACK_NODES_NUM"] = S(job.Nodes),
            ["DSTACK_MASTER_NODE_IP"] = addresses[0],
            ["DSTACK_NODES_IPS"] = string.Join('\n', addresses),
            ["DSTACK_GPUS_PER_NODE"] = S(gpus),
            ["DSTACK_GPUS_NUM"] = S(gpus * job.Nodes),
            ["MASTER_ADDR"] = addresses[0],
            ["MASTER_PORT"] = S(masterPort),
        };
    }
}
