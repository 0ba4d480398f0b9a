using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Dstack.Core.Storage;

/// <summary>
/// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) of short inputs, in managed code. .NET hashes through OpenSSL, whose first
/// use loads libssl and libcrypto and reads their configuration: ≈ 8 ms, a sixth of a plain <c>ps</c> on a bucket, where
/// only a few hundred bytes are hashed (each request's signature, a cache folder's name). Content goes through
/// <see cref="ContentHash"/>, which uses this for a process's first MiB and OpenSSL (far faster on large data) after.
/// </summary>
public static class ManagedSha256
{
    private const int BlockSize = 64;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var hash = new Incremental();
        hash.Append(data);
        return hash.Finish();
    }

    public static byte[] Hash(string text) => Hash(Encoding.UTF8.GetBytes(text));

    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        if (key.Length > BlockSize) Hash(key).CopyTo(block);
        else key.CopyTo(block);
        var inner = new byte[BlockSize + data.Length];
        var outer = new byte[BlockSize + 32];
        for (var i = 0; i < BlockSize; i++)
        {
            inner[i] = (byte)(block[i] ^ 0x36);
            outer[i] = (byte)(block[i] ^ 0x5c);
        }
        data.CopyTo(inner.AsSpan(BlockSize));
        Hash(inner).CopyTo(outer.AsSpan(BlockSize));
        return Hash(outer);
    }

    /// <summary>A hash of data given in pieces.</summary>
    public sealed class Incremental
    {
        private readonly uint[] _h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
        private readonly byte[] _block = new byte[BlockSize];
        private int _buffered;
        private long _length;

        public void Append(ReadOnlySpan<byte> data)
        {
            _length += data.Length;
            if (_buffered > 0)
            {
                var take = Math.Min(BlockSize - _buffered, data.Length);
                data[..take].CopyTo(_block.AsSpan(_buffered));
                _buffered += take;
                data = data[take..];
                if (_buffered < BlockSize) return;
                Compress(_h, _block);
                _buffered = 0;
            }
            for (; data.Length >= BlockSize; data = data[BlockSize..]) Compress(_h, data[..BlockSize]);
            data.CopyTo(_block);
            _buffered = data.Length;
        }

        /// <summary>The digest of everything appended; the hash is not to be used after.</summary>
        public byte[] Finish()
        {
            // The rest, a 1 bit, zeros, and the length in bits: one block, or two when the rest leaves no room for the length.
            Span<byte> tail = stackalloc byte[2 * BlockSize];
            tail.Clear();
            _block.AsSpan(0, _buffered).CopyTo(tail);
            tail[_buffered] = 0x80;
            var tailLength = _buffered + 9 > BlockSize ? 2 * BlockSize : BlockSize;
            BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(tailLength - 8), (ulong)_length * 8);
            for (var i = 0; i < tailLength; i += BlockSize) Compress(_h, tail.Slice(i, BlockSize));
            var digest = new byte[32];
            for (var i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(4 * i), _h[i]);
            return digest;
        }
    }

    private static void Compress(Span<uint> h, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(4 * t));
        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (var t = 0; t < 64; t++)
        {
            var t1 = hh + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                     + ((e & f) ^ (~e & g)) + K[t] + w[t];
            var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                     + ((a & b) ^ (a & c) ^ (b & c));
            (hh, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
}
