namespace OrleansSync.Tests.Grains;

/// <summary>A test grain whose reminder records every tick and the silo that handled it.</summary>
[Alias("OrleansSync.Tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task StartAsync(TimeSpan period);

    [Alias("Stop")]
    Task StopAsync();
}
