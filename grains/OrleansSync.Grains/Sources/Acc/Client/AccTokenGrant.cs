namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// What <see cref="IAccTokenGrain.AcquireAsync"/> answers: a fresh <paramref name="Token"/>; or a <paramref name="Lease"/>,
/// the asker's turn to ask upstream and publish what it gets; or neither, while another silo's turn is not over yet
/// (ask again).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Acc.AccTokenGrant")]
public sealed record class AccTokenGrant([property: Id(0)] AccToken? Token, [property: Id(1)] Guid? Lease)
{
    public static AccTokenGrant Pending { get; } = new(null, null);
}
