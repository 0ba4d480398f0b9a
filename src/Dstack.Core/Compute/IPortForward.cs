namespace Dstack.Core.Compute;

/// <summary>Open forwards of a job's ports to this machine; disposing closes them (idempotent).</summary>
public interface IPortForward : IAsyncDisposable
{
    /// <summary>Each forwarded port, in the job's port order.</summary>
    IReadOnlyList<ForwardedPort> Ports { get; }
}
