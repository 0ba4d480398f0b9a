using Dstack.Core.Errors;

namespace Dstack.Cli;

/// <summary>
/// A small, strict reader of one verb's arguments: flags and options are taken by name wherever they
/// appear, the rest are positionals. Anything unknown is an error that names the verb's help.
/// </summary>
public sealed class ArgReader(string verb, IReadOnlyList<string> args)
{
    private readonly List<string?> _args = [.. args];

    public bool Flag(params string[] names)
    {
        var found = false;
        for (var i = 0; i < _args.Count; i++)
            if (_args[i] is { } a && names.Contains(a)) { _args[i] = null; found = true; }
        return found;
    }

    public string? Option(params string[] names) => Options(names).LastOrDefault();

    public IReadOnlyList<string> Options(params string[] names)
    {
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
                    throw new DstackException($"Option '{a}' needs a value. See: dstack {verb} --help");
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
            throw new DstackException($"Unknown option '{unknown}' for 'dstack {verb}'. See: dstack {verb} --help");
        if (rest.Count > max)
            throw new DstackException($"Unexpected argument '{rest[max]}' for 'dstack {verb}'. See: dstack {verb} --help");
        return rest;
    }
}
