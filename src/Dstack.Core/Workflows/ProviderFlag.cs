namespace Dstack.Core.Workflows;

/// <summary>
/// One provider flag of <c>dstack run</c>: every name it answers to, the placeholder of its value (null for a switch),
/// the workflow property it sets, and its help line. The parser and <c>dstack run --help</c> both read this record.
/// </summary>
public sealed record ProviderFlag(IReadOnlyList<string> Names, string? Value, string Property, string Help);
