using System.Net;
using System.Net.Sockets;

namespace OrleansSync.Tests.Infrastructure;

public static class FreePorts
{
    /// <summary>Ports the OS says are free now; distinct within one call.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(static _ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(static l => l.Start());
            return listeners.Select(static l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(static l => l.Stop());
        }
    }
}
