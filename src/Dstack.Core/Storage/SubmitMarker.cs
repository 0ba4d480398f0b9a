using System.Globalization;
using System.Text;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// The CLI's sign of life while it submits a run (<see cref="StoreKeys.Submitting"/>): written before the runners start,
/// rewritten every <see cref="Refresh"/> with a new count until the run record is stored, then removed. A runner waits for
/// the record as long as the count moves (<see cref="SubmitWatch"/>), however long a large snapshot takes to store.
/// Writing it is best effort: a failed refresh is tried again at the next one, never failing the submit.
/// </summary>
public sealed class SubmitMarker : IAsyncDisposable
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RemoveWithin = TimeSpan.FromSeconds(5);

    private readonly IStorage _storage;
    private readonly string _key;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private SubmitMarker(IStorage storage, string key, TimeProvider time) => (_storage, _key, _time) = (storage, key, time);

    public static async Task<SubmitMarker> BeginAsync(IStorage storage, RepoRef repo, string run, TimeProvider time, CancellationToken ct)
    {
        var marker = new SubmitMarker(storage, StoreKeys.Submitting(repo, run), time);
        await marker.WriteAsync(0, ct);
        marker._loop = marker.RefreshLoopAsync(marker._stop.Token);
        return marker;
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        for (var count = 1L; ; count++)
        {
            try
            {
                await Task.Delay(Refresh, _time, ct);
                await WriteAsync(count, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception) { /* whatever the store says, the next refresh tries again: the marker never fails a submit */ }
        }
    }

    private Task WriteAsync(long count, CancellationToken ct) =>
        _storage.PutAsync(_key, Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture)), ct);

    /// <summary>Stops refreshing and removes the marker: the record is stored (or the submit failed and its runners are killed).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        // Briefly: a store that is away must not hold the command; a marker left behind stops moving, and runners read the record first.
        using var brief = new CancellationTokenSource(RemoveWithin, _time);
        try { await _storage.DeleteAsync(_key, brief.Token); }
        catch (Exception) { /* left behind: see above */ }
    }
}
