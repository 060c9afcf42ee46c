namespace OrleansSync.RateBudget;

public sealed partial class SiloCallPermits
{
    /// <summary>One credential and family on this silo: callers waiting by project, spare slots, and the pump.</summary>
    private sealed class LocalBudget(SiloCallPermits owner, string credential, string family, TimeSpan window, TimeSpan grace)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, LinkedList<TaskCompletionSource<long>>> _waiting = new(StringComparer.Ordinal);
        private readonly Queue<long> _spare = new();
        private readonly ClockGap _gap = new(window);
        private long _pausedUntil = long.MinValue;
        private bool _pumping;

        // Set when a caller starts waiting while the pump sleeps with everyone served: it need not wait out AskAgainIn.
        // (Callers that join others still waiting change nothing the grain would answer sooner.)
        private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _allServed;

        private TimeProvider Time => owner.Time;

        public async ValueTask AcquireAsync(string project, CancellationToken cancellationToken)
        {
            var started = Time.GetTimestamp();
            var late = 0;
            while (!await TryTakeSlotAsync(project, cancellationToken))
            {
                late++;
            }

            owner.Metrics.Permitted(credential, family, Time.GetElapsedTime(started), late);
        }

        /// <summary>
        /// Waits for a slot and its time. False when the process woke too late for it (a GC pause, a starved thread
        /// pool): calls sent late bunch up after the stall and could crowd one of upstream's windows past its limit,
        /// so the slot is given up and the caller waits for another.
        /// </summary>
        private async ValueTask<bool> TryTakeSlotAsync(string project, CancellationToken cancellationToken)
        {
            TaskCompletionSource<long>? waiter = null;
            LinkedListNode<TaskCompletionSource<long>>? node = null;
            long due;
            lock (_gate)
            {
                var now = Now;
                while (_spare.TryPeek(out var early) && early < now - grace.Ticks)
                {
                    _spare.Dequeue();
                }

                if (_pausedUntil <= now && _spare.TryDequeue(out var spare))
                {
                    due = spare;
                }
                else
                {
                    waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (!_waiting.TryGetValue(project, out var queue))
                    {
                        queue = new LinkedList<TaskCompletionSource<long>>();
                        _waiting[project] = queue;
                    }

                    node = queue.AddLast(waiter);
                    due = 0;
                    if (!_pumping)
                    {
                        _pumping = true;
                        _ = Task.Run(PumpAsync, CancellationToken.None);
                    }
                    else if (_allServed)
                    {
                        _allServed = false;
                        _wake.TrySetResult();
                    }
                }
            }

            if (waiter is not null)
            {
                try
                {
                    due = await waiter.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    lock (_gate)
                    {
                        node!.List?.Remove(node);
                        if (waiter.Task.IsCompletedSuccessfully)
                        {
                            // Granted just as the caller gave up: the next caller takes it.
                            _spare.Enqueue(waiter.Task.Result);
                        }
                    }

                    throw;
                }
            }

            var wait = due - Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromTicks(wait), Time, cancellationToken);
            }

            return Now - due <= grace.Ticks;
        }

        public void Pause(TimeSpan retryAfter)
        {
            lock (_gate)
            {
                _pausedUntil = Math.Max(_pausedUntil, Now + retryAfter.Ticks);
                _spare.Clear();
            }
        }

        private long Now => Time.GetUtcNow().UtcTicks;

        /// <summary>
        /// Serves the callers until none waits. Whatever fails in a round (a strange answer, a timer refused) starts the
        /// pump again after a second: a pump that died for good would leave <c>_pumping</c> set and every later caller
        /// of this budget waiting forever.
        /// </summary>
        private async Task PumpAsync()
        {
            while (true)
            {
                try
                {
                    await ServeAsync();
                    return;
                }
                catch (Exception e)
                {
                    LogPumpFailed(owner.Logger, credential, family, e);
                }

                try
                {
                    await Task.Delay(LeaseRetryDelay, Time);
                }
                catch (Exception)
                {
                    // The clock itself failed: the runtime's timer still bounds the pause.
                    await Task.Delay(LeaseRetryDelay, CancellationToken.None);
                }
            }
        }

        private async Task ServeAsync()
        {
            var grain = owner.Grains.GetGrain<IRateBudgetGrain>(credential);
            while (true)
            {
                List<ProjectDemand> demand;
                lock (_gate)
                {
                    _allServed = false;
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    demand = [.. _waiting.Where(static w => w.Value.Count > 0).Select(static w => new ProjectDemand(w.Key, w.Value.Count))];
                    if (demand.Count == 0)
                    {
                        _pumping = false;
                        owner.Metrics.Observed(credential, family, 0, 0);
                        return;
                    }
                }

                TimeSpan next;
                try
                {
                    var lease = await grain.LeaseAsync(new RateLeaseRequest(owner.SiloName, family, demand));
                    next = Take(lease);
                }
                catch (Exception e)
                {
                    LogLeaseFailed(owner.Logger, credential, family, e.Message);
                    await Task.Delay(LeaseRetryDelay, Time);
                    continue;
                }

                // Asked again when the grain said (but at least once per MaxPause), or sooner when a caller starts
                // waiting after everyone was served, but never more often than every few milliseconds: the grain
                // serves every silo.
                next = TimeSpan.FromTicks(Math.Clamp(next.Ticks, 0, owner.MaxPause.Ticks));
                await Task.Delay(MinimumAskInterval, Time);
                if (next > MinimumAskInterval)
                {
                    await Task.WhenAny(_wake.Task, Task.Delay(next - MinimumAskInterval, Time));
                }
            }
        }

        /// <summary>Gives each slot to the oldest caller of its project (of any project, if none waits for it), or keeps it spare.</summary>
        private TimeSpan Take(RateLease lease)
        {
            var received = Now;
            lock (_gate)
            {
                // An answer that took longer than the quickest (a stalled reply) brings slots whose time has partly
                // passed, and a caller woken past its slot's grace takes another instead of crowding a window.
                var gap = _gap.Observe(received - lease.IssuedAt);
                if (lease.PausedFor > TimeSpan.Zero)
                {
                    _pausedUntil = Math.Max(_pausedUntil, received + Math.Min(lease.PausedFor.Ticks, owner.MaxPause.Ticks));
                }

                foreach (var slot in lease.Slots)
                {
                    var due = lease.IssuedAt + gap + slot.DueIn.Ticks;
                    var waiter = NextOf(slot.Project) ?? NextOfAny();
                    if (waiter is null || !waiter.TrySetResult(due))
                    {
                        _spare.Enqueue(due);
                    }
                }

                var stillWaiting = _waiting.Values.Sum(static q => q.Count);
                _allServed = stillWaiting == 0;
                owner.Metrics.Observed(credential, family, stillWaiting, lease.CallsPerSecond);
            }

            return lease.AskAgainIn;
        }

        private TaskCompletionSource<long>? NextOf(string project) =>
            _waiting.TryGetValue(project, out var queue) ? Dequeue(queue) : null;

        private TaskCompletionSource<long>? NextOfAny() =>
            _waiting.Values.FirstOrDefault(static q => q.Count > 0) is { } queue ? Dequeue(queue) : null;

        private static TaskCompletionSource<long>? Dequeue(LinkedList<TaskCompletionSource<long>> queue)
        {
            if (queue.First is not { } first)
            {
                return null;
            }

            queue.RemoveFirst();
            return first.Value;
        }
    }
}
