using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>One job (a node of a multi-node run) of a run: where it ran, its status and why, its ports.</summary>
public sealed record JobRow(int Index, string Where, string Status, string Reason, IReadOnlyList<string> Ports, bool Finished);
