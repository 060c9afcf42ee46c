using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansSync.Security;

namespace OrleansSync.Acc;

/// <summary>
/// Reentrant: askers wait in <see cref="AcquireAsync"/> while the holder of the lease publishes. Every turn is short
/// (no I/O), so nothing here can outlast a response timeout; a waiter that gives up (or times out) leaves the others be.
/// </summary>
[Reentrant]
public sealed class AccTokenGrain(TimeProvider time, IClusterMembershipService membership, IOptionsMonitor<AccSourceOptions> options)
    : Grain, IAccTokenGrain
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

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

        try
        {
            await _changed.Task.WaitAsync(TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, MaxWait.Ticks)), time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The holder is still at it: the caller asks again.
        }

        return Grant(asker) ?? AccTokenGrant.Pending;
    }

    public Task PublishAsync(Guid lease, AccToken token, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(token, "The token");
        GrainInput.Text(token.AccessToken, "The token's value");

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

    // The longest a token call can take (every malformed retry of a call that uses its whole total timeout): a holder
    // that is still a member but never reports (its publish lost) blocks the others no longer than that.
    private static TimeSpan LeaseTime(AccSourceOptions o) =>
        ((o.TotalTimeout + o.BodyTimeout) * (o.MalformedRetries + 1)) + (o.MaxDelay * o.MalformedRetries);

    private sealed record class Lease(Guid Id, SiloAddress Holder, DateTimeOffset Until);
}
