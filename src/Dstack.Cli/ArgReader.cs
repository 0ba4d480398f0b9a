using Dstack.Cli.Verbs;

namespace Dstack.Cli;

/// <summary>
/// A small, strict reader of one verb's arguments: flags and options are taken by name wherever they
/// appear, the rest are positionals. Anything unknown is an error that names the verb's help. Only options the
/// verb declares can be read, so whatever the parser takes is in the verb's help.
/// </summary>
public sealed class ArgReader(Verb definition, IReadOnlyList<string> args, string? subcommand = null)
{
    private readonly List<string?> _args = [.. args];
    private readonly string _command = subcommand is null ? definition.Name : $"{definition.Name} {subcommand}";

    public bool Flag(VerbOption option)
    {
        var names = Declared(option, flag: true);
        var found = false;
        for (var i = 0; i < _args.Count; i++)
            if (_args[i] is { } a && names.Contains(a)) { _args[i] = null; found = true; }
        return found;
    }

    public string? Option(VerbOption option) => Options(option).LastOrDefault();

    public IReadOnlyList<string> Options(VerbOption option)
    {
        var names = Declared(option, flag: false);
        var values = new List<string>();
        for (var i = 0; i < _args.Count; i++)
        {
            if (_args[i] is not { } a) continue;
            var eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0 && names.Contains(a[..eq]))
            {
                values.Add(a[(eq + 1)..]);
                _args[i] = null;
            }
            else if (names.Contains(a))
            {
                if (i + 1 >= _args.Count || _args[i + 1] is null)
                    throw UsageException.NeedsValue(a, _command);
                values.Add(_args[i + 1]!);
                _args[i] = _args[i + 1] = null;
                i++;
            }
        }
        return values;
    }

    /// <summary>What is left, in order; an unknown option is an error.</summary>
    public IReadOnlyList<string> Positionals(int max = int.MaxValue)
    {
        var rest = _args.OfType<string>().ToList();
        var unknown = rest.FirstOrDefault(a => a.Length > 1 && a.StartsWith('-'));
        if (unknown is not null)
            throw UsageException.UnknownOption(unknown, _command);
        if (rest.Count > max)
            throw UsageException.UnexpectedArgument(rest[max], _command);
        return rest;
    }

    /// <summary>A verb that reads an option it does not declare is a bug: its help would not show it.</summary>
    private IReadOnlyList<string> Declared(VerbOption option, bool flag) =>
        definition.Options.Contains(option) && option.Value is null == flag
            ? option.Names
            : throw new InvalidOperationException($"'dstack {_command}' reads {option.Synopsis}, which it does not declare as a {(flag ? "flag" : "valued option")}.");
}
