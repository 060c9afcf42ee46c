using System.Text.Json;
using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Json;

namespace OrleansSync.Emulator.Dump;

/// <summary>
/// The whole dataset, each record exactly as the API would return it (malformed ones included), so a test can
/// compare a mirror with it. Deterministic: same seed, sizes and mutations give the same bytes.
/// </summary>
internal static class DumpWriter
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Streams the dump: a large dataset never sits in memory as one buffer.</summary>
    public static async Task WriteAsync(
        Stream output,
        Dataset data,
        MalformedPolicy malformed,
        ProjectState? only,
        CancellationToken cancellationToken)
    {
        // Copy the lists under the lock; the records themselves are immutable and are written after it.
        var (clock, mutations, projects) = data.Read(() => (
            data.Clock,
            data.MutationCount,
            data.Projects
                .Where(p => only is null || ReferenceEquals(p, only))
                .Select(p => (p.Project, Workflows: p.Workflows.ToArray(), Reviews: p.Reviews.ToArray()))
                .ToList()));
        var bad = new List<(string ProjectId, Review Review, MalformedKind Kind)>();
        await using var w = new Utf8JsonWriter(output, JsonBody.WriterOptions);
        w.WriteStartObject();
        w.WriteNumber("seed", unchecked((long)data.Seed));
        w.WriteString("accountId", data.AccountId);
        RecordWriter.WriteTimestamp(w, "clock", clock);
        w.WriteNumber("mutations", mutations);
        w.WritePropertyName("projects");
        w.WriteStartArray();
        foreach (var (project, workflows, reviews) in projects)
        {
            w.WriteStartObject();
            w.WriteString("id", project.Id);
            w.WritePropertyName("project");
            RecordWriter.WriteProject(w, project);
            w.WritePropertyName("workflows");
            w.WriteStartArray();
            foreach (var workflow in workflows)
            {
                RecordWriter.WriteWorkflow(w, workflow);
            }

            w.WriteEndArray();
            w.WritePropertyName("reviews");
            w.WriteStartArray();
            foreach (var review in reviews)
            {
                var kind = malformed.KindOf(review);
                if (kind != MalformedKind.None)
                {
                    bad.Add((project.Id, review, kind));
                }

                WriteReviewEntry(w, review, kind);
                if (w.BytesPending > FlushThreshold)
                {
                    await w.FlushAsync(cancellationToken);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteMalformed(w, bad);
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken);
    }

    private static void WriteReviewEntry(Utf8JsonWriter w, Review review, MalformedKind kind)
    {
        w.WriteStartObject();
        w.WriteString("id", review.Id);
        w.WritePropertyName("record");
        RecordWriter.WriteReview(w, review, kind);
        w.WritePropertyName("versions");
        w.WriteStartArray();
        foreach (var version in review.Versions)
        {
            RecordWriter.WriteVersion(w, version);
        }

        w.WriteEndArray();
        w.WritePropertyName("progress");
        w.WriteStartArray();
        foreach (var step in review.Progress)
        {
            RecordWriter.WriteProgressStep(w, step);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteMalformed(Utf8JsonWriter w, List<(string ProjectId, Review Review, MalformedKind Kind)> bad)
    {
        w.WritePropertyName("malformed");
        w.WriteStartArray();
        foreach (var (projectId, review, kind) in bad)
        {
            w.WriteStartObject();
            w.WriteString("projectId", projectId);
            w.WriteString("reviewId", review.Id);
            w.WriteNumber("sequenceId", review.SequenceId);
            w.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(kind.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
