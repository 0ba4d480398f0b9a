using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>The providers this build can run, registered explicitly.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, IProvider> _providers = new(StringComparer.Ordinal);

    public ProviderRegistry Add(IProvider provider)
    {
        _providers[provider.Name] = provider;
        return this;
    }

    public IReadOnlyCollection<string> Names => _providers.Keys;

    public bool TryGet(string name, out IProvider provider) => _providers.TryGetValue(name, out provider!);

    public IProvider Get(string name, SourceLocation? where = null) =>
        _providers.TryGetValue(name, out var p) ? p
        : throw ProviderException.NotAvailable(where?.ToString(), name, _providers.Keys);
}
