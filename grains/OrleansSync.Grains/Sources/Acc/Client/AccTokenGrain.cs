using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansSync.Security;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Reentrant: askers wait in <see cref="AcquireAsync"/> while the holder of the lease publishes. Every turn is short
/// (no I/O), so nothing here can outlast a response timeout; a waiter that gives up (or times out) leaves the others be.
/// A turn lasts one attempt timeout (<see cref="AccSourceOptions.AttemptTimeout"/>) at most: a holder that neither
/// publishes nor releases (its publish lost, its silo stalled) keeps the others waiting no longer than that, and then
/// the next asker renews.
/// </summary>
[Reentrant]
public sealed class AccTokenGrain(TimeProvider time, IClusterMembershipService membership, IOptionsMonitor<AccSourceOptions> options)
    : Grain, IAccTokenGrain
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    // A timer may fire a hair before the wall clock reaches the turn's end; a waiter woken then would find the turn
    // still held and go back empty-handed, so it wakes this much after the end.
    private static readonly TimeSpan TurnEndSlack = TimeSpan.FromMilliseconds(20);

    // Longer than any id we make; bearer tokens (JWTs) run to a few thousand characters, and a header to some 16 KiB.
    private const int MaxTokenLength = 16 * 1024;

    private AccToken? _token;
    private Lease? _lease;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<AccTokenGrant> AcquireAsync(SiloAddress asker, AccToken? rejected, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(asker, "The asking silo");
        GrainInput.Span(wait, "The wait", TimeSpan.MaxValue);
        if (rejected is not null && string.Equals(_token?.AccessToken, rejected.AccessToken, StringComparison.Ordinal))
        {
            _token = null;
        }

        if (Grant(asker) is { } grant)
        {
            return grant;
        }

        // Woken when the turn ends, or when it runs out: then this asker may take the next one.
        var longest = TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, MaxWait.Ticks));
        if (_lease is { } held && held.Until - time.GetUtcNow() + TurnEndSlack is var left && left < longest)
        {
            longest = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        try
        {
            await _changed.Task.WaitAsync(longest, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The holder is still at it: the caller asks again.
        }

        return Grant(asker) ?? AccTokenGrant.Pending;
    }

    public Task PublishAsync(Guid lease, AccToken token, CancellationToken cancellationToken = default)
    {
        try
        {
            GrainInput.Required(token, "The token");
            GrainInput.Text(token.AccessToken, "The token's value", MaxTokenLength);
        }
        catch (InvalidRequestException)
        {
            // Refused, but the turn is over all the same: the others must not wait for a token that will not come.
            End(lease);
            throw;
        }

        // A holder whose lease ran out may still publish: its token is as good, unless the current one lives longer.
        if (_token is null || token.ExpiresAt > _token.ExpiresAt)
        {
            _token = token;
            var fresh = token.RefreshAt - time.GetUtcNow();
            if (fresh > TimeSpan.Zero)
            {
                // Idle collection would forget it, and the next asker would fetch a token while the silos still hold this one.
                DelayDeactivation(fresh);
            }
        }

        End(lease);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(Guid lease, CancellationToken cancellationToken = default)
    {
        End(lease);
        return Task.CompletedTask;
    }

    private AccTokenGrant? Grant(SiloAddress asker)
    {
        var now = time.GetUtcNow();
        if (_token is { } token && now < token.RefreshAt)
        {
            return new AccTokenGrant(token, null);
        }

        // A silo asks from one renewal at a time, so its own lease is a turn that ended without a word (a lost
        // publish): it takes a new one rather than wait for the lease to run out.
        if (_lease is { } held && !held.Holder.Equals(asker) && now < held.Until
            && !membership.CurrentSnapshot.GetSiloStatus(held.Holder).IsTerminating())
        {
            return null;
        }

        _lease = new Lease(Guid.NewGuid(), asker, now + LeaseTime(options.CurrentValue));
        return new AccTokenGrant(null, _lease.Id);
    }

    private void End(Guid lease)
    {
        if (_lease?.Id == lease)
        {
            _lease = null;
        }

        // Wakes every waiter: each takes the token, or the first one the next lease.
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    // One attempt: a token call that needs more (retries, a slow upstream) may see a second silo renew meanwhile,
    // which costs a token call; a turn that outlived its holder would cost every silo its tasks.
    private static TimeSpan LeaseTime(AccSourceOptions o) => o.AttemptTimeout;

    private sealed record class Lease(Guid Id, SiloAddress Holder, DateTimeOffset Until);
}
