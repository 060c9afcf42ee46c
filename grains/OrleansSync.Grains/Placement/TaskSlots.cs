using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OrleansSync.Pipeline;
using OrleansSync.Telemetry;

namespace OrleansSync.Placement;

/// <summary>
/// This silo's run slots (<see cref="TaskPlacementOptions.MaxRunningPerSilo"/>). A task holds one while it runs; when
/// none is free it waits in line and starts, first come first served, when one frees. Waiting never fails: only the
/// waiter's own cancellation (a cancel, its activation going away) takes it out of the line. A task whose stream never
/// ends (a PostgreSQL capture) runs beside the slots (<see cref="RunBeside"/>): holding one for good, a few of them
/// would keep every other task of the silo waiting forever. It still counts in the silo's load, so placement spreads them.
/// </summary>
public sealed class TaskSlots
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly List<string> _running = [];
    private readonly List<string> _beside = [];

    public TaskSlots(IOptions<TaskPlacementOptions> options, IMeterFactory meterFactory)
    {
        Limit = options.Value.MaxRunningPerSilo;
        // The same meter as SyncMetrics (IMeterFactory hands out one instance per name), so it lands on /metrics with it.
        var meter = meterFactory.Create(SyncMetrics.MeterName);
        meter.CreateObservableGauge(
            "orleanssync.tasks.slots", Observe, "{task}", "Tasks on this silo holding a run slot (state=running), waiting for one (state=queued) or streaming beside them (state=streaming).");
    }

    public int Limit { get; }

    /// <summary>Tasks running (in a slot or beside them) and tasks waiting for a slot: the load that placement evens out.</summary>
    public (int Running, int Queued) Counts
    {
        get
        {
            lock (_lock)
            {
                return (_running.Count + _beside.Count, _queue.Count);
            }
        }
    }

    /// <summary>The waiting tasks, first in line first.</summary>
    public IReadOnlyList<string> QueuedTaskIds()
    {
        lock (_lock)
        {
            return [.. _queue.Select(static w => w.TaskId)];
        }
    }

    public IReadOnlyList<string> RunningTaskIds()
    {
        lock (_lock)
        {
            return [.. _running, .. _beside];
        }
    }

    /// <summary>
    /// Runs <paramref name="taskId"/>, whose stream never ends, beside the slots: at once, never waiting and never
    /// taking one. Dispose the result when the run ends.
    /// </summary>
    public IAsyncDisposable RunBeside(string taskId)
    {
        lock (_lock)
        {
            _beside.Add(taskId);
        }

        return new Beside(this, taskId);
    }

    /// <summary>
    /// Takes a slot for <paramref name="taskId"/>'s run, waiting in line if none is free; <paramref name="onQueued"/>
    /// runs once, in the caller's context, when it has to wait. Dispose the result when the run ends.
    /// </summary>
    public async ValueTask<IAsyncDisposable> AcquireAsync(string taskId, Func<Task> onQueued, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (_queue.Count == 0 && _running.Count < Limit)
            {
                _running.Add(taskId);
                return new Slot(this, taskId);
            }

            waiter = new Waiter(taskId);
            waiter.Node = _queue.AddLast(waiter);
        }

        try
        {
            await onQueued();
            await waiter.Granted.Task.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(waiter);
            throw;
        }

        return new Slot(this, taskId);
    }

    /// <summary>Out of the line; or, if the slot was granted meanwhile, handed on to the next in line.</summary>
    private void Leave(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node.List is not null)
            {
                _queue.Remove(waiter.Node);
                return;
            }
        }

        Release(waiter.TaskId);
    }

    private void Release(string taskId)
    {
        lock (_lock)
        {
            _running.Remove(taskId);
            while (_running.Count < Limit && _queue.First is { } first)
            {
                _queue.RemoveFirst();
                _running.Add(first.Value.TaskId);
                // Continuations run asynchronously, on the waiting grain's own scheduler, never under this lock.
                first.Value.Granted.TrySetResult();
            }
        }
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        int running, queued, beside;
        lock (_lock)
        {
            (running, queued, beside) = (_running.Count, _queue.Count, _beside.Count);
        }

        yield return new(running, new KeyValuePair<string, object?>("state", "running"));
        yield return new(queued, new KeyValuePair<string, object?>("state", "queued"));
        yield return new(beside, new KeyValuePair<string, object?>("state", "streaming"));
    }

    private sealed class Waiter(string taskId)
    {
        public string TaskId { get; } = taskId;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter> Node { get; set; } = null!;
    }

    /// <summary>A run's slot, which it may give back while it waits for another task and take again (<see cref="IRunSlot"/>).</summary>
    public sealed class Held(TaskSlots slots, string taskId, IAsyncDisposable slot) : IRunSlot, IAsyncDisposable
    {
        private IAsyncDisposable? _slot = slot;

        public async ValueTask GiveBackAsync()
        {
            if (_slot is { } held)
            {
                _slot = null;
                await held.DisposeAsync();
            }
        }

        public async ValueTask TakeAgainAsync(CancellationToken cancellationToken) =>
            _slot ??= await slots.AcquireAsync(taskId, static () => Task.CompletedTask, cancellationToken);

        public ValueTask DisposeAsync() => GiveBackAsync();
    }

    private sealed class Beside(TaskSlots slots, string taskId) : IAsyncDisposable
    {
        private int _ended;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                lock (slots._lock)
                {
                    slots._beside.Remove(taskId);
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class Slot(TaskSlots slots, string taskId) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(taskId);
            }

            return ValueTask.CompletedTask;
        }
    }
}
