using System.Globalization;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// The tombstones of a repo's removed runs (<see cref="StoreKeys.RemovedRun"/>, written by <see cref="RunStore.DeleteAsync"/>):
/// a <c>ps -a</c> that lists only the runs submitted since it last looked drops the ones removed meanwhile, here or elsewhere.
/// <c>gc</c> drops tombstones older than <see cref="Kept"/> and leaves a marker of when it did: a view older than that
/// (a cache not used for a month) is not trusted, and every run is listed once.
/// </summary>
public sealed class RemovedRuns(IStorage storage)
{
    /// <summary>How long a tombstone stays before <c>gc</c> drops it.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(30);

    /// <summary>The removed runs' names, and the time (UTC ticks, 0: never) before which tombstones may have been dropped.</summary>
    public async Task<(HashSet<string> Runs, long CompactedBefore)> ListAsync(RepoRef repo, CancellationToken ct)
    {
        var runs = new HashSet<string>(StringComparer.Ordinal);
        long compacted = 0;
        var prefix = StoreKeys.RemovedRunsOf(repo);
        await foreach (var key in storage.ListAsync(prefix, ct))
        {
            var name = key[prefix.Length..];
            if (CompactedTicks(name) is { } ticks) compacted = Math.Max(compacted, ticks);
            else runs.Add(name);
        }
        return (runs, compacted);
    }

    /// <summary>
    /// For <c>gc</c>: drops every repo's tombstones written before <paramref name="before"/>, after saying so (a reader that
    /// sees the marker before the tombstones go lists every run; one that sees neither missed nothing it had not listed).
    /// </summary>
    public async Task CompactAsync(DateTimeOffset before, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.RemovedRunsPrefix, ct)) keys.Add(key);
        foreach (var folder in keys.GroupBy(k => k[..(k.LastIndexOf('/') + 1)]))
        {
            var old = new List<string>();
            var markers = new List<string>();
            foreach (var key in folder)
            {
                if (CompactedTicks(key[folder.Key.Length..]) is not null) markers.Add(key);
                else if (await storage.GetModifiedAsync(key, ct) is { } written && written < before) old.Add(key);
            }
            if (old.Count == 0) continue;
            var marker = folder.Key + StoreKeys.CompactedStem + before.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
            await storage.PutAsync(marker, ReadOnlyMemory<byte>.Empty, ct);
            foreach (var key in old) await storage.DeleteAsync(key, ct);
            foreach (var key in markers.Where(m => string.CompareOrdinal(m, marker) < 0)) await storage.DeleteAsync(key, ct);
        }
    }

    private static long? CompactedTicks(string name) =>
        name.StartsWith(StoreKeys.CompactedStem, StringComparison.Ordinal)
        && long.TryParse(name.AsSpan(StoreKeys.CompactedStem.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
}
