namespace Dstack.Core.Logs;

/// <summary>One piece of a job's output: a whole line, or (when <see cref="EndsLine"/> is false) a line's start flushed early.</summary>
public readonly record struct LogEntry(DateTimeOffset At, string Text, bool EndsLine);
