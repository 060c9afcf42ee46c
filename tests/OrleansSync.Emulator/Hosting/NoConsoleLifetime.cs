namespace OrleansSync.Emulator.Hosting;

/// <summary>
/// In-process hosts must not take over the test runner's Ctrl-C and SIGTERM; their owner stops them.
/// </summary>
internal sealed class NoConsoleLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
