using System.Text;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Support;

/// <summary>A store checkpoint as an older dstack wrote it: the previous format (finished runs, no listing time), named by its newest run.</summary>
public static class OlderFormatCheckpoint
{
    /// <summary>Replaces the repo's checkpoints with one of the older format holding <paramref name="runs"/>.</summary>
    public static async Task WriteAsync(IStorage storage, RepoRef repo, IReadOnlyList<RunSummary> runs)
    {
        await foreach (var key in storage.ListAsync(StoreKeys.RunSummariesOf(repo), default)) await storage.DeleteAsync(key, default);
        var text = Encoding.UTF8.GetString(RunCacheFormat.Write(runs));
        var data = Encoding.UTF8.GetBytes("dstack ps cache 2" + text[text.IndexOf('\n')..]);
        var newest = runs.Max(r => r.SubmittedAt).UtcTicks;
        await storage.PutAsync($"{StoreKeys.RunSummariesOf(repo)}{DateTimeOffset.MaxValue.UtcTicks - newest:D19}.{ContentHash.Of(data)}", data, default);
    }
}
