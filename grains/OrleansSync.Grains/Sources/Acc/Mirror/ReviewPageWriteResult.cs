using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>What landing a page of reviews did, and which reviews it inserted or updated.</summary>
/// <param name="Page">The page's counts.</param>
/// <param name="Changed">The reviews inserted or updated, with their stored updatedAt: the ones whose children to refresh.</param>
public sealed record class ReviewPageWriteResult(PageWriteResult Page, IReadOnlyList<ReviewStamp> Changed);
