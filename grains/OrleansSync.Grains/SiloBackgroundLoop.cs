namespace OrleansSync;

/// <summary>
/// A silo service that runs one loop while the silo is active: started when the silo becomes active, cancelled and
/// awaited (within the stop's time) when it stops.
/// </summary>
public abstract class SiloBackgroundLoop : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <summary>The loop; it ends when <paramref name="cancellationToken"/> does.</summary>
    protected abstract Task LoopAsync(CancellationToken cancellationToken);

    /// <summary>After the loop has ended, as the silo stops.</summary>
    protected virtual void OnStopped()
    {
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        OnStopped();
    }
}
