using Dstack.Core.Models;

namespace Dstack.Cli.Output;

/// <summary>How a status reads in tables: capitalised and coloured by how it went.</summary>
public static class StatusText
{
    public static string Format(JobStatus status)
    {
        var text = char.ToUpperInvariant(status.ToWire()[0]) + status.ToWire()[1..];
        return status switch
        {
            JobStatus.Submitted or JobStatus.Pending or JobStatus.Downloading or JobStatus.Stopping => Ansi.Yellow(text),
            JobStatus.Running or JobStatus.Uploading => Ansi.Green(text),
            JobStatus.Failed => Ansi.Red(text),
            JobStatus.Done => text,
            JobStatus.Stopped or JobStatus.Aborted => Ansi.Grey(text),
            _ => text,
        };
    }
}
