using System.Globalization;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// <c>sacct</c>'s state of jobs <c>squeue</c> no longer lists, asked for many jobs in one call: questions asked together
/// (a listing's readers ask in parallel) go out as one <c>sacct -j A,B,…</c>, and those asked while it runs go out together
/// in the next, so <c>ps -a</c> over many ended Slurm runs never asks once per run. Only options Slurm 20.11 has.
/// </summary>
public sealed class SlurmAccounts(ISlurmShell shell)
{
    private readonly Lock _lock = new();
    private Dictionary<long, TaskCompletionSource<string?>> _waiting = [];
    private bool _asking;

    /// <summary>How many times Slurm was asked (tests count them).</summary>
    public int Calls { get; private set; }

    /// <summary>Job <paramref name="id"/>'s state as sacct says; null when sacct is missing, fails or does not know it.</summary>
    public Task<string?> StateAsync(long id, CancellationToken ct)
    {
        Task<string?> answer;
        bool ask;
        lock (_lock)
        {
            if (!_waiting.TryGetValue(id, out var waiter))
                _waiting[id] = waiter = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            answer = waiter.Task;
            ask = !_asking;
            _asking = true;
        }
        if (ask) _ = AskWhileWaitingAsync();
        return answer.WaitAsync(ct);
    }

    private async Task AskWhileWaitingAsync()
    {
        await Task.Yield();  // questions asked in the same moment join this call
        while (true)
        {
            Dictionary<long, TaskCompletionSource<string?>> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0) { _asking = false; return; }
                (batch, _waiting) = (_waiting, []);
                Calls++;
            }
            var states = await AskAsync(batch.Keys);
            foreach (var (id, waiter) in batch) waiter.TrySetResult(states?.GetValueOrDefault(id));
        }
    }

    private async Task<IReadOnlyDictionary<long, string>?> AskAsync(IEnumerable<long> ids)
    {
        var list = string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        try
        {
            var result = await shell.RunAsync(Script(list), null, CancellationToken.None);
            return result.ExitCode == 0 ? Parse(result.StdOut) : null;
        }
        catch (SlurmException) { return null; }
    }

    public static string Script(string ids) => $"command -v sacct >/dev/null 2>&1 || exit 127; sacct -n -P -X -j {ids} -o JobID,State";

    /// <summary>Lines <c>ID|STATE</c>; the last line of a job wins (its latest attempt); array and het ids are not ours.</summary>
    public static IReadOnlyDictionary<long, string> Parse(string output)
    {
        var states = new Dictionary<long, string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split('|');
            if (f.Length < 2 || f[1] == "" || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) continue;
            states[id] = f[1];
        }
        return states;
    }
}
