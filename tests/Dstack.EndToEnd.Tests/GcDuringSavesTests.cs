using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Content a save in progress stores is not referenced until the save publishes it; <c>gc</c>, whatever its age cut-off,
/// never takes it (the writer holds a lease in the store meanwhile).
/// </summary>
public sealed class GcDuringSavesTests
{
    /// <summary>
    /// <c>train</c> writes a new small checkpoint and a new 64 MB one (replacing the previous) twice a second into a
    /// <c>mount: true</c> folder, each with unique content, until "enough"; then prints how many it wrote. While a save
    /// stores the big file, the small one it stored just before is referenced by nothing yet.
    /// </summary>
    private static readonly string Checkpoints = $$"""
        workflows:
          - name: train
            provider: bash
            commands:
              - i=0; until [ -e "$E2E_SIGNALS/enough" ]; do i=$((i+1)); echo "weights $i of $RUN_NAME" > checkpoints/a-$i.pt; rm -f checkpoints/z-*; { echo $i; head -c 64M /dev/zero; } > checkpoints/z-$i.bin; [ $i -lt 5 ] || touch "$E2E_SIGNALS/five"; sleep 0.4; done; echo "wrote $i"
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

        // At least ten collections, and on until the job has written five checkpoints (so several saves overlap a gc).
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        for (var collections = 0; collections < 10 || !File.Exists(Path.Combine(sandbox.Signals, "five")); collections++)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the job writes five checkpoints within 2 minutes");
            var gc = await sandbox.DstackAsync("gc", "--older-than", "0s");
            gc.ExitCode.ShouldBe(0, gc.ToString());
        }
        sandbox.Raise("enough");
        while (!(await sandbox.RowAsync(run)).IsFinished)
            (await sandbox.DstackAsync("gc", "--older-than", "0s")).ExitCode.ShouldBe(0); // through the final save too

        var row = await sandbox.RowAsync(run);
        row.Status.ShouldBe("Done", row.ToString());
        var files = int.Parse((await sandbox.DstackAsync("logs", run)).StdOut.Trim().Split(' ')[^1]);
        files.ShouldBeGreaterThanOrEqualTo(5);
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        Directory.GetFiles(Path.Combine(dir, "checkpoints")).Length.ShouldBe(files + 1);
        new FileInfo(Path.Combine(dir, "checkpoints", $"z-{files}.bin")).Length.ShouldBe((64L << 20) + $"{files}\n".Length);
        for (var i = 1; i <= files; i++)
            File.ReadAllText(Path.Combine(dir, "checkpoints", $"a-{i}.pt")).ShouldBe($"weights {i} of {run}\n");
        var leases = Path.Combine(sandbox.Home, "writers");
        (Directory.Exists(leases) ? Directory.GetFiles(leases) : []).ShouldBeEmpty("every save released its lease");
    }
}
