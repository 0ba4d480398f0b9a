using Dstack.Core.Errors;

namespace Dstack.Cli;

/// <summary>
/// A command line dstack cannot act on: every sentence names what is wrong or missing and shows the form that works.
/// </summary>
public sealed class UsageException(string message) : DstackException(message)
{
    public static UsageException NeedsValue(string option, string command) =>
        new($"Option '{option}' needs a value. See: dstack {command} --help");

    public static UsageException UnknownOption(string option, string command) =>
        new($"Unknown option '{option}' for 'dstack {command}'. See: dstack {command} --help");

    public static UsageException UnexpectedArgument(string argument, string command) =>
        new($"Unexpected argument '{argument}' for 'dstack {command}'. See: dstack {command} --help");

    public static UsageException UnknownCommand(string name, IReadOnlyList<string> commands, string? close) =>
        new(close is null
            ? $"Unknown command '{name}'. Commands: {string.Join(", ", commands)}. See: dstack --help"
            : $"Unknown command '{name}' (did you mean '{close}'?). See: dstack --help");

    /// <param name="choices">The subcommands in words: "list, add or delete".</param>
    public static UsageException UnknownSubcommand(string verb, string given, string choices) =>
        new($"Unknown {verb} command '{given}': use {choices}. See: dstack {verb} --help");

    /// <summary>stop and rm take one run, or -a, not both and not neither.</summary>
    public static UsageException RunOrAll(string verb) =>
        new($"Name a run or use --all: dstack {verb} RUN, or dstack {verb} -a.");

    public static UsageException LogsNeedsRun() => new("Name the run: dstack logs RUN (`dstack ps -a` lists them).");

    public static UsageException AttachNeedsRun() => new("Name the run: dstack attach RUN (`dstack ps` lists the unfinished ones).");

    public static UsageException RestartNeedsRun() => new("Name the run to restart: dstack restart RUN");

    public static UsageException ArtifactsNeedsSubcommand() =>
        new("Say what to do: dstack artifacts list RUN, or dstack artifacts download RUN.");

    public static UsageException ArtifactsNeedsTarget(string subcommand) =>
        new($"Name a run or a tag: dstack artifacts {subcommand} RUN, or dstack artifacts {subcommand} :TAG.");

    public static UsageException TagsAddNeedsName() => new("Name the tag: dstack tags add TAG RUN, or dstack tags add TAG -a PATH.");

    public static UsageException TagsAddRunOrFolders() =>
        new("Tag either a run or local folders: dstack tags add TAG RUN, or dstack tags add TAG -a PATH [-a PATH ...].");

    public static UsageException TagsDeleteNeedsName() => new("Name the tag to delete: dstack tags delete TAG");

    public static UsageException SecretsNeedsName(string subcommand) => new($"Name the secret: dstack secrets {subcommand} NAME [VALUE | -]");

    public static UsageException SecretsDeleteNeedsName() => new("Name the secret to delete: dstack secrets delete NAME");

    public static UsageException UnknownBackend(string backend) => new($"Unknown backend '{backend}': use local or s3.");

    public static UsageException BucketNotNamed() => new("Name the bucket: dstack config --backend s3 --bucket NAME");

    public static UsageException BadSince(string text) =>
        new($"Invalid --since '{text}': use an age like 30s, 5m, 2h, 1d, or an ISO time like 2026-11-23T10:00:00Z.");

    /// <summary>The runner verb is started by dstack itself; these name what its command line lacked.</summary>
    public static UsageException RunnerNeeds(string option) => new($"runner needs {option}");
}
