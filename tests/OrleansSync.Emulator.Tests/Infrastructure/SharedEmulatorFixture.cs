namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>
/// One emulator for the tests that only read: no quotas, no faults, never mutated. Tests that change an emulator
/// start their own.
/// </summary>
public sealed class SharedEmulatorFixture : IAsyncLifetime
{
    private AccEmulator? _emulator;
    private UpstreamClient? _client;

    public AccEmulator Emulator => _emulator ?? throw new InvalidOperationException("Not started.");

    internal UpstreamClient Client => _client ?? throw new InvalidOperationException("Not started.");

    public string Token { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _emulator = await AccEmulator.StartAsync(TestOptions.Small(), TestContext.Current.CancellationToken);
        _client = new UpstreamClient(_emulator);
        Token = await _client.TokenAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedEmulatorCollection : ICollectionFixture<SharedEmulatorFixture>
{
    public const string Name = "shared emulator";
}
