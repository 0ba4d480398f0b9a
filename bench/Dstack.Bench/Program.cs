using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;

// save STORE FOLDER            : saves FOLDER as a job artifact, copying its files (live saves, `tags add -a`)
// take STORE FOLDER            : saves FOLDER as a finished job's artifact, as the runner does: files move in
// place STORE DEST             : materialises the last saved version into DEST, as a dep
if (args.Length < 3) { Console.Error.WriteLine("usage: save|take STORE FOLDER | place STORE DEST"); return 2; }
var storage = new LocalStorage(args[1]);
var store = new ArtifactStore(storage);
var repo = new RepoRef("bench", "bench");
switch (args[0])
{
    case "save" or "take":
        var version = await store.SaveAsync(repo, "bench-run-1", 0, "data", Path.GetFullPath(args[2]), DateTimeOffset.UtcNow, default, takeFiles: args[0] == "take");
        Console.Error.WriteLine($"{version.Files} files, {version.Bytes} bytes");
        return 0;
    case "place":
        var versions = await store.ListAsync(new RunRecord
        {
            RunName = "bench-run-1", Repo = repo, ProviderName = "bash", SubmittedAt = default,
            Code = new RepoSnapshotInfo { SnapshotId = "" }, Jobs = [new JobSpec { Commands = [] }],
        }, default);
        await store.MaterializeAsync(versions.Single(), args[2], "run bench-run-1", default);
        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}
