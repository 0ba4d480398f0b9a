namespace Dstack.Core.Compute.Ssh;

/// <summary>Where dstack's executable is on a host (an absolute path), and whether this call copied it.</summary>
public sealed record ShipResult(string RemotePath, bool Copied, long Bytes);
