namespace OrleansSync.Emulator.Data;

/// <summary>
/// One project's records. Not thread-safe by itself: <see cref="Dataset"/> guards every access with its lock.
/// </summary>
internal sealed class ProjectState
{
    private readonly List<Review> _reviews;
    private readonly List<Workflow> _workflows;
    private readonly Dictionary<string, int> _reviewIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _workflowIndex = new(StringComparer.OrdinalIgnoreCase);

    public ProjectState(Project project, List<Workflow> workflows, List<Review> reviews)
    {
        Project = project;
        _workflows = workflows;
        _reviews = reviews;
        for (var i = 0; i < workflows.Count; i++)
        {
            _workflowIndex.Add(workflows[i].Id, i);
        }

        for (var i = 0; i < reviews.Count; i++)
        {
            _reviewIndex.Add(reviews[i].Id, i);
        }
    }

    public Project Project { get; }

    public string Id => Project.Id;

    /// <summary>In sequenceId order, which is also ACC's default order.</summary>
    public IReadOnlyList<Review> Reviews => _reviews;

    /// <summary>In creation order.</summary>
    public IReadOnlyList<Workflow> Workflows => _workflows;

    public int NextSequenceId => _reviews.Count == 0 ? 1 : _reviews[^1].SequenceId + 1;

    public Review? FindReview(string id) => _reviewIndex.TryGetValue(id, out var i) ? _reviews[i] : null;

    public Workflow? FindWorkflow(string id) => _workflowIndex.TryGetValue(id, out var i) ? _workflows[i] : null;

    public void Replace(Review review) => _reviews[_reviewIndex[review.Id]] = review;

    public void Replace(Workflow workflow) => _workflows[_workflowIndex[workflow.Id]] = workflow;

    public void Add(Review review)
    {
        _reviewIndex.Add(review.Id, _reviews.Count);
        _reviews.Add(review);
    }
}
