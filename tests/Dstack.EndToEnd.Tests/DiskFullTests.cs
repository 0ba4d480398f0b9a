using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A full disk is the user's to fix, not a bug: the job fails with "disk full (MOUNT)", commands keep working (or say
/// which disk is full in one line), and no temp or partial file is left behind. The disks are small tmpfs mounts.
/// </summary>
public sealed class DiskFullTests
{
    private const string Workflows = """
        workflows:
          - name: small
            provider: bash
            commands:
              - head -c 1M /dev/urandom > out/a.bin
            artifacts:
              - path: out
          - name: big
            provider: bash
            commands:
              - head -c 8M /dev/urandom > out/b.bin
              - echo "wrote b.bin"
            artifacts:
              - path: out
        """;

    [Fact]
    public async Task AFullStore_FailsTheJobWithDiskFull_LeavesNoTempFiles_AndCommandsStillWork()
    {
        await using var ada = new Sandbox();
        using var blobs = new Tmpfs("4m", Path.Combine(ada.Home, "blobs")); // the store's content, on a disk of its own
        using var cache = new Tmpfs("256k", Path.Combine(ada.Home, "tmp", "cache")); // and ps's cache, on another
        ada.WithWorkflows(Workflows).Commit();
        var small = await ada.RunDoneAsync("small");
        (await ada.PsAsync("-a")).Count.ShouldBe(1);
        var cached = cache.Files();
        cached.ShouldNotBeEmpty("ps cached the finished run");
        cache.Fill();

        var big = await ada.RunDetachedAsync("big");
        var row = await ada.WaitFinishedAsync(big, TimeSpan.FromSeconds(60));
        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe($"disk full ({blobs.Path})");
        var logs = await ada.DstackAsync("logs", big);
        logs.ExitCode.ShouldBe(0, logs.ToString());
        logs.StdOut.ShouldContain("wrote b.bin\n");
        logs.StdOut.ShouldContain($"dstack: saving artifacts failed: Disk full ({blobs.Path}): free some space there and try again.\n");
        TempFiles(ada.Home).ShouldBeEmpty();

        // Full to the last byte: what reads still works; what writes says which disk is full, in one line.
        blobs.Fill();
        (await ada.PsAsync("-a")).Select(r => (r.Run, r.Status)).ShouldBe([(big, "Failed"), (small, "Done")]);
        cache.Files().ShouldBe(cached, "a cache that cannot be rewritten leaves no temp file");
        (await ada.DstackAsync("logs", small)).ExitCode.ShouldBe(0);
        File.WriteAllText(Path.Combine(ada.Repo, "notes.txt"), "new content, a new blob\n");
        (await ada.DstackAsync("run", "small")).ShouldBeOneErrorLine($"Error: Disk full ({blobs.Path}): free some space there and try again.");
        (await ada.DstackAsync("stop", "-y", big)).ExitCode.ShouldBe(0, "stopping a finished run writes nothing");
        TempFiles(ada.Home).ShouldBeEmpty();
        blobs.Files().Where(f => f.StartsWith("taken", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task DownloadOntoAFullDisk_FailsWithDiskFull_AndLeavesNoPartialFiles()
    {
        await using var ada = new Sandbox();
        ada.WithWorkflows(Workflows).Commit();
        var small = await ada.RunDoneAsync("small");
        using var target = new Tmpfs("512k");

        var download = await ada.DstackAsync("artifacts", "download", "-o", target.Path, small);

        download.ShouldBeOneErrorLine($"Error: Disk full ({target.Path}): free some space there and try again.");
        target.Files().Where(f => f.EndsWith(".dstack-partial", StringComparison.Ordinal)).ShouldBeEmpty();
        target.Files().ShouldBeEmpty("the one file did not fit");
    }

    private static IReadOnlyList<string> TempFiles(string home) =>
        Directory.EnumerateFiles(home, "*.tmp~", SearchOption.AllDirectories).ToList();
}
