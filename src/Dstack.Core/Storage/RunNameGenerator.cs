namespace Dstack.Core.Storage;

/// <summary>
/// Names runs <c>adjective-animal-N</c>. Uniqueness comes from a create-only marker per name, so
/// several <c>dstack run</c> started at the same moment never share one.
/// </summary>
public sealed class RunNameGenerator(IStorage storage, Random? random = null)
{
    private static readonly string[] Adjectives =
    [
        "able", "amber", "ancient", "bold", "brave", "bright", "brisk", "calm", "clever", "cool", "cosmic", "crisp",
        "curly", "dark", "dry", "eager", "early", "easy", "fancy", "fast", "fierce", "fluffy", "fresh", "gentle",
        "giant", "glad", "golden", "good", "grumpy", "happy", "heavy", "honest", "huge", "humble", "icy", "jolly",
        "kind", "large", "lazy", "light", "little", "lively", "loud", "lucky", "mighty", "misty", "modern", "noble",
        "odd", "old", "polite", "proud", "quick", "quiet", "rapid", "rare", "red", "rich", "shiny", "shy", "silent",
        "silly", "slow", "smart", "soft", "solid", "stable", "steady", "strong", "sunny", "swift", "tall", "tender",
        "tidy", "tiny", "vast", "warm", "wet", "wild", "wise", "witty", "young", "zesty",
    ];

    private static readonly string[] Animals =
    [
        "ant", "badger", "bat", "bear", "beaver", "bee", "bison", "boar", "buffalo", "camel", "cat", "cheetah", "cobra",
        "crab", "crane", "crow", "deer", "dingo", "dodo", "dog", "dolphin", "donkey", "dove", "eagle", "eel", "elk",
        "falcon", "ferret", "finch", "fox", "frog", "gecko", "goat", "goose", "gorilla", "hawk", "hedgehog", "heron",
        "horse", "hyena", "ibis", "jaguar", "koala", "lemur", "lion", "lizard", "llama", "lynx", "mangust", "mole",
        "moose", "mouse", "newt", "octopus", "otter", "owl", "panda", "panther", "parrot", "penguin", "pig", "puma",
        "quail", "rabbit", "raven", "seal", "shark", "sheep", "snail", "sparrow", "squid", "swan", "tiger", "turtle",
        "walrus", "wasp", "whale", "wolf", "wombat", "yak", "zebra",
    ];

    public async Task<string> NextAsync(CancellationToken ct)
    {
        var rng = random ?? Random.Shared;
        var stem = $"{Adjectives[rng.Next(Adjectives.Length)]}-{Animals[rng.Next(Animals.Length)]}-";
        // Names of a stem are taken 1, 2, 3… and never given back: when N=1 is free, no other is taken, and the claim
        // names the run. The listing, for when it is not, runs alongside: on a bucket, one round trip for both.
        var listing = HighestTakenAsync(stem, ct);
        bool first;
        try { first = await storage.PutIfAbsentAsync(StoreKeys.RunName(stem + 1), ReadOnlyMemory<byte>.Empty, ct); }
        catch
        {
            try { await listing; }
            catch (Exception e) when (e is not OutOfMemoryException) { /* the claim's error is the one to report */ }
            throw;
        }
        var n = Math.Max(await listing, 1) + 1;
        if (first) return stem + 1;
        while (!await storage.PutIfAbsentAsync(StoreKeys.RunName(stem + n), ReadOnlyMemory<byte>.Empty, ct))
            n++;
        return stem + n;
    }

    private async Task<int> HighestTakenAsync(string stem, CancellationToken ct)
    {
        var highest = 0;
        await foreach (var key in storage.ListAsync(StoreKeys.RunName(stem), ct))
            if (int.TryParse(key.AsSpan(StoreKeys.RunName(stem).Length), out var n) && n > highest)
                highest = n;
        return highest;
    }
}
