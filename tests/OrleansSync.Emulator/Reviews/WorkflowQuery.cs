using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Reviews;

/// <summary>The filters and sort of <c>GET workflows</c>: ACTIVE unless INACTIVE is asked for.</summary>
internal sealed class WorkflowQuery
{
    private static readonly string[] SortFields = ["name", "status", "updatedAt"];
    private static readonly string[] Statuses = ["ACTIVE", "INACTIVE"];

    private readonly HashSet<string> _statuses = new(StringComparer.Ordinal);
    private List<SortKey> _sort = [];

    public static bool TryParse(IQueryCollection query, out WorkflowQuery result, out string error)
    {
        result = new WorkflowQuery();
        if (query.TryGetValue("filter[status]", out var values))
        {
            foreach (var status in QueryValues.Split(values))
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

        if (result._statuses.Count == 0)
        {
            result._statuses.Add("ACTIVE");
        }

        return SortKey.TryParse(query["sort"].ToString(), SortFields, out result._sort, out error);
    }

    public List<Workflow> Apply(IReadOnlyList<Workflow> workflows)
    {
        var matches = workflows.Where(w => _statuses.Contains(w.Status)).ToList();
        if (_sort.Count > 0)
        {
            // List.Sort is unstable; the creation index breaks ties so pages never shuffle.
            var position = new Dictionary<Workflow, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < matches.Count; i++)
            {
                position[matches[i]] = i;
            }

            matches.Sort((a, b) => Compare(a, b) is var order && order != 0 ? order : position[a].CompareTo(position[b]));
        }

        return matches;
    }

    private int Compare(Workflow a, Workflow b)
    {
        foreach (var key in _sort)
        {
            var order = key.Field switch
            {
                "name" => string.CompareOrdinal(a.Name, b.Name),
                "status" => string.CompareOrdinal(a.Status, b.Status),
                _ => a.UpdatedAt.CompareTo(b.UpdatedAt),
            };
            if (order != 0)
            {
                return key.Descending ? -order : order;
            }
        }

        return 0;
    }
}
