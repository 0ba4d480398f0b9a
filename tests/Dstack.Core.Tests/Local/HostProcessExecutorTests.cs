using System.Text;
using Dstack.Core.Local;
using Dstack.Core.Runner;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Local;

/// <summary>The host executor's end of a job, with a real bash and a fake clock.</summary>
public sealed class HostProcessExecutorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dstack-host-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Leftover_IgnoringSigterm_IsKilled_OnlyOnceTheClockPassesItsGrace()
    {
        var script = Path.Combine(_dir, "job.sh");
        // The shell leaves a process that ignores SIGTERM (and holds the output pipe), and exits once it ignores it.
        await File.WriteAllTextAsync(script, "(trap '' TERM; touch ignoring; exec sleep 1000) &\nuntil [ -e ignoring ]; do sleep 0.01; done\necho started\n");
        var clock = new WatchedClock();
        var output = new StringBuilder();
        var job = new HostProcessExecutor(clock).Start(
            new JobLaunch(script, _dir, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }),
            data => { lock (output) output.Append(Encoding.UTF8.GetString(data)); });
        try
        {
            // The leftover survived SIGTERM: the executor now waits on the clock, which does not move by itself.
            await clock.WaitedOn.WaitAsync(TimeSpan.FromSeconds(30));
            clock.Advance(TimeSpan.FromMilliseconds(900));
            await Task.Yield();
            job.Completion.IsCompleted.ShouldBeFalse();

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!job.Completion.IsCompleted && DateTime.UtcNow < deadline)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50));
                await Task.WhenAny(job.Completion, Task.Delay(10));
            }
            (await job.Completion.WaitAsync(TimeSpan.FromSeconds(1))).ShouldBe(0);
            lock (output) output.ToString().ShouldBe("started\n");
        }
        finally
        {
            job.Kill();
        }
    }
}
