using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Content a save in progress stores is not referenced until the save publishes it; <c>gc</c>, whatever its age cut-off,
/// never takes it (the writer holds a lease in the store meanwhile).
/// </summary>
public sealed class GcDuringSavesTests
{
    /// <summary>
    /// <c>train</c> writes a new checkpoint every 50 ms into a <c>mount: true</c> folder, each with unique content, until
    /// "enough"; then prints how many it wrote.
    /// </summary>
    private static readonly string Checkpoints = $$"""
        workflows:
          - name: train
            provider: bash
            commands:
              - i=0; until [ -e "$E2E_SIGNALS/enough" ]; do i=$((i+1)); echo "weights $i of $RUN_NAME" > checkpoints/epoch-$i.pt; sleep 0.05; done; echo "wrote $i"
            artifacts:
              - path: checkpoints
                mount: true
        """;

    [Fact]
    public async Task GcOlderThanZero_Repeatedly_DuringAMountedSave_LeavesTheDoneRunComplete()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Checkpoints).Commit();
        var run = await sandbox.RunDetachedAsync("train");

        await sandbox.WaitForStatusAsync(run, s => s == "Running");

        for (var collections = 0; collections < 10; collections++)
        {
            var gc = await sandbox.DstackAsync("gc", "--older-than", "0s");
            gc.ExitCode.ShouldBe(0, gc.ToString());
        }
        sandbox.Raise("enough");
        while (!(await sandbox.RowAsync(run)).IsFinished)
            (await sandbox.DstackAsync("gc", "--older-than", "0s")).ExitCode.ShouldBe(0); // through the final save too

        (await sandbox.RowAsync(run)).Status.ShouldBe("Done");
        var files = int.Parse((await sandbox.DstackAsync("logs", run)).StdOut.Trim().Split(' ')[^1]);
        files.ShouldBeGreaterThan(10);
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        Directory.GetFiles(Path.Combine(dir, "checkpoints")).Length.ShouldBe(files);
        for (var i = 1; i <= files; i++)
            File.ReadAllText(Path.Combine(dir, "checkpoints", $"epoch-{i}.pt")).ShouldBe($"weights {i} of {run}\n");
        var leases = Path.Combine(sandbox.Home, "writers");
        (Directory.Exists(leases) ? Directory.GetFiles(leases) : []).ShouldBeEmpty("every save released its lease");
    }
}
