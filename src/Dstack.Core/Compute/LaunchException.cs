using Dstack.Core.Errors;

namespace Dstack.Core.Compute;

/// <summary>Every sentence a user can see when a compute cannot start a job's runner, naming where to look.</summary>
public sealed class LaunchException(string message) : DstackException(message)
{
    public static LaunchException NotStarted(string program, string why) => new($"Could not start the runner ({program}): {why}.");
}
