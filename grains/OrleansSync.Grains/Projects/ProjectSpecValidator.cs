using OrleansSync.Security;
using OrleansSync.Sources;

namespace OrleansSync.Projects;

/// <summary>Checks and normalises a project's settings; every refusal says what, where and how to fix it.</summary>
public static class ProjectSpecValidator
{
    /// <summary>
    /// The project's own settings (its id, kind, streams and schedule) here; the settings of its source are its
    /// kind's to check (<see cref="ISourceKind.Normalise"/>).
    /// </summary>
    public static ProjectSpec Normalise(string grainKey, ProjectSpec spec, TimeSpan minimumEvery, SourceKinds kinds)
    {
        GrainInput.Required(spec, "The project's settings");
        GrainInput.OptionalText(spec.ProjectId, "The project id");
        GrainInput.OptionalText(spec.Source, "--source");
        GrainInput.Required(spec.Streams, "--streams");
        if (string.IsNullOrWhiteSpace(spec.ProjectId))
        {
            throw new InvalidRequestException("The project id is empty: give the upstream project id (with or without 'b.').");
        }

        var projectId = ProjectIds.Normalize(spec.ProjectId);
        if (projectId != grainKey)
        {
            throw new InvalidRequestException($"Project id '{spec.ProjectId}' does not match the project '{grainKey}' it was sent to.");
        }

        var kind = kinds.Of(spec.Source);
        var normalised = kind.Normalise(spec);
        var streams = spec.Streams.Count == 0 ? kind.Streams.Project : spec.Streams;
        ValidateStreams(kind, streams, "--streams");
        ValidateEvery(spec.Every, minimumEvery);

        var ordered = kind.Streams.Project.Where(streams.Contains).ToList();
        return normalised with { ProjectId = projectId, Source = kind.Name, Streams = ordered };
    }

    /// <summary>The longest schedule: a reminder's period must stay far from the clock's end.</summary>
    public static readonly TimeSpan MaximumEvery = TimeSpan.FromDays(366);

    public static void ValidateEvery(TimeSpan? every, TimeSpan minimumEvery)
    {
        if (every is { } tooLong && tooLong > MaximumEvery)
        {
            throw new InvalidRequestException($"--every {tooLong} is longer than the longest schedule, {MaximumEvery.TotalDays:0} days: give a shorter period.");
        }

        if (every is { } period && period < minimumEvery)
        {
            throw new InvalidRequestException($"--every {period} is shorter than the shortest schedule this cluster accepts, {minimumEvery} (OrleansSync:Projects:MinimumEvery): give a longer period.");
        }
    }

    public static void ValidateStreams(ISourceKind kind, IEnumerable<string> streams, string where)
    {
        foreach (var stream in streams)
        {
            GrainInput.Text(stream, $"A stream in {where}");
            if (!kind.Streams.Project.Contains(stream))
            {
                throw new InvalidRequestException($"Unknown stream '{stream}' in {where}: choose from {string.Join(", ", kind.Streams.Project)}.");
            }
        }
    }
}
