using System.Globalization;

namespace OrleansSync.Emulator.Data;

/// <summary>
/// SplitMix64. System.Random's sequence is not promised across runtime versions; the dataset must be, because
/// tests and benchmarks compare dumps byte for byte.
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    public static DeterministicRandom For(params ReadOnlySpan<ulong> parts) => new(Mix(parts));

    /// <summary>A well-spread 64-bit value derived from the parts, in order.</summary>
    public static ulong Mix(params ReadOnlySpan<ulong> parts)
    {
        ulong h = 0x243F6A8885A308D3UL;
        foreach (var part in parts)
        {
            h = Finalize(h ^ Finalize(part + 0x9E3779B97F4A7C15UL));
        }

        return h;
    }

    /// <summary>FNV-1a over UTF-16 code units: stable, unlike string.GetHashCode.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }

        return h;
    }

    /// <summary>Maps a hash to [0, 1).</summary>
    public static double ToUnit(ulong value) => (value >> 11) * (1.0 / (1UL << 53));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Finalize(_state);
    }

    public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public long NextLong(long maxExclusive) => maxExclusive <= 0 ? 0 : (long)(NextUInt64() % (ulong)maxExclusive);

    public double NextDouble() => ToUnit(NextUInt64());

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A version-4 shaped GUID, lower case, as ACC writes ids.</summary>
    public string NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, NextUInt64());
        BitConverter.TryWriteBytes(bytes[8..], NextUInt64());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D", CultureInfo.InvariantCulture);
    }

    /// <summary>Upper-case letters and digits, like Autodesk ids (<c>PER8KQPK2JRT</c>) and URN tails.</summary>
    public string NextToken(int length, string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    {
        return string.Create(length, this, (span, rng) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[rng.Next(alphabet.Length)];
            }
        });
    }

    /// <summary>Picks <paramref name="count"/> distinct indexes out of 0..n-1 (partial Fisher-Yates).</summary>
    public HashSet<int> Sample(int n, int count)
    {
        var indexes = Enumerable.Range(0, n).ToArray();
        count = Math.Clamp(count, 0, n);
        for (var i = 0; i < count; i++)
        {
            var j = Next(i, n);
            (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
        }

        return [.. indexes.AsSpan(0, count)];
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
