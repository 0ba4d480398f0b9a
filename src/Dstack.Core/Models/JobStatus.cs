namespace Dstack.Core.Models;

/// <summary>A job's lifecycle. The CLI writes <see cref="Submitted"/>; once the runner starts, it alone writes the rest.</summary>
public enum JobStatus
{
    Submitted,
    Pending,
    Downloading,
    Running,
    Uploading,
    Stopping,
    Stopped,
    Aborted,
    Failed,
    Done,
}

public static class JobStatusExtensions
{
    public static bool IsFinished(this JobStatus status) => status switch
    {
        JobStatus.Stopped or JobStatus.Aborted or JobStatus.Failed or JobStatus.Done => true,
        _ => false,
    };

    private static readonly string[] Wire = ["submitted", "pending", "downloading", "running", "uploading", "stopping", "stopped", "aborted", "failed", "done"];

    /// <summary>Lower-case wire name, e.g. <c>running</c>.</summary>
    public static string ToWire(this JobStatus status) => Wire[(int)status];
}
