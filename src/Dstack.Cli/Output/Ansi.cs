namespace Dstack.Cli.Output;

/// <summary>Colours, only when writing to a terminal and NO_COLOR is not set.</summary>
public static class Ansi
{
    public static bool Enabled { get; set; } =
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public static string Grey(string s) => Wrap("90", s);
    public static string Red(string s) => Wrap("31", s);
    public static string Green(string s) => Wrap("32", s);
    public static string Yellow(string s) => Wrap("33", s);
    public static string Bold(string s) => Wrap("1", s);

    private static string Wrap(string code, string s) => Enabled && s.Length > 0 ? $"\u001b[{code}m{s}\u001b[0m" : s;

    /// <summary>Length as seen on screen, without escape sequences.</summary>
    public static int VisibleLength(string s)
    {
        var length = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\u001b') { while (i < s.Length && s[i] != 'm') i++; continue; }
            length++;
        }
        return length;
    }
}
