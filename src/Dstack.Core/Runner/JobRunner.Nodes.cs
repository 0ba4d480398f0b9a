using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runner;

// A multi-node run's nodes find each other through the store before their commands start, and end together.
public sealed partial class JobRunner
{
    /// <summary>
    /// Every node's address and the master port, agreed before the commands start: each node publishes where it is
    /// reached (rank 0 also a port free on its host), then waits for all the others. Returns the environment that tells
    /// the job, or the job's end when it is stopped or another node ends first. Only this attempt's addresses count: a run
    /// requeued as a whole (Slurm) starts every node again, and the earlier attempt's are stale (other hosts, another port).
    /// </summary>
    private async Task<(Dictionary<string, string>? Env, JobState? Ended)> MeetNodesAsync(JobContext job, CancellationToken ct)
    {
        var spec = job.Spec;
        int? port = spec.Index == 0 ? host.AllocatePorts(1)[0] : null;
        if (!spec.IsMultiNode) return (NodeEnvironment.Of(spec, [host.NodeAddress], port!.Value), null);
        await _runs.PutNodeAsync(job.Run.Repo, job.Run.RunName, spec.Index, new NodeAddress(host.NodeAddress, port, job.Attempt), ct);
        var nodes = new NodeAddress?[spec.Nodes];
        var pause = storage is LocalStorage ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(250);
        while (true)
        {
            for (var rank = 0; rank < nodes.Length; rank++)
                if (nodes[rank] is null && await _runs.GetNodeAsync(job.Run.Repo, job.Run.RunName, rank, ct) is { } node && node.Attempt == job.Attempt)
                    nodes[rank] = node;
            if (nodes.All(n => n is not null) && nodes[0]!.MasterPort is { } master)
            {
                job.Logs.AppendLine($"dstack: node {spec.Index} of {spec.Nodes}; master {nodes[0]!.Address}:{master}");
                return (NodeEnvironment.Of(spec, nodes.Select(n => n!.Address).ToList(), master), null);
            }
            if (await StopRequestedAsync(job, ct) is { } stop) return (null, StoppedBeforeStart(job, stop));
            if (await OtherNodeFailedAsync(job, ct) is { } failure)
                return (null, Finished(job, JobStatus.Failed, TerminationReason.NodeFailed, null, failure));
            await Task.Delay(pause, time, ct);
        }
    }

    /// <summary>The first other node that ended without finishing its work, in words (<c>node 1 (h2): exit code 1</c>); null when none has.</summary>
    private async Task<string?> OtherNodeFailedAsync(JobContext job, CancellationToken ct)
    {
        for (var rank = 0; rank < job.Spec.Nodes; rank++)
        {
            if (rank == job.Spec.Index) continue;
            if (await _runs.GetStateAsync(job.Run.Repo, job.Run.RunName, rank, ct) is { Status: JobStatus.Failed } failed)
                return Runs.NodeFailure.Describe(rank, failed);
        }
        return null;
    }

    /// <summary>While the job runs: another node failing stops this one (gracefully, then killed after the grace period).</summary>
    private async Task CheckOtherNodesAsync(JobContext job, CancellationToken ct)
    {
        if (!job.Spec.IsMultiNode || job.NodeFailure is not null) return;
        string? failure = null;
        await _outage.TryAsync(async () => failure = await OtherNodeFailedAsync(job, ct), ct);
        if (failure is null) return;
        job.Logs.AppendLine($"dstack: {failure}; stopping this node");
        job.NodeFailure = failure;
        job.RequestStop(abort: false);
    }
}
