namespace Dstack.Core.Compute.Slurm;

/// <summary>One job as <c>squeue</c> lists it: its state, Slurm's reason (why it waits, or ended), its node(s).</summary>
public sealed record SlurmQueueEntry(string State, string Reason, string? Nodes);
