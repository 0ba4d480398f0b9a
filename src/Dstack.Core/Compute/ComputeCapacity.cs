namespace Dstack.Core.Compute;

/// <summary>What a compute target can offer, as data checked before submitting.</summary>
public sealed record ComputeCapacity(int Cpus, long MemoryBytes, IReadOnlyList<GpuInfo> Gpus, string Description);

/// <summary>One GPU: its index (for CUDA_VISIBLE_DEVICES), name and memory.</summary>
public sealed record GpuInfo(int Index, string Name, long MemoryBytes);
