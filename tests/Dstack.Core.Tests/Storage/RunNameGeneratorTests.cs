using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Storage;

public sealed class RunNameGeneratorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-names-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Next_HasTheAdjectiveAnimalNumberShape()
    {
        var name = await new RunNameGenerator(new LocalStorage(_root)).NextAsync(default);
        name.ShouldMatch(@"^[a-z]+-[a-z]+-\d+$");
    }

    [Fact]
    public async Task Next_SameStemConcurrently_GivesDistinctNumbers()
    {
        var storage = new LocalStorage(_root);
        // A fixed seed per generator makes every one of them pick the same adjective and animal.
        var names = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            Task.Run(() => new RunNameGenerator(storage, new Random(7)).NextAsync(default))));
        names.Distinct().Count().ShouldBe(12);
        names.Select(n => n[..n.LastIndexOf('-')]).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Next_AFreeStem_IsClaimedAsOne_WhileItsNamesAreListed()
    {
        var claimed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var storage = new CountingStorage(new LocalStorage(_root))
        {
            // The listing answers only once the claim is made: one after the other, they would never get there.
            BeforePut = _ => { claimed.TrySetResult(); return Task.CompletedTask; },
            BeforeList = (_, ct) => claimed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct),
        };

        var name = await new RunNameGenerator(storage, new Random(7)).NextAsync(default);

        name.ShouldEndWith("-1");
        storage.Writes.ShouldBe([StoreKeys.RunName(name)]);
    }

    [Fact]
    public async Task Next_AStemTakenUpToThree_GivesFour()
    {
        var storage = new LocalStorage(_root);
        var first = await new RunNameGenerator(storage, new Random(7)).NextAsync(default);
        var stem = first[..^1];
        foreach (var n in new[] { 2, 3 }) await storage.PutAsync(StoreKeys.RunName(stem + n), ReadOnlyMemory<byte>.Empty, default);

        var name = await new RunNameGenerator(storage, new Random(7)).NextAsync(default);

        name.ShouldBe(stem + 4);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
