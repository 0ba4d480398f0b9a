using System.Text;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>artifacts:</c> folders, saved when a job ends, and <c>dstack artifacts list / download</c>.
/// Live (<c>mount: true</c>) saves are in <see cref="LiveArtifactsTests"/>.
/// </summary>
public sealed class ArtifactsTests
{
    [Fact]
    public async Task Artifacts_EachFolderExistsEmptyBeforeTheCommands_EvenWhereTheRepoHasFilesThere()
    {
        await using var sandbox = new Sandbox().WriteFile("output/stale.txt", "from the repo");
        var cache = Path.Combine(sandbox.Root, "cache", "models");
        sandbox.WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - test -d output && test -z "$(ls -A output)" && echo "output empty"
                  - test -d {cache} && test -z "$(ls -A {cache})" && echo "cache empty"
                  - echo weights > output/model.txt
                  - echo shared > {cache}/base.bin
                artifacts:
                  - path: output
                  - path: {cache}
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("output empty\ncache empty\n");
        var rows = await sandbox.ArtifactsAsync(result.SubmittedRun);
        rows.ShouldBe([new ArtifactRow(cache, "base.bin", "7B"), new ArtifactRow("output", "model.txt", "8B")], ignoreOrder: true);
        var (download, dir) = await sandbox.DownloadAsync(result.SubmittedRun);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "output", "model.txt")).ShouldBe("weights\n");
        File.ReadAllText(Path.Combine(dir, cache.TrimStart('/'), "base.bin")).ShouldBe("shared\n", "an absolute artifact lands under DIR without its leading '/'");
    }

    [Fact]
    public async Task Save_FilesOfFoldersOutsideTheWorkingCopy_StayWhereTheyAre()
    {
        // A finished job's own files move into the store; a cache folder's, or those of a folder the job linked an
        // output to, are the user's and are copied.
        await using var sandbox = new Sandbox();
        var cache = Path.Combine(sandbox.Root, "cache");
        var data = Directory.CreateDirectory(Path.Combine(sandbox.Root, "datasets")).FullName;
        sandbox.WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo shared > {cache}/base.bin
                  - rmdir linked && ln -s {data} linked && echo rows > linked/rows.csv
                  - echo weights > output/model.txt
                artifacts:
                  - path: {cache}
                  - path: linked
                  - path: output
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(0, result.ToString());
        File.ReadAllText(Path.Combine(cache, "base.bin")).ShouldBe("shared\n");
        File.ReadAllText(Path.Combine(data, "rows.csv")).ShouldBe("rows\n");
        (await sandbox.ArtifactsAsync(result.SubmittedRun)).Select(r => r.File).ShouldBe(["base.bin", "rows.csv", "model.txt"], ignoreOrder: true);
    }

    [Fact]
    public async Task Artifacts_KeepEmptyFilesEmptyFoldersNestingModesAndLinks_WithoutFollowingLinksOutOfTheFolder()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: build
                provider: bash
                commands:
                  - mkdir -p secret out/empty-dir out/nested/deeper
                  - echo "secret outside the artifact" > secret/key.txt
                  - touch out/empty.txt
                  - printf 'hello' > out/nested/deeper/note.txt
                  - printf '#!/bin/sh\necho hi\n' > out/tool.sh && chmod 750 out/tool.sh
                  - ln -s nested/deeper/note.txt out/inner-link
                  - ln -s ../secret out/escape
                  - ln -s . out/nested/self
                artifacts:
                  - out
            """).Commit();
        var run = await sandbox.RunDoneAsync("build");

        var list = await sandbox.DstackAsync("artifacts", "list", run);

        list.ExitCode.ShouldBe(0, list.ToString());
        list.StdOut.ShouldBe("""
            ARTIFACT  FILE                                  SIZE
            out       empty-dir/
                      empty.txt                             0B
                      escape -> ../secret
                      inner-link -> nested/deeper/note.txt
                      nested/deeper/note.txt                5B
                      nested/self -> .
                      tool.sh                               18B

            """);
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(Path.Combine(dir, "out")).ShouldBe([
            "empty-dir/",
            "empty.txt 644 \"\"",
            "escape -> ../secret",
            "inner-link -> nested/deeper/note.txt",
            "nested/",
            "nested/deeper/",
            "nested/deeper/note.txt 644 \"hello\"",
            "nested/self -> .",
            "tool.sh 750 \"#!/bin/sh\necho hi\n\"",
        ]);
        Directory.Exists(Path.Combine(dir, "secret")).ShouldBeFalse();
        sandbox.HasBlob("secret outside the artifact\n").ShouldBeFalse("a link out of the folder is stored as a link, never followed");
    }

    [Fact]
    public async Task Artifacts_AreSavedWhenTheJobFails()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: crash
                provider: bash
                commands:
                  - echo "epoch 1" > out/progress.txt
                  - exit 3
                artifacts: [out]
            """).Commit();

        var result = await sandbox.DstackAsync("run", "crash");

        result.ExitCode.ShouldBe(3, result.ToString());
        (await sandbox.RowAsync(result.SubmittedRun)).Status.ShouldBe("Failed");
        (await sandbox.ArtifactsAsync(result.SubmittedRun)).ShouldBe([new ArtifactRow("out", "progress.txt", "8B")]);
    }

    [Fact]
    public async Task Artifacts_AreSavedWhenTheJobIsStoppedGracefully_WithWhatItsTermTrapWrote()
    {
        await using var sandbox = new Sandbox().WithWorkflows($$"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - |
                    trap 'echo "final" > out/on-term.txt; exit 0' TERM
                    echo "epoch 1" > out/progress.txt
                    touch "$E2E_SIGNALS/started"
                    while true; do sleep 0.1; done
                artifacts: [out]
            """).Commit();
        var run = await sandbox.RunDetachedAsync("train");
        await sandbox.WaitForSignalAsync("started");

        var stop = await sandbox.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        (await sandbox.ArtifactsAsync(run)).ShouldBe([new ArtifactRow("out", "on-term.txt", "6B"), new ArtifactRow("out", "progress.txt", "8B")]);
    }

    [Fact]
    public async Task Artifacts_StopAbort_SavesNothing()
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo "epoch 1" > out/progress.txt
                  - {Sandbox.SendSignal("started")}
                  - {Sandbox.AwaitSignal("go")}
                artifacts: [out]
            """).Commit();
        var run = await sandbox.RunDetachedAsync("train");
        await sandbox.WaitForSignalAsync("started");

        var stop = await sandbox.DstackAsync("stop", "-x", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Aborted");
        (await sandbox.ArtifactsAsync(run)).ShouldBeEmpty();
        sandbox.HasBlob("epoch 1\n").ShouldBeFalse("an aborted job's output is not stored");
        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ShouldBeOneErrorLine($"Error: '{run}' has no artifacts to download.");
        Directory.Exists(dir).ShouldBeFalse("a refused download writes nothing");
    }

    [Fact]
    public async Task Store_AProcessThatOutlivesTheJobAndWritesToASavedFile_DoesNotChangeTheSavedContent()
    {
        // setsid takes the writer out of the job's process group, so ending the job does not end it (a detached
        // container writing to a bind mount does the same). It keeps the file open and writes after the save.
        // The job ends only once the writer has left its group: until then, the job's end would stop it too.
        await using var sandbox = new Sandbox().WithWorkflows($$"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo "checkpoint v1" > out/model.txt
                  - |
                    setsid bash -c 'exec 3>>out/model.txt; {{Sandbox.SendSignal("detached")}}
                      for i in $(seq 600); do [ -e "$E2E_SIGNALS/write" ] && break; sleep 0.05; done
                      echo "written after the save" >&3; touch "$E2E_SIGNALS/written"' </dev/null >/dev/null 2>&1 &
                  - {{Sandbox.AwaitSignal("detached")}}
                artifacts: [out]
            """).Commit();
        var run = await sandbox.RunDoneAsync("train");

        sandbox.Raise("write");
        await sandbox.WaitForSignalAsync("written");

        var (download, dir) = await sandbox.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "out", "model.txt")).ShouldBe("checkpoint v1\n");
        File.ReadAllText(sandbox.BlobPath("checkpoint v1\n")).ShouldBe("checkpoint v1\n", "a blob always holds the content its name hashes");
    }

    [Fact]
    public async Task Store_KeepsIdenticalFilesOnceAcrossRuns_EachUnderTheHashOfItsContent()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: build
                provider: bash
                commands:
                  - for i in 1 2 3; do echo "the same bytes" > out/copy-$i.txt; done
                  - echo "made by $RUN_NAME" > out/who.txt
                artifacts: [out]
            """).Commit();
        await sandbox.RunDoneAsync("build");
        var afterFirst = sandbox.BlobHashes();

        var second = await sandbox.RunDoneAsync("build");

        sandbox.BlobHashes().Except(afterFirst).ShouldBe([Sandbox.Sha256(Encoding.UTF8.GetBytes($"made by {second}\n"))],
            "the second run adds only the one file whose content is new");
        sandbox.HasBlob("the same bytes\n").ShouldBeTrue();
        foreach (var blob in Directory.GetFiles(sandbox.BlobsDir, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(blob);
            Sandbox.Sha256(File.ReadAllBytes(blob)).ShouldBe(name, $"{blob} holds the content its name hashes");
            Path.GetFileName(Path.GetDirectoryName(blob)).ShouldBe(name[..2]);
        }
        Directory.GetFiles(sandbox.Home, "*.tmp~", SearchOption.AllDirectories).ShouldBeEmpty("every write was completed by a rename");
        var (download, dir) = await sandbox.DownloadAsync(second);
        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "out", "copy-3.txt")).ShouldBe("the same bytes\n");
    }

    [Fact]
    public async Task Download_Again_SkipsFilesThatAreAlreadyIdentical()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflow).Commit();
        var run = await sandbox.RunDoneAsync("data");
        var (first, dir) = await sandbox.DownloadAsync(run);
        first.ExitCode.ShouldBe(0, first.ToString());
        first.StdErr.ShouldContain("Downloaded 2 file(s)");

        var (again, _) = await sandbox.DownloadAsync(run, dir);

        again.ExitCode.ShouldBe(0, again.ToString());
        again.StdErr.ShouldContain("Downloaded 0 file(s)");
        again.StdErr.ShouldContain("(2 already up to date)");
        FileTree.Describe(dir).ShouldBe(["data/", "data/a.txt 644 \"alpha\n\"", "data/b.txt 644 \"beta\n\""]);
    }

    [Fact]
    public async Task Download_RefusesToOverwriteADifferentLocalFile_AndWritesNothing_UnlessForced()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflow).Commit();
        var run = await sandbox.RunDoneAsync("data");
        var dir = Path.Combine(sandbox.Root, "local");
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        File.WriteAllText(Path.Combine(dir, "data", "a.txt"), "my own edit\n");

        var (refused, _) = await sandbox.DownloadAsync(run, dir);

        refused.ShouldBeOneErrorLine(
            "Error: 1 local file(s) differ from the artifacts, e.g. data/a.txt; nothing was written. Use --force to overwrite them.");
        FileTree.Describe(dir).ShouldBe(["data/", "data/a.txt 644 \"my own edit\n\""], "nothing was written, not even the missing b.txt");

        var (forced, _) = await sandbox.DownloadAsync(run, dir, "--force");

        forced.ExitCode.ShouldBe(0, forced.ToString());
        FileTree.Describe(dir).ShouldBe(["data/", "data/a.txt 644 \"alpha\n\"", "data/b.txt 644 \"beta\n\""]);
    }

    [Fact]
    public async Task Download_WithoutOutputFolder_WritesIntoTheCurrentFolder()
    {
        await using var sandbox = new Sandbox().WithWorkflows(DataWorkflow).Commit();
        var run = await sandbox.RunDoneAsync("data");
        var cwd = Path.Combine(sandbox.Repo, "notebooks");
        Directory.CreateDirectory(cwd);

        var download = await sandbox.DstackAsync(["artifacts", "download", run], cwd: cwd);

        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(cwd).ShouldBe(["data/", "data/a.txt 644 \"alpha\n\"", "data/b.txt 644 \"beta\n\""]);
    }

    [Fact]
    public async Task Download_RunWithoutArtifacts_IsAClearError()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDoneAsync("hello");

        var (download, dir) = await sandbox.DownloadAsync(run);

        download.ShouldBeOneErrorLine($"Error: '{run}' has no artifacts to download.");
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Fact]
    public async Task Run_ArtifactPathEscapingWithDotDot_IsRefusedAtLoad_AndNothingRuns()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                commands: [echo train]
                artifacts:
                  - path: ../outside
            """).Commit();

        var result = await sandbox.DstackAsync("run", "train");

        result.ShouldBeOneErrorLine("Error: .dstack/workflows.yaml:6:15: artifact path '../outside' goes outside the working directory with '..'");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    /// <summary><c>data</c> saves <c>data/a.txt</c> ("alpha") and <c>data/b.txt</c> ("beta").</summary>
    private const string DataWorkflow = """
        workflows:
          - name: data
            provider: bash
            commands:
              - echo alpha > data/a.txt
              - echo beta > data/b.txt
            artifacts: [data]
        """;
}
