using System.Text;
using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Support;

/// <summary>
/// A job that does what the test says: starts, prints, exits. It records when (on the test's clock) the runner asked it
/// to terminate or be killed, and does not exit on its own when signalled: the test decides.
/// </summary>
public sealed class FakeRunningJob(TimeProvider time, Action<ReadOnlySpan<byte>> output) : IRunningJob
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();

    public int Pid => 4242;
    public long StartTicks => 1;
    public Task Started => _started.Task;
    public Task<int> Completion => _completion.Task;
    public string? Note => null;
    public bool OutOfMemory => false;

    /// <summary>When Terminate was first called; null if never.</summary>
    public DateTimeOffset? TerminatedAt { get; private set; }
    /// <summary>When Kill was first called; null if never.</summary>
    public DateTimeOffset? KilledAt { get; private set; }
    public int Terminations { get; private set; }
    public int Kills { get; private set; }

    /// <summary>Its commands now run (a container has started).</summary>
    public void MarkStarted() => _started.TrySetResult();

    public void Print(string line) => output(Encoding.UTF8.GetBytes(line + "\n"));

    public void Exit(int code)
    {
        _started.TrySetResult();
        _completion.TrySetResult(code);
    }

    public void Terminate()
    {
        lock (_gate)
        {
            Terminations++;
            TerminatedAt ??= time.GetUtcNow();
        }
    }

    public void Kill()
    {
        lock (_gate)
        {
            Kills++;
            KilledAt ??= time.GetUtcNow();
        }
    }
}
