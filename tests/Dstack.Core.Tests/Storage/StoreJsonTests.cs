using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class StoreJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RunRecord_RoundTrips_WithEveryField()
    {
        var run = new RunRecord
        {
            RunName = "wet-mangust-1", Repo = new RepoRef("acme", "widgets"), WorkflowName = "train", ProviderName = "bash",
            SubmittedAt = At, Args = new List<string> { "--epochs", "3" }, User = "Ada", RestartOf = "dry-fox-2", TagOnDone = "v2",
            Deps = new List<ResolvedDep>
            {
                new() { Kind = DepSource.Tag, Name = "other/repo/data", Repo = new RepoRef("other", "repo"), RunName = "wet-fox-1",
                        Artifacts = new List<ArtifactVersion> { new("data", "m1", 3, 42, At) } },
            },
            Code = new RepoSnapshotInfo { Branch = "main", Commit = "abc", DiffBlob = "d1", UntrackedFiles = 2, SnapshotId = "s1", IsGit = true },
            Jobs = new List<JobSpec>
            {
                new JobSpec
                {
                    Index = 0, Commands = new List<string> { "echo hi", "python train.py" }, Env = new List<string> { "A=1", "B=$A:x" }, WorkingDir = "src",
                    Artifacts = new List<ArtifactRef> { new("out", Mount: true) }, Ports = 2, Image = "img", Python = "3.10", Requirements = "req.txt",
                    ServerLink = "/?tkn={token}", ServerLoginLink = "/",
                    Resources = new JobResources { Cpu = 2, MemoryBytes = 16_000_000_000, GpuCount = 1, GpuName = "V100", GpuMemoryBytes = 1, ShmSizeBytes = 2, Interruptible = true },
                },
            },
            JobTemplates = new List<JobSpec> { new() { Index = 0, Commands = new List<string> { $"echo {Dstack.Core.Runs.RunNameTemplate.Placeholder}" }, Env = new List<string>(), Artifacts = new List<ArtifactRef>() } },
        };

        var back = StoreJson.Deserialize<RunRecord>(StoreJson.Serialize(run));

        back.ShouldBeEquivalentTo(run);
    }

    [Fact]
    public void JobState_RoundTrips_IncludingReasonAndPorts()
    {
        var state = new JobState
        {
            Status = JobStatus.Failed, Reason = TerminationReason.ExitCode, ExitCode = 3, Detail = "d", UpdatedAt = At,
            StartedAt = At, FinishedAt = At.AddSeconds(5), Ports = new List<int> { 8080, 8081 }, Host = "box",
            Link = "/", Password = "f00d",
        };
        StoreJson.Deserialize<JobState>(StoreJson.Serialize(state)).ShouldBeEquivalentTo(state);
    }

    [Fact]
    public void Tag_RoundTrips_WithArtifacts()
    {
        var tag = new TagRecord
        {
            Name = "v1", RunName = "wet-fox-1", WorkflowName = "train", User = "Ada", CreatedAt = At,
            Artifacts = new List<ArtifactVersion> { new("model", "m2", 1, 8, At), new("/cache/x", "m3", 0, 0, At) },
        };
        StoreJson.Deserialize<TagRecord>(StoreJson.Serialize(tag)).ShouldBeEquivalentTo(tag);
    }

    [Fact]
    public void SmallRecords_RoundTrip()
    {
        var stop = new StopRequest(true, At);
        StoreJson.Deserialize<StopRequest>(StoreJson.Serialize(stop)).ShouldBe(stop);
        var beat = new Heartbeat(At, 42, "box", 43, 99);
        StoreJson.Deserialize<Heartbeat>(StoreJson.Serialize(beat)).ShouldBe(beat);
        var launch = new LaunchInfo("local", "box 7 123", At);
        StoreJson.Deserialize<LaunchInfo>(StoreJson.Serialize(launch)).ShouldBe(launch);
    }

    [Fact]
    public async Task Launch_WrittenByAnOlderVersion_HasAHandleItsComputeCannotTell_SoTheHeartbeatDecides()
    {
        var old = """{"compute":"local","host":"box","pid":7,"process_start_ticks":123,"launched_at":"2026-01-01T00:00:00+00:00"}""";
        var launch = StoreJson.Deserialize<LaunchInfo>(System.Text.Encoding.UTF8.GetBytes(old));

        launch.Handle.ShouldBe("");
        (await new Dstack.Core.Local.LocalCompute(["true"], TimeProvider.System).IsRunnerAliveAsync(launch, default)).ShouldBeNull();
    }

    [Fact]
    public void Manifest_RoundTrips_FilesFoldersAndLinks()
    {
        var manifest = new SnapshotManifest(
        [
            new SnapshotEntry("a.txt", 0x1a4, 5, "h1"),
            new SnapshotEntry("empty", 0, 0, null, IsDir: true),
            new SnapshotEntry("link", 0, 0, null, "a.txt"),
        ]);
        StoreJson.Deserialize<SnapshotManifest>(StoreJson.Serialize(manifest)).Entries.ShouldBe(manifest.Entries);
    }

    [Fact]
    public void EveryStatusAndReason_RoundTrips()
    {
        foreach (var status in Enum.GetValues<JobStatus>())
            foreach (var reason in Enum.GetValues<TerminationReason>())
            {
                var state = new JobState { Status = status, Reason = reason, UpdatedAt = At };
                var back = StoreJson.Deserialize<JobState>(StoreJson.Serialize(state));
                (back.Status, back.Reason).ShouldBe((status, reason));
            }
    }

    [Fact]
    public void State_IsStoredWithLowerCaseStatus()
    {
        var json = System.Text.Encoding.UTF8.GetString(StoreJson.Serialize(new JobState { Status = JobStatus.Running, UpdatedAt = At }));
        json.ShouldContain("\"status\":\"running\"");
    }

    [Theory]
    [InlineData("""{"run_name": "wet-fox-1", "co""")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"run_name": "wet-fox-1", "code": 5}""")]
    [InlineData("""{"run_name": "wet-fox-1", "submitted_at": "yesterday", "code": {}}""")]
    [InlineData("""{"run_name": "wet-fox-1", "code": {"untracked_files": 99999999999}}""")]
    public void Deserialize_DamagedRecord_ThrowsUnreadableNamingTheKey(string json)
    {
        var error = Should.Throw<UnreadableRecordException>(() => StoreJson.Deserialize<RunRecord>(System.Text.Encoding.UTF8.GetBytes(json), "repos/a/b/runs/wet-fox-1/run.json"));

        error.Key.ShouldBe("repos/a/b/runs/wet-fox-1/run.json");
        error.Message.ShouldStartWith("The stored record 'repos/a/b/runs/wet-fox-1/run.json' cannot be read: ");
        error.Message.ShouldEndWith("`dstack rm RUN` removes a broken run.");
    }
}
