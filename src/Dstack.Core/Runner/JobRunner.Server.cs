using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>How long a dev environment's server may take to answer (its setup and a pip install run first).</summary>
    public static readonly TimeSpan ServerDeadline = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Waits for the job's server to answer on its first port (on the job's host; a container's port is published on
    /// this machine's loopback), then gives the job its link; the supervising loop writes it into the running state.
    /// </summary>
    private async Task AwaitServerAsync(JobContext job, IRunningJob running, IReadOnlyDictionary<string, string> env, string token, CancellationToken ct)
    {
        if (job.Ports.Count == 0) return;
        var host = job.Spec.Image is null ? env.GetValueOrDefault("HOSTNAME", "127.0.0.1") : "127.0.0.1";
        try
        {
            if (await new ServerProbe(time).WaitAsync(host, job.Ports[0], running.Completion, ServerDeadline, ct) is { } answer)
            {
                // Set the password first: the supervising loop publishes the state when the link changes.
                if (answer.AsksToLogIn && job.Spec.ServerLoginLink is { } login) (job.Password, job.Link) = (token, login);
                else job.Link = job.Spec.ServerLink!.Replace("{token}", token, StringComparison.Ordinal);
            }
            else if (!running.Completion.IsCompleted)
                job.Logs.AppendLine($"dstack: the server did not answer on port {job.Ports[0]} within {ServerDeadline.TotalMinutes:0} minutes");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
