namespace Dstack.Core.Storage;

/// <summary>
/// Wakes a reader that polls a folder of the local store (a run's) as soon as a file of one name is put anywhere in it (a
/// job's <c>state.json</c>), so that a short job's end is seen within a millisecond rather than a poll interval later.
/// Other files (logs, heartbeats, temp files) wake nobody: the reader's own poll shows them. A change is kept
/// until the next wait takes it, so one made while the reader was reading is never missed; the reader's own poll interval
/// stays the upper bound (a watch can miss events: the kernel's queue overflows, a file lands in a folder made a moment
/// before, not yet watched).
/// </summary>
public sealed class FolderChangeWatch : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly string _fileName;
    private readonly Lock _lock = new();
    private bool _changed;
    private TaskCompletionSource? _waiter;

    private FolderChangeWatch(string folder, string fileName)
    {
        _fileName = fileName;
        _watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName, // renames into place; new folders get watched
        };
        _watcher.Created += OnChange;
        _watcher.Renamed += OnChange;
        _watcher.Error += (_, _) => Signal(); // events were lost: read again
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>A watch for <paramref name="fileName"/> in <paramref name="folder"/>, or null where it cannot be watched (missing, no inotify left): the reader polls.</summary>
    public static FolderChangeWatch? TryStart(string folder, string fileName)
    {
        try { return Directory.Exists(folder) ? new FolderChangeWatch(folder, fileName) : null; }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Ends at the first change since the previous wait (at once if one came meanwhile), or after <paramref name="max"/>.</summary>
    public async Task WaitAsync(TimeSpan max, TimeProvider time, CancellationToken ct)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_changed)
            {
                _changed = false;
                return;
            }
            waiter = _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(max, time, timer.Token);
        if (await Task.WhenAny(waiter.Task, delay) == waiter.Task) await timer.CancelAsync();
        else await delay; // throws when ct was cancelled
        lock (_lock)
        {
            _changed = false;
            _waiter = null;
        }
    }

    // A rename's Name is the new one: the temp file renamed into place.
    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (Path.GetFileName(e.Name) == _fileName) Signal();
    }

    private void Signal()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _changed = true;
            waiter = _waiter;
        }
        waiter?.TrySetResult();
    }

    public void Dispose() => _watcher.Dispose();
}
