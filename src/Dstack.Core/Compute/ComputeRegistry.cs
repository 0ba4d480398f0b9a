namespace Dstack.Core.Compute;

/// <summary>
/// The computes this installation knows, by name: a stored launch is taken back to the compute that made it.
/// A launch by a compute not known here (another machine's configuration) gets "cannot tell" answers.
/// </summary>
public sealed class ComputeRegistry
{
    private readonly Dictionary<string, ICompute> _byName = new(StringComparer.Ordinal);

    public ComputeRegistry(params IEnumerable<ICompute> computes)
    {
        foreach (var compute in computes) _byName.Add(compute.Name, compute);
    }

    /// <summary>The compute that made <paramref name="launch"/>; null when none here has its name.</summary>
    public ICompute? Of(Models.LaunchInfo launch) => _byName.GetValueOrDefault(launch.Compute);

    /// <summary>Before runs are read: every compute that answers checks from one shared answer starts asking for it.</summary>
    public void PrefetchChecks()
    {
        foreach (var compute in _byName.Values)
            if (compute is IPrefetchesChecks prefetching) prefetching.PrefetchChecks();
    }
}
