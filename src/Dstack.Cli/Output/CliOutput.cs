namespace Dstack.Cli.Output;

/// <summary>
/// The one way the CLI writes: text to standard output (results: tables, names, help) and standard error (progress,
/// notes, warnings, errors), and raw bytes of logs to standard output. Built once by <c>Program</c>; tests build one
/// over memory streams and read exactly what a user would see.
/// </summary>
public sealed class CliOutput(Stream stdout, Stream stderr)
{
    // Flushed at once: output and error interleave in the order they were written, and a killed CLI loses nothing.
    public TextWriter Out { get; } = new StreamWriter(stdout) { AutoFlush = true, NewLine = "\n" };
    public TextWriter Err { get; } = new StreamWriter(stderr) { AutoFlush = true, NewLine = "\n" };

    /// <summary>Standard output as bytes, for log text printed as stored; what <see cref="Out"/> holds is written first.</summary>
    public Stream OutBytes
    {
        get
        {
            Out.Flush();
            return stdout;
        }
    }

    public static CliOutput ForConsole() => new(Console.OpenStandardOutput(), Console.OpenStandardError());

    /// <summary>The one line a failed command ends with.</summary>
    public void Error(string message) => Err.WriteLine($"Error: {message}");
}
