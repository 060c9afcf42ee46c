namespace OrleansSync.Emulator.Data;

/// <summary>
/// Makes records for the generator and for mutations alike, so a review created at run time looks like one
/// created at start. Every choice comes from the <see cref="DeterministicRandom"/> passed in.
/// </summary>
internal sealed partial class RecordFactory
{
    private const string UrnAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    public RecordFactory(ulong seed)
    {
        var rng = DeterministicRandom.For(seed, Salts.Actors);
        People = [.. TextPools.People.Select(name => new Actor(rng.NextToken(12), name))];
        Roles = [.. TextPools.Roles.Select(name => new Actor(rng.NextGuid(), name))];
        Companies = [.. TextPools.Companies.Select(name => new Actor(rng.NextGuid(), name))];
    }

    public Actor[] People { get; }

    public Actor[] Roles { get; }

    public Actor[] Companies { get; }

    public Candidates NewCandidates(DeterministicRandom rng)
    {
        return new Candidates(
            PickSome(rng, Roles, 0, 2),
            PickSome(rng, People, 1, 3),
            PickSome(rng, Companies, 0, 1));
    }

    public Project NewProject(DeterministicRandom rng, string accountId, int index)
    {
        var place = rng.Pick(TextPools.Places);
        var createdAt = Timestamps.Base - (30 * Timestamps.Day) - rng.NextLong(300 * Timestamps.Day);
        var start = createdAt + rng.NextLong(20 * Timestamps.Day);
        return new Project
        {
            Id = rng.NextGuid(),
            Name = $"{rng.Pick(TextPools.ProjectNames)} {index + 1}",
            Status = "active",
            AccountId = accountId,
            Type = rng.Pick(TextPools.ProjectTypes),
            JobNumber = $"JN-{rng.Next(1000, 9999)}",
            AddressLine1 = $"{rng.Next(1, 300)} Hauptstraße",
            City = place.City,
            StateOrProvince = place.State,
            PostalCode = rng.Next(10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Country = place.Country,
            Timezone = place.Timezone,
            StartDate = Timestamps.ToDate(start),
            EndDate = rng.Chance(0.7) ? Timestamps.ToDate(start + (rng.Next(200, 1500) * Timestamps.Day)) : null,
            ProjectValue = rng.Next(1, 500) * 100_000L,
            Currency = place.Currency,
            MemberCount = rng.Next(3, 400),
            CompanyCount = rng.Next(1, 40),
            CreatedAt = createdAt,
            UpdatedAt = createdAt + rng.NextLong(Timestamps.Base + (250 * Timestamps.Day) - createdAt),
        };
    }

    public Workflow NewWorkflow(DeterministicRandom rng, bool active, long createdAt, long updatedAt)
    {
        var stepCount = rng.Next(1, 5);
        var steps = new WorkflowStep[stepCount];
        for (var i = 0; i < stepCount; i++)
        {
            var approver = i == stepCount - 1;
            var group = rng.Chance(0.3);
            steps[i] = new WorkflowStep(
                rng.NextGuid(),
                approver ? "Approval – Freigabe" : $"Review {i + 1} \"Prüfung\"",
                approver ? "APPROVER" : "REVIEWER",
                rng.Next(1, 15),
                rng.Chance(0.5) ? "CALENDAR_DAY" : "WORKING_DAY",
                group,
                group ? rng.Next(1, 4) : null,
                NewCandidates(rng));
        }

        List<ApprovalStatusOption> options =
        [
            new(rng.NextGuid(), "Approved", "APPROVED", true),
            new(rng.NextGuid(), "Rejected", "REJECTED", true),
        ];
        if (rng.Chance(0.6))
        {
            options.Insert(1, new(rng.NextGuid(), "Approved w/ comments – mit Anmerkungen", "APPROVED", false));
        }

        var copy = rng.Chance(0.5);
        var update = rng.Chance(0.3);
        return new Workflow
        {
            Id = rng.NextGuid(),
            Name = rng.Pick(TextPools.WorkflowNames),
            Description = rng.Pick(TextPools.Descriptions),
            Notes = rng.Pick(TextPools.Notes),
            Status = active ? "ACTIVE" : "INACTIVE",
            Steps = steps,
            ApprovalStatusOptions = [.. options],
            CopyFilesOptions = new CopyFilesOptions(
                copy,
                copy ? $"urn:adsk.wipprod:fs.folder:co.{rng.NextToken(22, UrnAlphabet)}" : null,
                copy && rng.Chance(0.5),
                copy && rng.Chance(0.5)),
            AttachedAttributes = PickAttributes(rng),
            UpdateAttributesOptions = new UpdateAttributesOptions(
                update,
                update ? (rng.Chance(0.5) ? "TARGET_AND_SOURCE" : "TARGET_ONLY") : null,
                update && rng.Chance(0.5)),
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
        };
    }

    private static T[] PickSome<T>(DeterministicRandom rng, T[] pool, int min, int max)
    {
        var picked = rng.Sample(pool.Length, rng.Next(min, max + 1));
        return [.. picked.Order().Select(i => pool[i])];
    }

    private static AttachedAttribute[] PickAttributes(DeterministicRandom rng)
    {
        var picked = rng.Sample(TextPools.Attributes.Length, rng.Next(0, 4));
        return
        [
            .. picked.Order().Select(i => new AttachedAttribute(
                1000 + i,
                TextPools.Attributes[i].Name,
                TextPools.Attributes[i].Type)),
        ];
    }
}
