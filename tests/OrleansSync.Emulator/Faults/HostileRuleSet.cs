namespace OrleansSync.Emulator.Faults;

/// <summary>
/// The hostile rules in force and how often each kind was served. Readers see an immutable array of slots; only
/// a slot's remaining uses change, atomically, so two calls never both take a rule's last use.
/// </summary>
internal sealed class HostileRuleSet
{
    private readonly Lock _writeGate = new();
    private readonly long[] _injected = new long[Enum.GetValues<HostileKind>().Length];
    private Slot[] _slots = [];

    /// <summary>The rules with uses left, in order, each with its remaining uses as <see cref="HostileRule.Times"/>.</summary>
    public IReadOnlyList<HostileRule> InForce =>
        [.. Volatile.Read(ref _slots).Select(s => s.Current).OfType<HostileRule>()];

    public void Add(HostileRule rule)
    {
        lock (_writeGate)
        {
            Volatile.Write(ref _slots, [.. Volatile.Read(ref _slots).Where(s => s.Current is not null), new Slot(rule)]);
        }
    }

    public void Replace(IEnumerable<HostileRule> rules)
    {
        var slots = rules.Select(r => new Slot(r)).ToArray();
        lock (_writeGate)
        {
            Volatile.Write(ref _slots, slots);
        }
    }

    /// <summary>Whether some rule might take this call: the caller then keeps the normal answer to spoil it.</summary>
    public bool AnyFor(HostileTarget target, string? reviewId, string query) =>
        Volatile.Read(ref _slots).Any(s => s.Matches(target, reviewId, query) && s.Current is not null);

    /// <summary>Uses the first matching rule that can spoil this answer, and counts it.</summary>
    public HostileKind? TryTake(HostileTarget target, string? reviewId, string query, Func<HostileKind, bool> applies)
    {
        foreach (var slot in Volatile.Read(ref _slots))
        {
            if (slot.Matches(target, reviewId, query) && applies(slot.Rule.Kind) && slot.TryUse())
            {
                Interlocked.Increment(ref _injected[(int)slot.Rule.Kind]);
                return slot.Rule.Kind;
            }
        }

        return null;
    }

    /// <summary>Served answers by kind's JSON name, every kind listed.</summary>
    public IReadOnlyDictionary<string, long> Injected()
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<HostileKind>())
        {
            counts[HostileNames.Of(kind)] = Interlocked.Read(ref _injected[(int)kind]);
        }

        return counts;
    }

    public long InjectedCount(HostileKind kind) => Interlocked.Read(ref _injected[(int)kind]);

    public void ResetCounters()
    {
        for (var i = 0; i < _injected.Length; i++)
        {
            Interlocked.Exchange(ref _injected[i], 0);
        }
    }

    private sealed class Slot(HostileRule rule)
    {
        // -1 stands for "every call".
        private int _remaining = rule.Times ?? -1;

        public HostileRule Rule { get; } = rule;

        /// <summary>The rule with its uses left, or null once used up.</summary>
        public HostileRule? Current
        {
            get
            {
                var remaining = Volatile.Read(ref _remaining);
                return remaining switch
                {
                    < 0 => Rule,
                    0 => null,
                    _ => Rule with { Times = remaining },
                };
            }
        }

        public bool Matches(HostileTarget target, string? reviewId, string query) =>
            Rule.Target == target
            && (Rule.ReviewId is null || string.Equals(Rule.ReviewId, reviewId, StringComparison.OrdinalIgnoreCase))
            && (Rule.Query is null || query.Contains(Rule.Query, StringComparison.Ordinal));

        public bool TryUse()
        {
            while (true)
            {
                var remaining = Volatile.Read(ref _remaining);
                if (remaining < 0)
                {
                    return true;
                }

                if (remaining == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
                {
                    return true;
                }
            }
        }
    }
}
