using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Json;

namespace OrleansSync.Emulator.Faults;

/// <summary>
/// Decides which reviews are served malformed. A review's fate depends only on the seed, its id and the rate,
/// so every page, every single GET and the dump agree, and raising the rate only adds to the set.
/// </summary>
internal sealed class MalformedPolicy(FaultState faults, ulong seed)
{
    public MalformedKind KindOf(Review review)
    {
        var rate = faults.Settings.MalformedRate;
        if (rate <= 0)
        {
            return MalformedKind.None;
        }

        var hash = DeterministicRandom.Mix(seed, Salts.Malformed, DeterministicRandom.Hash(review.Id));
        if (DeterministicRandom.ToUnit(hash) >= rate)
        {
            return MalformedKind.None;
        }

        return (DeterministicRandom.Mix(hash) % 3) switch
        {
            0 => MalformedKind.MissingId,
            1 => MalformedKind.SequenceIdAsString,
            _ => MalformedKind.UpdatedAtAsNumber,
        };
    }
}
