namespace OrleansSync.Tests.Grains;

/// <summary>A test grain persisting a counter to "sync-store" and reporting its silo.</summary>
[Alias("OrleansSync.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithGuidKey
{
    [Alias("Increment")]
    Task<long> IncrementAsync();

    [Alias("Get")]
    Task<long> GetAsync();

    [Alias("Silo")]
    Task<SiloAddress> SiloAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();
}
