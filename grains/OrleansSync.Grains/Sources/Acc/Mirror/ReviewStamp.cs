
namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>A review and the upstream <c>updatedAt</c> its children are (or are to be) synced for.</summary>
/// <param name="ReviewId">The review's upstream id.</param>
/// <param name="UpdatedAt">The review's <c>updatedAt</c>; <see cref="NoUpdatedAt"/> when upstream gave none.</param>
public sealed record class ReviewStamp(string ReviewId, DateTimeOffset UpdatedAt)
{
    /// <summary>Stands for a review without <c>updatedAt</c>: older than any real one, so never preferred to it.</summary>
    public static readonly DateTimeOffset NoUpdatedAt = DateTimeOffset.MinValue;
}
