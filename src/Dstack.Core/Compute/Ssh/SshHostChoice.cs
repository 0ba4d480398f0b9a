using Dstack.Core.Models;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Which hosts of a target may take a job, in the order they are tried: those that answered the probe, whose capacity
/// the request fits, and that see the store (a local folder must be visible there). First fit: the target's order.
/// </summary>
public static class SshHostChoice
{
    public static IReadOnlyList<T> Candidates<T>(IEnumerable<T> hosts, Func<T, HostFacts> facts, JobResources? request, bool localStore) =>
        hosts.Where(h => ResourceFit.WhyNever(request, facts(h).Capacity) is null && (!localStore || facts(h).StoreVisible == true)).ToList();
}
