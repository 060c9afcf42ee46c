using System.Text.Json;
using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Json;

/// <summary>Writes each record exactly as the API returns it, field for field and in ACC's order.</summary>
internal static partial class RecordWriter
{
    public static void WriteReview(Utf8JsonWriter w, Review r, MalformedKind malformed)
    {
        w.WriteStartObject();
        if (malformed != MalformedKind.MissingId)
        {
            w.WriteString("id", r.Id);
        }

        if (malformed == MalformedKind.SequenceIdAsString)
        {
            w.WriteString("sequenceId", r.SequenceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNumber("sequenceId", r.SequenceId);
        }

        w.WriteString("name", r.Name);
        w.WriteString("status", r.Status);
        WriteNullableString(w, "currentStepId", r.CurrentStepId);
        WriteTimestamp(w, "currentStepDueDate", r.CurrentStepDueDate);
        WriteActor(w, "createdBy", r.CreatedBy);
        WriteTimestamp(w, "createdAt", r.CreatedAt);
        if (malformed == MalformedKind.UpdatedAtAsNumber)
        {
            w.WriteNumber("updatedAt", r.UpdatedAt);
        }
        else
        {
            WriteTimestamp(w, "updatedAt", r.UpdatedAt);
        }

        WriteTimestamp(w, "finishedAt", r.FinishedAt);
        w.WriteBoolean("archived", r.Archived);
        WriteActor(w, "archivedBy", r.ArchivedBy);
        WriteTimestamp(w, "archivedAt", r.ArchivedAt);

        // ACC writes an empty object, not null, for a review nobody approved.
        w.WritePropertyName("approvedBy");
        w.WriteStartObject();
        if (r.ApprovedBy is { } approver)
        {
            w.WriteString("autodeskId", approver.AutodeskId);
            w.WriteString("name", approver.Name);
        }

        w.WriteEndObject();
        WriteTimestamp(w, "approvedAt", r.ApprovedAt);
        w.WriteString("workflowId", r.WorkflowId);
        w.WritePropertyName("nextActionBy");
        w.WriteStartObject();
        WriteActors(w, "claimedBy", r.ClaimedBy);
        WriteCandidates(w, "candidates", r.Candidates);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteProgressStep(Utf8JsonWriter w, ProgressStep s)
    {
        w.WriteStartObject();
        w.WriteString("stepId", s.StepId);
        w.WriteString("stepName", s.StepName);
        WriteActor(w, "claimedBy", s.ClaimedBy);
        WriteActor(w, "actionBy", s.ActionBy);
        WriteCandidates(w, "candidates", s.Candidates);
        WriteTimestamp(w, "endTime", s.EndTime);
        WriteNullableString(w, "notes", s.Notes);
        w.WriteString("status", s.Status);
        w.WriteEndObject();
    }

    public static void WriteVersion(Utf8JsonWriter w, ReviewVersion v)
    {
        w.WriteStartObject();
        w.WriteString("urn", v.Urn);
        w.WriteString("itemUrn", v.ItemUrn);
        w.WriteString("name", v.Name);
        w.WritePropertyName("approveStatus");
        w.WriteStartObject();
        WriteNullableString(w, "id", v.ApproveStatus.Id);
        WriteNullableString(w, "label", v.ApproveStatus.Label);
        WriteNullableString(w, "value", v.ApproveStatus.Value);
        w.WriteEndObject();
        w.WritePropertyName("reviewContent");
        w.WriteStartObject();
        w.WriteString("name", v.ContentName);
        w.WritePropertyName("customAttributes");
        w.WriteStartArray();
        foreach (var a in v.CustomAttributes)
        {
            w.WriteStartObject();
            w.WriteNumber("id", a.Id);
            w.WriteString("name", a.Name);
            w.WriteString("type", a.Type);
            WriteNullableString(w, "value", a.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();

        // Present only for files copied on approval.
        if (v.CopiedFileVersionUrn is { } copied)
        {
            w.WriteString("copiedFileVersionUrn", copied);
        }

        w.WriteEndObject();
    }

    internal static void WriteTimestamp(Utf8JsonWriter w, string name, long? unixMs)
    {
        if (unixMs is not { } value)
        {
            w.WriteNull(name);
            return;
        }

        Span<char> text = stackalloc char[32];
        var length = Timestamps.Format(value, text);
        w.WriteString(name, text[..length]);
    }

    internal static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteActor(Utf8JsonWriter w, string name, Actor? actor)
    {
        if (actor is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WritePropertyName(name);
        WriteActorValue(w, actor);
    }

    private static void WriteActorValue(Utf8JsonWriter w, Actor actor)
    {
        w.WriteStartObject();
        w.WriteString("autodeskId", actor.AutodeskId);
        w.WriteString("name", actor.Name);
        w.WriteEndObject();
    }

    private static void WriteActors(Utf8JsonWriter w, string name, Actor[] actors)
    {
        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var actor in actors)
        {
            WriteActorValue(w, actor);
        }

        w.WriteEndArray();
    }

    private static void WriteCandidates(Utf8JsonWriter w, string name, Candidates candidates)
    {
        w.WritePropertyName(name);
        w.WriteStartObject();
        WriteActors(w, "roles", candidates.Roles);
        WriteActors(w, "users", candidates.Users);
        WriteActors(w, "companies", candidates.Companies);
        w.WriteEndObject();
    }
}
