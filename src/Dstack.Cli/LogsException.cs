using Dstack.Core.Errors;

namespace Dstack.Cli;

/// <summary>What `dstack logs` refuses, each sentence naming the value and the accepted form.</summary>
public sealed class LogsException(string message) : DstackException(message)
{
    public static LogsException NoSuchNode(int node, string run, int nodes) =>
        new($"Run {run} has no node {node}: its nodes are 0 to {nodes - 1}.");

    public static LogsException BadNode(string value) =>
        new($"Invalid --node '{value}': give a node's rank, like --node 1.");

    public static LogsException BadTail(string value) =>
        new($"Invalid --tail '{value}': give a number of lines, like --tail 100.");

    /// <summary><c>dstack attach</c> on a run that has ended: there is nothing to open.</summary>
    public static LogsException AttachToEnded(string run, string status) =>
        new($"Run {run} is {status}: there is nothing to attach to. Start it again with: dstack restart {run}");
}
