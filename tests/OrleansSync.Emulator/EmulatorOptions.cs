namespace OrleansSync.Emulator;

/// <summary>Everything an emulator instance is started with.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Address to bind: an IP address or <c>localhost</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to bind; 0 picks a free one (see <see cref="AccEmulator.BaseUrl"/>).</summary>
    public int Port { get; set; }

    public DatasetOptions Dataset { get; set; } = new();

    /// <summary>The Admin API account; when null, a GUID derived from the seed.</summary>
    public string? AccountId { get; set; }

    /// <summary>Accepted clients; the first is the one <see cref="AccEmulator.DefaultClient"/> returns.</summary>
    public IList<EmulatorClient> Clients { get; set; } = [EmulatorClient.Demo];

    public RateLimitOptions RateLimits { get; set; } = new();

    public FaultSettings Faults { get; set; } = new();

    /// <summary>Clock for token expiry, rate windows and latency; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add("host must not be empty");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add("port must be between 0 and 65535");
        }

        if (Clients.Count == 0)
        {
            errors.Add("at least one client is required");
        }

        if (Clients.Any(c => string.IsNullOrEmpty(c.ClientId) || c.ClientId.Contains(':', StringComparison.Ordinal)))
        {
            errors.Add("client ids must be non-empty and contain no ':'");
        }

        if (AccountId is { Length: 0 })
        {
            errors.Add("account id must not be empty");
        }

        errors.AddRange(Dataset.Validate());
        errors.AddRange(RateLimits.Validate());
        errors.AddRange(Faults.Validate());
        return errors;
    }
}
