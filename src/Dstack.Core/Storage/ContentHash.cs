using System.Security.Cryptography;

namespace Dstack.Core.Storage;

/// <summary>
/// SHA-256 of content (its address in the store, and the check of what is read back), hex. The first MiB a process hashes
/// goes through <see cref="ManagedSha256"/>, the rest through .NET's (OpenSSL): loading OpenSSL costs ≈ 8 ms, which is
/// most of what a run of a small repo spends on hashing, in the CLI and again in its runner; past a MiB, OpenSSL's speed
/// repays its loading. Either gives the same hash.
/// </summary>
public static class ContentHash
{
    private const long ManagedBudget = 1 << 20;
    private static long _managed;

    public static string Of(ReadOnlySpan<byte> data) =>
        Convert.ToHexStringLower(TakeManaged(data.Length) ? ManagedSha256.Hash(data) : SHA256.HashData(data));

    public static async Task<string> OfFileAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        if (stream.Length <= ManagedBudget && TakeManaged(stream.Length))
        {
            var hash = new ManagedSha256.Incremental();
            var buffer = new byte[(int)Math.Clamp(stream.Length, 1, 1 << 16)];
            for (int read; (read = await stream.ReadAsync(buffer, ct)) > 0;) hash.Append(buffer.AsSpan(0, read));
            return Convert.ToHexStringLower(hash.Finish());
        }
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>A hash of content given in pieces, of <paramref name="size"/> bytes when known.</summary>
    public static IncrementalContentHash Incremental(long? size) =>
        size is { } known && TakeManaged(known) ? new IncrementalContentHash(new ManagedSha256.Incremental()) : new IncrementalContentHash(null);

    /// <summary>Whether <paramref name="bytes"/> more may be hashed in managed code within the process's budget.</summary>
    private static bool TakeManaged(long bytes) => Volatile.Read(ref _managed) < ManagedBudget && Interlocked.Add(ref _managed, bytes) <= ManagedBudget;
}

/// <summary>An incremental SHA-256: managed (<see cref="ManagedSha256.Incremental"/>) or OpenSSL's.</summary>
public sealed class IncrementalContentHash(ManagedSha256.Incremental? managed) : IDisposable
{
    private readonly IncrementalHash? _openSsl = managed is null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (managed is not null) managed.Append(data);
        else _openSsl!.AppendData(data);
    }

    public string FinishHex() => Convert.ToHexStringLower(managed?.Finish() ?? _openSsl!.GetHashAndReset());

    public void Dispose() => _openSsl?.Dispose();
}
