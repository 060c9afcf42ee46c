namespace OrleansSync.Emulator.Hosting;

/// <summary>Answer of <c>GET /__info</c>: what a script needs to point a connector at this emulator.</summary>
internal sealed record InfoView(
    string BaseUrl,
    string AccountId,
    IReadOnlyList<string> ClientIds,
    IReadOnlyList<string> ProjectIds,
    int Seed,
    DatasetOptions Dataset);
