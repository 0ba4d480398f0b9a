using System.Text;
using System.Text.Json.Nodes;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Nothing read from the store is trusted: whoever can write it (a bucket shared by a team, a local folder) may plant
/// content under a teammate's hash, change stored content, or edit manifests and pointers. Each test runs on the local
/// store (<see cref="LocalHostileStoreTests"/>) and on the real S3 server (<see cref="S3.S3HostileStoreTests"/>).
/// </summary>
public abstract class HostileStoreTests
{
    /// <summary>A user of a store, and the same store reached directly.</summary>
    protected sealed record Store(Sandbox User, RawStore Raw, Func<ValueTask> Cleanup) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Cleanup();
    }

    protected abstract Task<Store> NewStoreAsync();

    private const string DataAndUse = Workflows.Data + "\n" + """
          - name: use
            provider: bash
            deps:
              - workflow: data
            commands:
              - cat data/rows.txt
        """;

    private static string Hash(string content) => Sandbox.Sha256(Encoding.UTF8.GetBytes(content));

    [Fact]
    public async Task Run_ContentPlantedUnderTheHashOfACommittedFile_NeverRuns_AndTheRunFailsNamingIt()
    {
        await using var store = await NewStoreAsync();
        var user = store.User;
        const string train = "echo trained\n";
        user.WithWorkflows("""
            workflows:
              - name: train
                provider: bash
                commands: [bash train.sh]
            """).WriteFile("train.sh", train).Commit();
        await store.Raw.WriteAsync(RawStore.BlobKey(train), Encoding.UTF8.GetBytes(Sandbox.SendSignal("pwned") + "\n"));

        var result = await user.DstackAsync("run", "train");

        result.ExitCode.ShouldBe(1, result.ToString());
        var run = result.SubmittedRun;
        result.StdErr.ShouldContain($"Run {run} failed: failed to start: Stored content {Hash(train)[..12]} of run {run} does not match its SHA-256");
        File.Exists(Path.Combine(user.Signals, "pwned")).ShouldBeFalse("the planted content never ran");
        result.StdOut.ShouldNotContain("trained");
    }

    [Fact]
    public async Task DownloadAndDeps_OfChangedArtifactContent_FailNamingIt_AndKeepNothingOfIt()
    {
        await using var store = await NewStoreAsync();
        var user = store.User;
        user.WithWorkflows(DataAndUse).Commit();
        var run = await user.RunDoneAsync("data");
        var rows = $"rows by {run}\n";
        await store.Raw.WriteAsync(RawStore.BlobKey(rows), "rows by mallory\n"u8.ToArray());

        var (download, dir) = await user.DownloadAsync(run);

        download.ExitCode.ShouldBe(1, download.ToString());
        download.StdErr.ShouldBe($"Error: Stored content {Hash(rows)[..12]} of run {run} does not match its SHA-256: the store was changed " +
                                 "outside dstack, and nothing read from it was kept. Ask whoever can write the store, or run the producing workflow again.\n");
        (Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : []).ShouldBeEmpty("no file, and no partial one");

        var use = await user.DstackAsync("run", "use");

        use.ExitCode.ShouldBe(1, use.ToString());
        use.StdErr.ShouldContain($"failed to start: Stored content {Hash(rows)[..12]} of run {run} does not match its SHA-256");
        use.StdOut.ShouldNotContain("mallory");
    }

    [Theory]
    [InlineData("../../escaped.txt")]
    [InlineData("ABSOLUTE")]
    [InlineData("escaped.txt\0")]
    public async Task EditedManifestEntry_LeadingOutOfItsFolder_IsRefusedByDownloadDepsAndRestart_AndNothingIsWritten(string edited)
    {
        await using var store = await NewStoreAsync();
        var user = store.User;
        var path = edited == "ABSOLUTE" ? Path.Combine(user.Root, "abs", "escaped.txt") : edited;
        user.WithWorkflows(DataAndUse).Commit();
        var run = await user.RunDoneAsync("data");
        await EditArtifactManifestAsync(store.Raw, run, path);
        await EditCodeManifestAsync(store.Raw, run, path);

        var (download, dir) = await user.DownloadAsync(run);
        var use = await user.DstackAsync("run", "use");
        var restart = await user.DstackAsync("restart", run);

        var unsafePath = $"A stored manifest of run {run} has an unsafe path";
        download.ExitCode.ShouldBe(1, download.ToString());
        download.StdErr.ShouldStartWith("Error: " + unsafePath);
        use.ExitCode.ShouldBe(1, use.ToString());
        use.StdErr.ShouldContain("failed to start: " + unsafePath);
        restart.ExitCode.ShouldBe(1, restart.ToString());
        restart.StdErr.ShouldContain($"failed to start: A stored manifest of run {restart.SubmittedRun} has an unsafe path");
        Directory.EnumerateFiles(user.Root, "escaped.txt*", SearchOption.AllDirectories).ShouldBeEmpty();
        (Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_ThroughADirectorySymlinkAnEarlierDownloadLeft_IsRefused_AndWritesNothingThere()
    {
        await using var store = await NewStoreAsync();
        var user = store.User;
        var victim = Directory.CreateDirectory(Path.Combine(user.Root, "victim")).FullName;
        user.WithWorkflows($"""
            workflows:
              - name: link
                provider: bash
                commands: [ln -s {victim} out/cache]
                artifacts: [out]
              - name: fill
                provider: bash
                commands: [mkdir out/cache && echo pwned > out/cache/x.txt]
                artifacts: [out]
            """).Commit();
        var link = await user.RunDoneAsync("link");
        var fill = await user.RunDoneAsync("fill");
        var dir = Path.Combine(user.Root, "downloads", "shared");
        (await user.DownloadAsync(link, dir)).Result.ExitCode.ShouldBe(0);
        new DirectoryInfo(Path.Combine(dir, "out", "cache")).LinkTarget.ShouldBe(victim);

        var (second, _) = await user.DownloadAsync(fill, dir);

        second.ExitCode.ShouldBe(1, second.ToString());
        second.StdErr.ShouldBe($"Error: 'out/cache' would be written outside {dir} through a symlink there; nothing was written. " +
                               "Remove the link, or download into another folder (-o DIR).\n");
        Directory.GetFileSystemEntries(victim).ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_ALinkAndAFileThroughItInOneManifest_IsRefused()
    {
        await using var store = await NewStoreAsync();
        var user = store.User;
        var victim = Directory.CreateDirectory(Path.Combine(user.Root, "victim")).FullName;
        user.WithWorkflows(Workflows.Data).Commit();
        var run = await user.RunDoneAsync("data");
        var pointerKey = RawStore.ArtifactKey(run, "data");
        var pointer = await store.Raw.ReadJsonAsync(pointerKey);
        var manifest = await store.Raw.ReadJsonAsync($"snapshots/{pointer["manifest"]}.json");
        var file = manifest["entries"]![0]!.AsObject();
        file["path"] = "cache/x.txt";
        manifest["entries"] = new JsonArray(new JsonObject { ["path"] = "cache", ["mode"] = 0, ["size"] = 0, ["link_target"] = victim }, file.DeepClone());
        pointer["manifest"] = await store.Raw.PutManifestAsync(manifest);
        await store.Raw.WriteJsonAsync(pointerKey, pointer);

        var (download, _) = await user.DownloadAsync(run);

        download.ExitCode.ShouldBe(1, download.ToString());
        download.StdErr.ShouldContain("goes through 'cache', a file or symlink it also creates");
        Directory.GetFileSystemEntries(victim).ShouldBeEmpty();
    }

    /// <summary>Points the run's <c>data</c> artifact at a manifest (stored under its own hash) whose file has <paramref name="path"/>.</summary>
    private static async Task EditArtifactManifestAsync(RawStore raw, string run, string path)
    {
        var pointerKey = RawStore.ArtifactKey(run, "data");
        var pointer = await raw.ReadJsonAsync(pointerKey);
        pointer["manifest"] = await EditedManifestAsync(raw, (string)pointer["manifest"]!, path);
        await raw.WriteJsonAsync(pointerKey, pointer);
        // A workflow dep reads the run's artifacts from its done marker: edited there too, as whoever edits the store would.
        // The runner writes the marker just after the run's final state, so it may not be there yet when the run shows done.
        var markers = await Eventually.ReturnsAsync(
            async () => (await raw.KeysAsync("done-runs/")).Where(k => k.EndsWith("." + run, StringComparison.Ordinal)).ToList(),
            keys => keys.Count > 0, TimeSpan.FromSeconds(30), $"the done marker of {run}");
        foreach (var markerKey in markers)
        {
            var marker = await raw.ReadJsonAsync(markerKey);
            foreach (var artifact in marker["artifacts"]!.AsArray())
                artifact!["manifest"] = pointer["manifest"]!.DeepClone();
            await raw.WriteJsonAsync(markerKey, marker);
        }
    }

    /// <summary>Points the run's record at a code snapshot (stored under its own hash) with one file's path replaced.</summary>
    private static async Task EditCodeManifestAsync(RawStore raw, string run, string path)
    {
        var recordKey = S3Bucket.RunPrefix(run) + "run.json";
        var record = await raw.ReadJsonAsync(recordKey);
        var code = record["code"]!.AsObject();
        code["snapshot_id"] = await EditedManifestAsync(raw, (string)code["snapshot_id"]!, path);
        await raw.WriteJsonAsync(recordKey, record);
    }

    private static async Task<string> EditedManifestAsync(RawStore raw, string id, string path)
    {
        var manifest = await raw.ReadJsonAsync($"snapshots/{id}.json");
        manifest["entries"]!.AsArray().First(e => e!["blob"] is not null)!["path"] = path;
        return await raw.PutManifestAsync(manifest);
    }
}

/// <summary><see cref="HostileStoreTests"/> on the local store (a folder under <c>DSTACK_HOME</c>).</summary>
public sealed class LocalHostileStoreTests : HostileStoreTests
{
    protected override Task<Store> NewStoreAsync()
    {
        var sandbox = new Sandbox();
        return Task.FromResult(new Store(sandbox, RawStore.Local(sandbox), sandbox.DisposeAsync));
    }
}
