namespace Dstack.Core.Local;

/// <summary>
/// One runner's line in a machine's <see cref="LocalScheduler"/> ledger: what its job asked for, the runner's pid and
/// start time (so that a dead runner's line is dropped), whether it runs or waits, and the GPUs it was given.
/// </summary>
public sealed record LedgerEntry(string Key, DateTimeOffset SubmittedAt, int Cpu, long Memory, int Gpus, string? GpuName, long? GpuMemory,
    int Pid, long StartTicks, bool Running, IReadOnlyList<int> Assigned);
