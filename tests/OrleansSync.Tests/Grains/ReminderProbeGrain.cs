using System.Collections.Concurrent;

namespace OrleansSync.Tests.Grains;

public sealed class ReminderProbeGrain(ILocalSiloDetails silo) : Grain, IReminderProbeGrain, IRemindable
{
    private const string ReminderName = "probe";

    /// <summary>Ticks per grain key, shared by the in-process silos of a test cluster (one process).</summary>
    public static ConcurrentDictionary<string, ConcurrentQueue<ReminderTick>> Ticks { get; } = new();

    public async Task StartAsync(TimeSpan period) =>
        await this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.GetOrAdd(this.GetPrimaryKeyString(), static _ => new()).Enqueue(new ReminderTick(silo.SiloAddress, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

public sealed record class ReminderTick(SiloAddress Silo, DateTimeOffset At);
