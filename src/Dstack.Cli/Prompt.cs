namespace Dstack.Cli;

/// <summary>Yes/no questions on the terminal. No answer (end of input) counts as no.</summary>
public static class Prompt
{
    public static bool Confirm(CliContext ctx, string question)
    {
        ctx.Err.Write($"{question} [y/N] ");
        var answer = Console.In.ReadLine();
        if (answer is null) ctx.Err.WriteLine();
        return answer?.Trim().ToLowerInvariant() is "y" or "yes";
    }
}
