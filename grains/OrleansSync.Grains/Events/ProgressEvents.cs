using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansSync.Resilience;
using OrleansSync.Tasks;

namespace OrleansSync.Events;

/// <summary>
/// Turns the task views a progress writer receives into feed events: a task's <c>progress</c> at most once per
/// <see cref="EventOptions.EventInterval"/>, but at once on a change of status (its end included); a <c>breaker</c>
/// event when its breaker changes phase; a <c>deadletter</c> event when it dead-letters more records. A view held back
/// by the interval goes out on the writer's next tick once the interval has passed, so the last state is never lost.
/// </summary>
public sealed class ProgressEvents(EventPublisher publisher, TimeProvider time, EventOptions options)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    private readonly Dictionary<string, Sent> _tasks = new(StringComparer.Ordinal);

    public void Observe(TaskView view)
    {
        var now = time.GetUtcNow();
        var id = view.Spec.TaskId;
        _tasks.TryGetValue(id, out var sent);
        var phase = view.Breaker?.Phase ?? BreakerPhase.Closed;
        if (sent is not null && phase != sent.Phase)
        {
            Publish("breaker", view, now, new { view.Spec.TaskId, view.Spec.ProjectId, view.Spec.Stream, breaker = view.Breaker });
        }

        if (sent is not null && view.Progress.DeadLettered > sent.DeadLettered)
        {
            Publish("deadletter", view, now, new
            {
                view.Spec.TaskId, view.Spec.ProjectId, view.Spec.Stream, added = view.Progress.DeadLettered - sent.DeadLettered, total = view.Progress.DeadLettered,
            });
        }

        if (sent is null || view.Status != sent.Status || now - sent.At >= options.EventInterval)
        {
            PublishProgress(view, now);
        }
        else
        {
            _tasks[id] = sent with { Phase = phase, DeadLettered = view.Progress.DeadLettered, Held = view };
            return;
        }

        if (view.IsTerminal)
        {
            _tasks.Remove(id);
        }
    }

    /// <summary>The writer's tick: views held back whose interval has passed go out now.</summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        foreach (var (_, sent) in _tasks.Where(t => t.Value.Held is not null && now - t.Value.At >= options.EventInterval).ToList())
        {
            PublishProgress(sent.Held!, now);
        }
    }

    private void PublishProgress(TaskView view, DateTimeOffset now)
    {
        var spec = view.Spec;
        Publish("progress", view, now, new
        {
            spec.TaskId,
            spec.ProjectId,
            spec.Stream,
            spec.RunId,
            kind = spec.BackfillId is not null ? "backfill" : spec.Full ? "full" : "incremental",
            status = view.Status.ToText(),
            percent = view.Progress.Percent,
            records = view.Progress.RecordsRead,
            view.RecordsPerSecond,
            view.Eta,
            breaker = (view.Breaker?.Phase ?? BreakerPhase.Closed).ToString().ToLowerInvariant(),
            view.Silo,
            // When this silo learnt of it (a page's report comes after its commit): a client can tell how late it is.
            at = now,
        });
        _tasks[spec.TaskId] = new Sent(now, view.Status, view.Breaker?.Phase ?? BreakerPhase.Closed, view.Progress.DeadLettered, null);
    }

    private void Publish(string type, TaskView view, DateTimeOffset now, object data) =>
        publisher.Publish(new ClusterEvent(0, type, view.Spec.ProjectId, now, JsonSerializer.Serialize(data, Json)));

    private sealed record class Sent(DateTimeOffset At, SyncTaskStatus Status, BreakerPhase Phase, long DeadLettered, TaskView? Held);
}
