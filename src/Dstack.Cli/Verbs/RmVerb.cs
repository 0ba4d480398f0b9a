using Dstack.Core.Artifacts;
using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;

namespace Dstack.Cli.Verbs;

public static class RmVerb
{
    private static readonly VerbOption Yes = new(["-y", "--yes"], null, "Do not ask for confirmation");
    private static readonly VerbOption All = new(["-a", "--all"], null, "All finished runs of this repo");

    public static readonly Verb Verb = new("rm", "Remove finished runs with their logs and state", Run)
    {
        Usage = ["rm [-y] (RUN | -a)"],
        Groups = Verb.OptionsGroup(Yes, All),
        Notes = "A broken run (a record that cannot be read) is removed by name; -a skips it with a warning.",
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var yes = reader.Flag(Yes);
        var all = reader.Flag(All);
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0 == !all)
            throw UsageException.RunOrAll("rm");
        if (!all) return await RemoveOneAsync(ctx, RunName.Validate(positionals[0]), yes, ct);

        var finished = new List<RunRecord>();
        var lastUsed = DateTimeOffset.MinValue;
        foreach (var run in await ctx.Runs.ListAsync(ctx.Repo.Repo, ct))
        {
            RunView view;
            try { view = await ctx.Monitor.ViewAsync(run, ct); }
            catch (UnreadableRecordException e)
            {
                ctx.Skipped(e); // a broken run goes by name only: dstack rm RUN
                continue;
            }
            if (!view.IsFinished) continue;
            finished.Add(run);
            lastUsed = Max(lastUsed, LastUsed(view));
        }
        if (finished.Count == 0)
        {
            ctx.Err.WriteLine("No finished runs to remove.");
            return 0;
        }
        if (!yes && !Prompt.Confirm(ctx, $"Delete all finished runs ({finished.Count})?")) return 1;
        await RemoveAsync(ctx, finished, [], lastUsed, ct);
        return 0;
    }

    private static async Task<int> RemoveOneAsync(CliContext ctx, string name, bool yes, CancellationToken ct)
    {
        RunRecord? run = null;
        UnreadableRecordException? broken = null;
        var lastUsed = DateTimeOffset.MinValue;
        try
        {
            run = await ctx.FindRunAsync(name, ct);
            var view = await ctx.Monitor.ViewAsync(run, ct);
            if (!view.IsFinished) throw RunException.NotFinished(name);
            lastUsed = LastUsed(view);
        }
        catch (UnreadableRecordException e)
        {
            broken = e; // what can be read of it is reclaimed; anything else is left to gc
        }
        var question = broken is null ? $"Delete the run '{name}'?" : $"Delete the broken run '{name}' ('{broken.Key}' cannot be read)?";
        if (!yes && !Prompt.Confirm(ctx, question)) return 1;
        await RemoveAsync(ctx, run is null ? [] : [run], broken is null ? [] : [name], lastUsed, ct);
        return 0;
    }

    /// <summary>
    /// Deletes the runs (and broken runs, by name) with their working copies on this machine, then reclaims at once what
    /// they used unless a tag, another run or a dep still uses it.
    /// </summary>
    private static Task RemoveAsync(CliContext ctx, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> brokenNames, DateTimeOffset lastUsed, CancellationToken ct) =>
        RemoveAsync(ctx, ctx.Repo.Repo, runs, brokenNames, lastUsed, ct);

    /// <summary>What <c>dstack rm RUN</c> does once asked, for a finished run of any repo (the dashboard's rm).</summary>
    public static Task RemoveFinishedAsync(CliContext ctx, RunView view, CancellationToken ct) =>
        view.IsFinished ? RemoveAsync(ctx, view.Run.Repo, [view.Run], [], LastUsed(view), ct) : throw RunException.NotFinished(view.Run.RunName);

    private static async Task RemoveAsync(CliContext ctx, RepoRef repo, IReadOnlyList<RunRecord> runs, IReadOnlyList<string> brokenNames, DateTimeOffset lastUsed, CancellationToken ct)
    {
        var manifests = new List<string>();
        var blobs = new List<string>();
        var artifacts = new ArtifactStore(ctx.Storage);
        foreach (var run in runs)
        {
            manifests.Add(run.Code.SnapshotId);
            try { manifests.AddRange((await artifacts.ListAsync(run, ct)).Select(a => a.Manifest)); }
            catch (UnreadableRecordException) { /* a broken artifact record: its content is left to gc */ }
            if (run.Code.DiffBlob is { } diff) blobs.Add(diff);
        }
        foreach (var name in runs.Select(r => r.RunName).Concat(brokenNames).Distinct(StringComparer.Ordinal))
        {
            await ctx.Runs.DeleteAsync(repo, name, ct);
            ctx.WorkingCopies.DeleteRun(repo, name);
        }
        try
        {
            var reclaimed = await new GarbageCollector(ctx.Storage, ctx.Time).ReclaimAsync(manifests, blobs, lastUsed, ct);
            if (reclaimed.Bytes > 0) ctx.Err.WriteLine($"Reclaimed {Output.Size.Format(reclaimed.Bytes)} that nothing else uses.");
        }
        catch (UnreadableRecordException e)
        {
            ctx.Err.WriteLine(e.ReclaimSkippedWarning);
        }
        ctx.Err.WriteLine("OK");
    }

    /// <summary>Everything a finished run stored was stored by the time its last job ended; anything newer is someone else's.</summary>
    private static DateTimeOffset LastUsed(RunView view) =>
        view.Jobs.Select(job => job.FinishedAt ?? job.UpdatedAt).DefaultIfEmpty(DateTimeOffset.MinValue).Max();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
