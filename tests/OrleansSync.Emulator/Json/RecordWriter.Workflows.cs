using System.Text.Json;
using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Json;

internal static partial class RecordWriter
{
    private static readonly string[] Products = ["docs", "build", "projectAdministration"];

    public static void WriteWorkflow(Utf8JsonWriter w, Workflow wf)
    {
        w.WriteStartObject();
        w.WriteString("id", wf.Id);
        w.WriteString("name", wf.Name);
        WriteNullableString(w, "description", wf.Description);
        WriteNullableString(w, "notes", wf.Notes);
        w.WriteString("status", wf.Status);
        w.WritePropertyName("steps");
        w.WriteStartArray();
        foreach (var step in wf.Steps)
        {
            w.WriteStartObject();
            w.WriteString("id", step.Id);
            w.WriteString("name", step.Name);
            w.WriteString("type", step.Type);
            w.WriteNumber("duration", step.Duration);
            w.WriteString("dueDateType", step.DueDateType);
            w.WritePropertyName("groupReview");
            w.WriteStartObject();
            w.WriteBoolean("enabled", step.GroupReview);
            if (step.GroupReviewMinimum is { } min)
            {
                w.WriteString("type", "MINIMUM");
                w.WriteNumber("min", min);
            }

            w.WriteEndObject();
            WriteCandidates(w, "candidates", step.Candidates);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WritePropertyName("approvalStatusOptions");
        w.WriteStartArray();
        foreach (var option in wf.ApprovalStatusOptions)
        {
            w.WriteStartObject();
            w.WriteString("id", option.Id);
            w.WriteString("label", option.Label);
            w.WriteString("value", option.Value);
            w.WriteBoolean("builtIn", option.BuiltIn);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WritePropertyName("copyFilesOptions");
        w.WriteStartObject();
        w.WriteBoolean("enabled", wf.CopyFilesOptions.Enabled);
        WriteNullableString(w, "folderUrn", wf.CopyFilesOptions.FolderUrn);
        w.WriteBoolean("allowOverride", wf.CopyFilesOptions.AllowOverride);
        w.WriteBoolean("approvedOnly", wf.CopyFilesOptions.ApprovedOnly);
        w.WriteEndObject();
        w.WritePropertyName("attachedAttributes");
        w.WriteStartArray();
        foreach (var attribute in wf.AttachedAttributes)
        {
            w.WriteStartObject();
            w.WriteNumber("id", attribute.Id);
            w.WriteString("name", attribute.Name);
            w.WriteString("type", attribute.Type);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WritePropertyName("updateAttributesOptions");
        w.WriteStartObject();
        w.WriteBoolean("enabled", wf.UpdateAttributesOptions.Enabled);
        WriteNullableString(w, "target", wf.UpdateAttributesOptions.Target);
        w.WriteBoolean("allowApproverToChoose", wf.UpdateAttributesOptions.ApproverMayChoose);
        w.WriteEndObject();
        WriteTimestamp(w, "createdAt", wf.CreatedAt);
        WriteTimestamp(w, "updatedAt", wf.UpdatedAt);
        w.WriteEndObject();
    }

    public static void WriteProject(Utf8JsonWriter w, Project p)
    {
        w.WriteStartObject();
        w.WriteString("id", p.Id);
        w.WriteString("name", p.Name);
        w.WriteString("startDate", p.StartDate);
        WriteNullableString(w, "endDate", p.EndDate);
        w.WriteString("type", p.Type);
        w.WriteString("classification", "production");
        w.WritePropertyName("projectValue");
        w.WriteStartObject();
        w.WriteNumber("value", p.ProjectValue);
        w.WriteString("currency", p.Currency);
        w.WriteEndObject();
        w.WriteString("status", p.Status);
        w.WriteString("jobNumber", p.JobNumber);
        w.WriteString("addressLine1", p.AddressLine1);
        w.WriteNull("addressLine2");
        w.WriteString("city", p.City);
        WriteNullableString(w, "stateOrProvince", p.StateOrProvince);
        w.WriteString("postalCode", p.PostalCode);
        w.WriteString("country", p.Country);
        w.WriteNull("latitude");
        w.WriteNull("longitude");
        w.WriteString("timezone", p.Timezone);
        w.WriteNull("constructionType");
        w.WriteNull("deliveryMethod");
        w.WriteNull("contractType");
        w.WriteNull("currentPhase");
        w.WriteNull("businessUnitId");
        w.WriteNull("lastSignIn");
        w.WriteNull("imageUrl");
        w.WriteNull("thumbnailImageUrl");
        WriteTimestamp(w, "createdAt", p.CreatedAt);
        WriteTimestamp(w, "updatedAt", p.UpdatedAt);
        w.WriteString("accountId", p.AccountId);
        w.WriteNull("sheetCount");
        w.WritePropertyName("products");
        w.WriteStartArray();
        foreach (var product in Products)
        {
            w.WriteStartObject();
            w.WriteString("key", product);
            w.WriteString("status", "activated");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("platform", "acc");
        w.WriteNumber("companyCount", p.CompanyCount);
        w.WriteNumber("memberCount", p.MemberCount);
        w.WriteNull("templateId");
        w.WriteEndObject();
    }
}
