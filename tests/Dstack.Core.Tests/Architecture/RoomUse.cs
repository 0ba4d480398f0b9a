namespace Dstack.Core.Tests.Architecture;

/// <summary>One source file: its room, and the other rooms it uses.</summary>
public sealed record RoomUse(string Path, string Room, IReadOnlySet<string> Uses);
