using Polly;
using Polly.Timeout;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// A timeout whose clock stops while the call waits for its rate-budget permit: a wait for one's turn is not
/// upstream being slow, and counting it would turn a busy budget (many projects on one credential) into timeouts,
/// retries and open breakers. The permit handler stops every such clock of its request (<see cref="PauseAll"/>) while
/// it waits, so only the run's own cancellation bounds the wait, and then sends under all of them (<see cref="Bound"/>):
/// Polly lets a strategy hand its callback no token of its own. Fails as Polly's timeout does, with
/// <see cref="TimeoutRejectedException"/>.
/// </summary>
internal sealed class AccTimeout(TimeSpan timeout, TimeProvider time) : ResilienceStrategy
{
    private static readonly ResiliencePropertyKey<List<Clock>> Running = new("OrleansSync.Acc.Timeouts");

    /// <summary>Stops the clock of every timeout around <paramref name="request"/> until the result is disposed.</summary>
    public static IDisposable PauseAll(HttpRequestMessage request)
    {
        if (request.GetResilienceContext() is not { } context || !context.Properties.TryGetValue(Running, out var clocks))
        {
            return NoClocks.Instance;
        }

        Clock[] paused;
        lock (clocks)
        {
            paused = [.. clocks];
        }

        foreach (var clock in paused)
        {
            clock.Pause();
        }

        return new Resume(paused);
    }

    /// <summary>A token that ends with <paramref name="cancellationToken"/> or when any timeout around <paramref name="request"/> runs out.</summary>
    public static CancellationTokenSource Bound(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.GetResilienceContext() is not { } context || !context.Properties.TryGetValue(Running, out var clocks))
        {
            return CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        lock (clocks)
        {
            return CancellationTokenSource.CreateLinkedTokenSource([cancellationToken, .. clocks.Select(static c => c.Token)]);
        }
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outer = context.CancellationToken;
        using var clock = new Clock(timeout, time);
        if (!context.Properties.TryGetValue(Running, out var clocks))
        {
            clocks = [];
            context.Properties.Set(Running, clocks);
        }

        lock (clocks)
        {
            clocks.Add(clock);
        }

        Outcome<TResult> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            lock (clocks)
            {
                clocks.Remove(clock);
            }
        }

        return clock.Expired && !outer.IsCancellationRequested && outcome.Exception is OperationCanceledException cancelled
            ? Outcome.FromException<TResult>(new TimeoutRejectedException($"The operation didn't complete within the allowed timeout of '{timeout}'.", timeout, cancelled))
            : outcome;
    }

    /// <summary>One execution's time left; it runs down only while no permit wait holds it.</summary>
    private sealed class Clock : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly TimeProvider _time;
        private readonly CancellationTokenSource _cancel;
        private readonly ITimer _timer;
        private TimeSpan _left;
        private long _runningSince;
        private int _pauses;
        private bool _expired;

        public Clock(TimeSpan timeout, TimeProvider time)
        {
            _time = time;
            _left = timeout;
            _cancel = new CancellationTokenSource();
            _runningSince = time.GetTimestamp();
            _timer = time.CreateTimer(static c => ((Clock)c!).Expire(), this, timeout, Timeout.InfiniteTimeSpan);
        }

        public CancellationToken Token => _cancel.Token;

        public bool Expired
        {
            get
            {
                lock (_gate)
                {
                    return _expired;
                }
            }
        }

        public void Pause()
        {
            lock (_gate)
            {
                if (_pauses++ == 0 && !_expired)
                {
                    _left -= _time.GetElapsedTime(_runningSince);
                    _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Continue()
        {
            lock (_gate)
            {
                if (--_pauses == 0 && !_expired)
                {
                    _runningSince = _time.GetTimestamp();
                    _timer.Change(_left > TimeSpan.Zero ? _left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            _cancel.Dispose();
        }

        private void Expire()
        {
            lock (_gate)
            {
                if (_pauses > 0 || _expired)
                {
                    // Fired just as a wait began: the clock is stopped, and Continue sets it again.
                    return;
                }

                _expired = true;
            }

            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The execution ended as the clock ran out.
            }
        }
    }

    private sealed class Resume(Clock[] clocks) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                foreach (var clock in clocks)
                {
                    clock.Continue();
                }
            }
        }
    }

    private sealed class NoClocks : IDisposable
    {
        public static readonly NoClocks Instance = new();

        public void Dispose()
        {
        }
    }
}
