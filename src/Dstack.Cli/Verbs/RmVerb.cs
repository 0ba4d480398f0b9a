using Dstack.Core.Artifacts;
using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Cli.Verbs;

public static class RmVerb
{
    public static readonly Verb Verb = new("rm", "Remove finished runs with their logs and state",
        "Usage: dstack rm [-y] (RUN | -a)\n\nOptions:\n  -y, --yes  Do not ask for confirmation\n  -a, --all  All finished runs of this repo\n",
        Run);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader("rm", args);
        var yes = reader.Flag("-y", "--yes");
        var all = reader.Flag("-a", "--all");
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0 == !all)
            throw new DstackException("Name a run or use --all: dstack rm RUN, or dstack rm -a.");
        var monitor = ctx.Monitor;
        var runs = all ? await ctx.Runs.ListAsync(ctx.Repo.Repo, ct) : [await ctx.FindRunAsync(positionals[0], ct)];
        var finished = new List<RunRecord>();
        var lastUsed = DateTimeOffset.MinValue;
        foreach (var run in runs)
        {
            var view = await monitor.ViewAsync(run, ct);
            if (view.IsFinished)
            {
                finished.Add(run);
                // Everything a finished run stored was stored by the time its last job ended; anything newer is someone else's.
                foreach (var job in view.Jobs) if ((job.FinishedAt ?? job.UpdatedAt) > lastUsed) lastUsed = job.FinishedAt ?? job.UpdatedAt;
            }
            else if (!all) throw new DstackException($"The run '{run.RunName}' is not finished yet. Stop it first: dstack stop {run.RunName}");
        }
        if (finished.Count == 0)
        {
            ctx.Err.WriteLine("No finished runs to remove.");
            return 0;
        }
        var question = all ? $"Delete all finished runs ({finished.Count})?" : $"Delete the run '{finished[0].RunName}'?";
        if (!yes && !Prompt.Confirm(ctx, question)) return 1;
        // What the removed runs used is reclaimed at once unless a tag, another run or a dep still uses it.
        var manifests = new List<string>();
        var blobs = new List<string>();
        var artifacts = new ArtifactStore(ctx.Storage);
        foreach (var run in finished)
        {
            manifests.Add(run.Code.SnapshotId);
            manifests.AddRange((await artifacts.ListAsync(run, ct)).Select(a => a.Manifest));
            if (run.Code.DiffBlob is { } diff) blobs.Add(diff);
            await ctx.Runs.DeleteAsync(ctx.Repo.Repo, run.RunName, ct);
        }
        var reclaimed = await new GarbageCollector(ctx.Storage, ctx.Time).ReclaimAsync(manifests, blobs, lastUsed, ct);
        if (reclaimed.Bytes > 0) ctx.Err.WriteLine($"Reclaimed {Output.Size.Format(reclaimed.Bytes)} that nothing else uses.");
        ctx.Err.WriteLine("OK");
        return 0;
    }
}
