namespace OrleansSync.Emulator.Data;

/// <summary>A project as the Admin API lists it. Its id has no <c>b.</c> prefix.</summary>
internal sealed record Project
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Status { get; init; }

    public required string AccountId { get; init; }

    public required string Type { get; init; }

    public required string JobNumber { get; init; }

    public required string AddressLine1 { get; init; }

    public required string City { get; init; }

    public string? StateOrProvince { get; init; }

    public required string PostalCode { get; init; }

    public required string Country { get; init; }

    public required string Timezone { get; init; }

    public required string StartDate { get; init; }

    public string? EndDate { get; init; }

    public required long ProjectValue { get; init; }

    public required string Currency { get; init; }

    public required int MemberCount { get; init; }

    public required int CompanyCount { get; init; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; init; }
}
