namespace Dstack.Core.Compute;

/// <summary>
/// What a compute offers, as data read before submitting (<see cref="SubmitCheck"/>) and by whoever prints how to reach a job.
/// A compute with several hosts lists each: a job runs on one host, so it must fit one of them.
/// </summary>
/// <param name="Hosts">Each host's capacity (at least one).</param>
/// <param name="Docker">Whether a job may name an image (the hosts have a Docker client).</param>
/// <param name="PythonVersions">The interpreters a host job may ask for with <c>python: 3.X</c>, e.g. "3.11.4" or "3.12".</param>
/// <param name="Ports">How a job's ports are reached, from the job and from the user's machine.</param>
/// <param name="MultiNode">Whether one run may spread over several hosts at once.</param>
/// <param name="Preemptible">Whether <c>interruptible</c> can take effect (cheaper hosts that may be taken away).</param>
public sealed record ComputeCapabilities(
    IReadOnlyList<ComputeCapacity> Hosts,
    bool Docker,
    IReadOnlyList<string> PythonVersions,
    PortAccess Ports,
    bool MultiNode,
    bool Preemptible);
