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

    /// <summary>
    /// For a listing's pass over its runs: every compute that answers checks from one shared answer asks for it now and
    /// serves it until the returned hold is disposed (<see cref="IHoldsChecks"/>).
    /// </summary>
    public IDisposable HoldChecks()
    {
        var holds = _byName.Values.OfType<IHoldsChecks>().Select(c => c.HoldChecks()).ToList();
        return new Holds(holds);
    }

    private sealed class Holds(List<IDisposable> holds) : IDisposable
    {
        public void Dispose() => holds.ForEach(h => h.Dispose());
    }
}
