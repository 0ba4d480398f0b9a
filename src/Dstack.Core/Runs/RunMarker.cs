namespace Dstack.Core.Runs;

/// <summary>An index entry (<see cref="UnfinishedRunIndex"/>): its store key and the run it names.</summary>
public readonly record struct RunMarker(string Key, string Run);
