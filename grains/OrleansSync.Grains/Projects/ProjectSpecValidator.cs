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
        var known = kind.Streams(normalised).Project;
        var streams = normalised.Streams.Count == 0 ? known : normalised.Streams;
        ValidateStreams(known, streams, "--streams");
        ValidateEvery(spec.Every, minimumEvery);

        var ordered = known.Where(streams.Contains).ToList();
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

    /// <param name="known">The project's streams (<see cref="ISourceKind.Streams"/>).</param>
    /// <param name="streams">The streams asked for.</param>
    /// <param name="where">The flag they came from.</param>
    public static void ValidateStreams(IReadOnlyList<string> known, IEnumerable<string> streams, string where)
    {
        foreach (var stream in streams)
        {
            GrainInput.Text(stream, $"A stream in {where}");
            if (!known.Contains(stream))
            {
                throw new InvalidRequestException($"Unknown stream '{stream}' in {where}: choose from {string.Join(", ", known)}.");
            }
        }
    }
}
