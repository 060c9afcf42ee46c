namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>Reads answers whose bodies are cut short or never finish.</summary>
internal static class RawBody
{
    /// <summary>Reads until the stream ends or fails; returns what arrived and the failure, if any.</summary>
    public static async Task<(byte[] Received, Exception? Failure)> ReadUntilEndAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return (received.ToArray(), null);
        }
        catch (IOException e)
        {
            return (received.ToArray(), e);
        }
    }
}
