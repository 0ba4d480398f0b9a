using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// How long stored content lives: <c>dstack rm</c> reclaims what only the removed run used, never what a tag
/// or another run points at; <c>dstack gc</c> reclaims whatever nothing references.
/// </summary>
public sealed class GcTests
{
    /// <summary><c>unique</c> saves content no other run has; <c>common</c> saves the same bytes every time.</summary>
    private const string Outputs = """
        workflows:
          - name: unique
            provider: bash
            commands:
              - echo "made by $RUN_NAME" > out/who.txt
            artifacts: [out]
          - name: common
            provider: bash
            commands:
              - echo "the same in every run" > out/same.txt
            artifacts: [out]
        """;

    [Fact]
    public async Task Rm_ReclaimsTheContentOnlyTheRemovedRunUsed()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Outputs).Commit();
        var run = await sandbox.RunDoneAsync("unique");
        sandbox.HasBlob($"made by {run}\n").ShouldBeTrue();

        var rm = await sandbox.DstackAsync("rm", "-y", run);

        rm.ExitCode.ShouldBe(0, rm.ToString());
        rm.StdErr.ShouldContain("Reclaimed ");
        sandbox.HasBlob($"made by {run}\n").ShouldBeFalse();
        Directory.Exists(sandbox.RunDir(run)).ShouldBeFalse();
    }

    [Fact]
    public async Task Rm_KeepsContentAnotherRunStillUses()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Outputs).Commit();
        var first = await sandbox.RunDoneAsync("common");
        var second = await sandbox.RunDoneAsync("common");

        (await sandbox.DstackAsync("rm", "-y", first)).ExitCode.ShouldBe(0);

        sandbox.HasBlob("the same in every run\n").ShouldBeTrue();
        var (download, dir) = await sandbox.DownloadAsync(second);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "out", "same.txt")).ShouldBe("the same in every run\n");
    }

    [Fact]
    public async Task Rm_OfATaggedRun_KeepsWhatTheTagPointsAt()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Outputs).Commit();
        var run = await sandbox.RunDoneAsync("-t", "best", "unique");
        var listed = await sandbox.ArtifactsAsync(":best");

        var rm = await sandbox.DstackAsync("rm", "-y", run);

        rm.ExitCode.ShouldBe(0, rm.ToString());
        (await sandbox.ArtifactsAsync(":best")).ShouldBe(listed);
        var (download, dir) = await sandbox.DownloadAsync(":best");
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["out/", $"out/who.txt 644 \"made by {run}\n\""]);
        (await sandbox.TagSummariesAsync()).ShouldBe([$"best {run} out"]);
    }

    [Fact]
    public async Task Gc_AfterTagsDelete_ReclaimsWhatNothingReferences_AndKeepsTheRest()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Outputs).Commit();
        var tagged = await sandbox.RunDoneAsync("-t", "best", "unique");
        (await sandbox.DstackAsync("rm", "-y", tagged)).ExitCode.ShouldBe(0);
        var kept = await sandbox.RunDoneAsync("common");
        sandbox.HasBlob($"made by {tagged}\n").ShouldBeTrue("the tag still points at it");
        (await sandbox.DstackAsync("tags", "delete", "-y", "best")).ExitCode.ShouldBe(0);

        var gc = await sandbox.DstackAsync("gc", "--older-than", "0s");

        gc.ExitCode.ShouldBe(0, gc.ToString());
        gc.StdErr.ShouldMatch(@"^Removed [1-9]\d* blob\(s\) and [1-9]\d* manifest\(s\) that nothing references\.\n$");
        sandbox.HasBlob($"made by {tagged}\n").ShouldBeFalse();
        sandbox.HasBlob("the same in every run\n").ShouldBeTrue();
        var (download, dir) = await sandbox.DownloadAsync(kept);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "out", "same.txt")).ShouldBe("the same in every run\n");
        (await sandbox.DstackAsync("run", "common")).ExitCode.ShouldBe(0, "the code snapshot of the repo survives a gc too");
    }

    [Fact]
    public async Task Gc_ByDefault_KeepsRecentContent_SoThatSavesInProgressAreNeverCut()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Outputs).Commit();
        var run = await sandbox.RunDoneAsync("-t", "best", "unique");
        (await sandbox.DstackAsync("rm", "-y", run)).ExitCode.ShouldBe(0);
        (await sandbox.DstackAsync("tags", "delete", "-y", "best")).ExitCode.ShouldBe(0);

        var gc = await sandbox.DstackAsync("gc");

        gc.ExitCode.ShouldBe(0, gc.ToString());
        gc.StdErr.ShouldBe("Removed 0 blob(s) and 0 manifest(s) that nothing references.\n");
        sandbox.HasBlob($"made by {run}\n").ShouldBeTrue("content younger than 10 minutes is kept");
    }

    [Fact]
    public async Task Rm_WhileAnUploadReusesTheRunsContent_KeepsThatContent()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: prepare
                provider: bash
                commands:
                  - echo "shared dataset" > out/rows.txt
                artifacts: [out]
            """).Commit();
        var run = await sandbox.RunDoneAsync("prepare");
        sandbox.WriteOutside("upload/shared/rows.txt", "shared dataset\n");
        var bigFile = sandbox.WriteOutside("upload/big/weights.bin", "big " + Guid.NewGuid());
        using (var stream = new FileStream(bigFile, FileMode.Append)) stream.SetLength(256L << 20);
        // Folders are uploaded in order: once the big one is being read, 'shared' is stored (its content found already there).
        await using var add = sandbox.StartLive(["tags", "add", "inputs", "-a", Path.Combine(sandbox.Root, "upload", "shared"), "-a", Path.GetDirectoryName(bigFile)!]);
        add.CloseInput();
        await OpenFiles.WaitUntilOpenAsync(add, bigFile);
        Processes.Signal(add.Pid, "STOP");

        CliResult rm;
        try { rm = await sandbox.DstackAsync("rm", "-y", run); }
        finally { Processes.Signal(add.Pid, "CONT"); }
        var added = await add.WaitForExitAsync(TimeSpan.FromSeconds(60));

        rm.ExitCode.ShouldBe(0, rm.ToString());
        added.ExitCode.ShouldBe(0, added.ToString());
        sandbox.HasBlob("shared dataset\n").ShouldBeTrue("the tag being added uses that content");
        var (download, dir) = await sandbox.DownloadAsync(":inputs");
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "shared", "rows.txt")).ShouldBe("shared dataset\n");
    }
}
