using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>One path of a run's or tag's artifacts, as <c>artifacts download</c> writes it under its folder: <c>file</c>, <c>dir</c> or <c>link</c>.</summary>
public sealed record ArtifactFile(string Path, string Kind, long Size, string? Link);
