using OrleansSync.Pipeline;
using OrleansSync.Secrets;
using OrleansSync.Security;

namespace OrleansSync.Projects;

/// <summary>Checks and normalises a project's settings; every refusal says what, where and how to fix it.</summary>
public static class ProjectSpecValidator
{
    public static ProjectSpec Normalise(string grainKey, ProjectSpec spec, TimeSpan minimumEvery, DeclaredSecrets secrets)
    {
        GrainInput.Required(spec, "The project's settings");
        GrainInput.OptionalText(spec.ProjectId, "The project id");
        GrainInput.OptionalText(spec.Source, "--source");
        GrainInput.OptionalText(spec.ClientId, "--client-id");
        GrainInput.OptionalText(spec.UserId, "--user-id");
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

        if (spec.Source != "acc")
        {
            throw new InvalidRequestException($"Unknown source '{spec.Source}': the only source so far is 'acc'.");
        }

        var baseUrl = secrets.ParseDestination(spec.BaseUrl, "--base-url");

        if (string.IsNullOrWhiteSpace(spec.ClientId))
        {
            throw new InvalidRequestException("--client-id is empty: give the OAuth client id of the upstream app.");
        }

        secrets.ValidateName(spec.ClientSecretVariable, "--client-secret-env");
        var streams = spec.Streams.Count == 0 ? StreamNames.ProjectStreams : spec.Streams;
        ValidateStreams(streams, "--streams");
        ValidateEvery(spec.Every, minimumEvery);

        var ordered = StreamNames.ProjectStreams.Where(streams.Contains).ToList();
        return spec with { ProjectId = projectId, BaseUrl = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'), Streams = ordered };
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

    public static void ValidateStreams(IEnumerable<string> streams, string where)
    {
        foreach (var stream in streams)
        {
            GrainInput.Text(stream, $"A stream in {where}");
            if (!StreamNames.ProjectStreams.Contains(stream))
            {
                throw new InvalidRequestException($"Unknown stream '{stream}' in {where}: choose from {string.Join(", ", StreamNames.ProjectStreams)}.");
            }
        }
    }
}
