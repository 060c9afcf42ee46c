using System.Net;
using System.Net.Sockets;

namespace OrleansSync.Tests.Infrastructure;

public static class FreePorts
{
    // Every port handed out in this process: test classes run side by side, and a port one of them was given but has
    // not bound yet looks free to the OS.
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>Ports the OS says are free now, never handed out before in this process.</summary>
    public static int[] Take(int count)
    {
        var ports = new List<int>(count);
        var held = new List<TcpListener>();
        try
        {
            while (ports.Count < count)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                held.Add(listener);
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                lock (HandedOut)
                {
                    if (HandedOut.Add(port))
                    {
                        ports.Add(port);
                    }
                }
            }

            return [.. ports];
        }
        finally
        {
            held.ForEach(static l => l.Stop());
        }
    }
}
