namespace OrleansSync;

/// <summary>
/// ACC accepts project and account ids with or without the <c>b.</c> prefix of its older APIs; grains, mirrors and
/// the CLI key them without it.
/// </summary>
public static class ProjectIds
{
    private const string Prefix = "b.";

    public static string Normalize(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : id;
    }
}
