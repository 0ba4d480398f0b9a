using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// An interruptible <c>nodes: 2</c> run on the real test cluster, requeued as a whole by <c>scontrol requeue</c> of its
/// one Slurm job: both nodes start again as attempt 2, meet at attempt 2's master (not attempt 1's address and port,
/// which are still in the store), restore their own checkpoints and finish every step once.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmNodesRequeueTests
{
    /// <summary>Slurm starts a requeued job again after its BeginTime (about 10 s on 22.05), then both runners meet.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private const string Workflows = """
        workflows:
          - name: train
            provider: bash
            nodes: 2
            commands:
              - sh train.sh
            artifacts:
              - path: checkpoints
                mount: true
            resources:
              interruptible: true
        """;

    /// <summary>4 steps per node, each appended to the node's checkpoints/progress; attempt 1 waits after step 2.</summary>
    private const string TrainScript = """
        mkdir -p checkpoints
        last=$(tail -n 1 checkpoints/progress 2>/dev/null | cut -d' ' -f2)
        last=${last:-0}
        echo "attempt $DSTACK_ATTEMPT resumes after step $last"
        /usr/bin/python3 meet.py || exit 3
        for k in $(seq $((last + 1)) 4); do
          echo "step $k" >> checkpoints/progress
          echo "did step $k"
          if [ "$DSTACK_ATTEMPT" = 1 ] && [ "$k" = 2 ]; then touch "$E2E_SIGNALS/at-2-rank$DSTACK_NODE_RANK"; sleep 600; exit 9; fi
        done
        """;

    /// <summary>The nodes meet at MASTER_ADDR:MASTER_PORT (rank 0 listens, rank 1 connects): only this attempt's master answers.</summary>
    private const string Meet = """
        import os, socket, sys, time
        rank, addr, port = int(os.environ["DSTACK_NODE_RANK"]), os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])
        attempt = os.environ["DSTACK_ATTEMPT"]
        if rank == 0:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("", port))
            s.listen(1)
            s.settimeout(60)
            c, _ = s.accept()
            c.sendall(attempt.encode())
            c.close()
            os.write(1, f"rank 0 met rank 1 in attempt {attempt}\n".encode())
        else:
            deadline = time.time() + 60
            while True:
                try:
                    c = socket.create_connection((addr, port), timeout=5)
                    break
                except OSError:
                    if time.time() > deadline:
                        os.write(1, f"no master at {addr}:{port}\n".encode())
                        sys.exit(3)
                    time.sleep(0.1)
            os.write(1, f"rank 1 met the master of attempt {c.recv(16).decode()} (its own: {attempt})\n".encode())
        """;

    /// <summary>Waits until the live saves of both nodes' checkpoints hold step <paramref name="step"/> (what attempt 2 restores).</summary>
    private static Task SavedThroughStepAsync(Sandbox ada, string run, int step) =>
        Eventually.ReturnsAsync(async () =>
        {
            var (download, dir) = await ada.DownloadAsync(run);
            string Last(string path) => File.Exists(path) ? File.ReadAllLines(path).LastOrDefault() ?? "" : "";
            return download.ExitCode == 0
                && Last(Path.Combine(dir, "checkpoints", "progress")) == $"step {step}"
                && Last(Path.Combine(dir, "rank-1", "checkpoints", "progress")) == $"step {step}";
        }, saved => saved, Deadline, $"both nodes' checkpoints of step {step} to be saved");

    [Fact]
    public async Task InterruptibleTwoNodeRun_RequeuedAsAWhole_MeetsAtAttemptTwosMaster_AndResumesFromEachNodesCheckpoint()
    {
        await SlurmTestCluster.EnsureUpAsync();
        await using var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm");
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(Workflows).WriteFile("train.sh", TrainScript).WriteFile("meet.py", Meet).Commit();

        var run = await ada.RunDetachedAsync("train", "--compute", "cluster");
        await ada.WaitForSignalAsync("at-2-rank0", Deadline);
        await ada.WaitForSignalAsync("at-2-rank1", Deadline);
        var job = await ada.LaunchHandleAsync(run);
        (await SlurmTestCluster.RunAsync($"scontrol show job {job}")).ShouldContain("Requeue=1");
        await SavedThroughStepAsync(ada, run, 2);

        (await SlurmTestCluster.RunAsync($"scontrol requeue {job} && echo requeued")).ShouldContain("requeued");

        var done = await ada.WaitFinishedAsync(run, Deadline);
        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        done.Status.ShouldBe("Done", logs);
        (await ada.LaunchHandleAsync(run)).ShouldBe(job, "the same Slurm job");
        foreach (var node in new[] { "[node 0]", "[node 1]" })
        {
            logs.ShouldContain($"{node} attempt 1 resumes after step 0", Case.Sensitive, logs);
            logs.ShouldContain($"{node} dstack: attempt 2 after requeue (restored checkpoints: 1 file)", Case.Sensitive, logs);
            logs.ShouldContain($"{node} attempt 2 resumes after step 2");
        }
        logs.ShouldContain("[node 0] rank 0 met rank 1 in attempt 2");
        logs.ShouldContain("[node 1] rank 1 met the master of attempt 2 (its own: 2)");
        var (download, dir) = await ada.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        string[] everyStepOnce = ["step 1", "step 2", "step 3", "step 4"];
        File.ReadAllLines(Path.Combine(dir, "checkpoints", "progress")).ShouldBe(everyStepOnce);
        File.ReadAllLines(Path.Combine(dir, "rank-1", "checkpoints", "progress")).ShouldBe(everyStepOnce);
    }
}
