using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary><c>dstack run</c> ships the working tree as it is at submit time, and only that.</summary>
public sealed class RepoCaptureTests
{
    [Fact]
    public async Task Run_UncommittedEditsMadeBeforeTheRun_AreInTheJob()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: show
                provider: bash
                commands:
                  - echo "data=$(cat data.txt)"
                  - if [ -e old.txt ]; then echo "old.txt present"; else echo "old.txt absent"; fi
            """).WriteFile("data.txt", "committed").WriteFile("old.txt", "old").Commit();
        sandbox.WriteFile("data.txt", "edited");
        File.Delete(Path.Combine(sandbox.Repo, "old.txt"));

        var result = await sandbox.DstackAsync("run", "show");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldContain("data=edited\n");
        result.StdOut.ShouldContain("old.txt absent\n");
    }

    [Fact]
    public async Task Run_EditsMadeAfterSubmitting_NeverReachTheJob()
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: slow
                provider: bash
                commands:
                  - echo "before=$(cat data.txt) pwd=$PWD"
                  - {Sandbox.SendSignal("started")}
                  - {Sandbox.AwaitSignal("go")}
                  - echo "after=$(cat data.txt) new=$(cat new.txt 2>/dev/null || echo none)"
            """).WriteFile("data.txt", "v1").Commit();

        var run = await sandbox.RunDetachedAsync("slow");
        sandbox.WriteFile("data.txt", "v2").WriteFile("new.txt", "sneaked in");
        await sandbox.WaitForSignalAsync("started");
        sandbox.WriteFile("data.txt", "v3").Commit("later work");
        sandbox.Raise("go");
        var row = await sandbox.WaitFinishedAsync(run);
        var logs = await sandbox.DstackAsync("logs", run);

        row.Status.ShouldBe("Done", row.ToString());
        logs.StdOut.ShouldContain("before=v1 ");
        logs.StdOut.ShouldContain("after=v1 new=none\n");
        logs.StdOut.ShouldContain($"pwd={Path.Combine(sandbox.Home, "tmp", "work")}");
    }

    [Fact]
    public async Task Run_UntrackedFiles_AreInTheJob_ButIgnoredFilesAreNot()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: list
                provider: bash
                commands:
                  - for f in untracked.txt sub/new.py model.ckpt cache/big.bin; do if [ -e $f ]; then echo "present $f"; else echo "absent $f"; fi; done
            """).WriteFile(".gitignore", "*.ckpt\ncache/\n").Commit();
        sandbox.WriteFile("untracked.txt", "u").WriteFile("sub/new.py", "print()")
            .WriteFile("model.ckpt", "weights").WriteFile("cache/big.bin", "bytes");

        var result = await sandbox.DstackAsync("run", "list");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldContain("present untracked.txt\n");
        result.StdOut.ShouldContain("present sub/new.py\n");
        result.StdOut.ShouldContain("absent model.ckpt\n");
        result.StdOut.ShouldContain("absent cache/big.bin\n");
    }

    [Fact]
    public async Task Run_PathsInDstackignore_StayOutOfTheSnapshot_TrackedOrNot()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: list
                provider: bash
                commands:
                  - for f in src/train.py data/raw.bin data/new.bin ckpt/model.pt notes.pt; do if [ -e $f ]; then echo "present $f"; else echo "absent $f"; fi; done
            """).WriteFile(".dstackignore", "data/\n*.pt\n").WriteFile("src/train.py", "print()")
            .WriteFile("data/raw.bin", "tracked bytes").WriteFile("ckpt/model.pt", "weights").Commit();
        sandbox.WriteFile("data/new.bin", "untracked bytes").WriteFile("notes.pt", "untracked");

        var result = await sandbox.DstackAsync("run", "list");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldContain("present src/train.py\n");
        result.StdOut.ShouldContain("absent data/raw.bin\n");
        result.StdOut.ShouldContain("absent data/new.bin\n");
        result.StdOut.ShouldContain("absent ckpt/model.pt\n");
        result.StdOut.ShouldContain("absent notes.pt\n");
    }

    [Fact]
    public async Task Run_SnapshotOfManyFiles_SaysOnceWhatIsBigAndHowToLeaveItOut()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands:
                  - echo hello
            """).WriteFile("src/train.py", "print()").Commit();
        var small = await sandbox.DstackAsync("run", "hello");
        for (var i = 0; i < 10_001; i++) sandbox.WriteFile($"frames/{i % 10}/{i}.txt", "x");

        var big = await sandbox.DstackAsync("run", "hello");

        small.ExitCode.ShouldBe(0, small.ToString());
        small.StdErr.ShouldNotContain(".dstackignore");
        big.ExitCode.ShouldBe(0, big.ToString());
        var notes = big.StdErr.Split('\n').Where(l => l.Contains(".dstackignore")).ToList();
        notes.Count.ShouldBe(1, big.StdErr);
        notes[0].ShouldContain("10,003 files");
        notes[0].ShouldContain("frames/ 10,001 files");
    }
}
