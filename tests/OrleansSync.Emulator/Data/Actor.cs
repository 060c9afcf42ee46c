namespace OrleansSync.Emulator.Data;

/// <summary>A user, role or company as ACC refers to one: <c>{"autodeskId","name"}</c>.</summary>
internal sealed record Actor(string AutodeskId, string Name);

/// <summary>Who may act on a step: <c>{"roles","users","companies"}</c>.</summary>
internal sealed record Candidates(Actor[] Roles, Actor[] Users, Actor[] Companies)
{
    public static Candidates None { get; } = new([], [], []);
}
