using Dstack.Core.Errors;

namespace Dstack.Core.Compute;

/// <summary>Every sentence a user can see when a compute cannot start a job's runner, naming where to look.</summary>
public sealed class LaunchException(string message) : DstackException(message)
{
    public static LaunchException ShellNotStarted() => new("Could not start /bin/sh to launch the runner.");

    public static LaunchException NotLaunched(string log) => new($"Could not launch the runner (see {log}).");
}
