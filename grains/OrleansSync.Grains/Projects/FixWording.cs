namespace OrleansSync.Projects;

/// <summary>
/// How a refusal names its fix: in the terms of the front end the request came through, so an HTTP caller reads a
/// body field and a CLI user a flag.
/// </summary>
public static class FixWording
{
    private static bool OverHttp(string? trigger) => trigger == "http";

    /// <summary>Where the streams asked for came from.</summary>
    public static string StreamsAsked(string? trigger) => OverHttp(trigger) ? "'streams'" : "--stream";

    /// <summary>How to change the streams the project syncs.</summary>
    public static string ChangeStreams(string? trigger) =>
        OverHttp(trigger) ? "change them by posting the project again with 'source.streams'" : "change them with project add --streams";

    /// <summary>How to start a run while the breaker refuses one: the run is its probe.</summary>
    public static string ForceProbe(string? trigger, string projectId) =>
        OverHttp(trigger) ? "Post the sync again with {\"force\": true} to probe now." : $"Run 'orleanssync sync {projectId} --force' to probe now.";
}
