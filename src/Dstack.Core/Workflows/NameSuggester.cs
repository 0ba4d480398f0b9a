namespace Dstack.Core.Workflows;

/// <summary>Finds the known name closest to a typo, for "did you mean" hints.</summary>
public static class NameSuggester
{
    /// <summary>The first candidate within <paramref name="maxDistance"/> edits (ignoring case) of the input, or null.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates, int maxDistance = 2) =>
        candidates
            .Select(c => (Name: c, Distance: Distance(input.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= maxDistance)
            .OrderBy(c => c.Distance) // stable: ties keep the candidates' order
            .Select(c => c.Name)
            .FirstOrDefault();

    /// <summary>Levenshtein distance, two rows at a time.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
