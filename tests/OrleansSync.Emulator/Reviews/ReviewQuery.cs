using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Reviews;

/// <summary>The filters and sort of <c>GET reviews</c>.</summary>
internal sealed class ReviewQuery
{
    private static readonly string[] SortFields = ["name", "status", "sequenceId", "currentStepDueDate", "createdAt", "finishedAt"];
    private static readonly string[] Statuses = ["OPEN", "CLOSED", "VOID", "FAILED"];

    private long? _updatedFrom;
    private long? _updatedTo;
    private HashSet<string>? _statuses;
    private bool _archived;
    private HashSet<string>? _workflowIds;
    private List<SortKey> _sort = [];

    public static bool TryParse(IQueryCollection query, out ReviewQuery result, out string error)
    {
        result = new ReviewQuery();
        if (query.TryGetValue("filter[updatedAt]", out var updated)
            && !TimeRange.TryParse(updated[0], out result._updatedFrom, out result._updatedTo, out error))
        {
            return false;
        }

        if (query.TryGetValue("filter[status]", out var statusValues))
        {
            result._statuses = new HashSet<string>(StringComparer.Ordinal);
            foreach (var status in QueryValues.Split(statusValues))
            {
                var known = Statuses.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                {
                    error = $"Invalid filter[status] '{status}'. Allowed: {string.Join(", ", Statuses)}.";
                    return false;
                }

                result._statuses.Add(known);
            }
        }

        if (query.TryGetValue("filter[archived]", out var archived) && !bool.TryParse(archived[0], out result._archived))
        {
            error = $"Invalid filter[archived] '{archived[0]}': use true or false.";
            return false;
        }

        if (query.TryGetValue("filter[workflowId]", out var workflowIds))
        {
            result._workflowIds = new HashSet<string>(QueryValues.Split(workflowIds), StringComparer.OrdinalIgnoreCase);
        }

        return SortKey.TryParse(query["sort"].ToString(), SortFields, out result._sort, out error);
    }

    /// <summary>Matching reviews in the requested order; ties (and no sort) keep sequenceId order.</summary>
    public List<Review> Apply(IReadOnlyList<Review> reviews)
    {
        var matches = new List<Review>();
        foreach (var review in reviews)
        {
            if (review.Archived == _archived
                && (_updatedFrom is not { } from || review.UpdatedAt >= from)
                && (_updatedTo is not { } to || review.UpdatedAt <= to)
                && (_statuses is null || _statuses.Contains(review.Status))
                && (_workflowIds is null || _workflowIds.Contains(review.WorkflowId)))
            {
                matches.Add(review);
            }
        }

        if (_sort.Count > 0)
        {
            matches.Sort(Compare);
        }

        return matches;
    }

    private int Compare(Review a, Review b)
    {
        foreach (var key in _sort)
        {
            var order = key.Field switch
            {
                "name" => string.CompareOrdinal(a.Name, b.Name),
                "status" => string.CompareOrdinal(a.Status, b.Status),
                "sequenceId" => a.SequenceId.CompareTo(b.SequenceId),
                "currentStepDueDate" => CompareNullable(a.CurrentStepDueDate, b.CurrentStepDueDate),
                "createdAt" => a.CreatedAt.CompareTo(b.CreatedAt),
                _ => CompareNullable(a.FinishedAt, b.FinishedAt),
            };
            if (order != 0)
            {
                return key.Descending ? -order : order;
            }
        }

        return a.SequenceId.CompareTo(b.SequenceId);
    }

    /// <summary>Nulls sort last ascending (and so first descending).</summary>
    private static int CompareNullable(long? a, long? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        _ => a.Value.CompareTo(b.Value),
    };
}
