using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven through the DevTools protocol over its WebSocket: navigate, evaluate script in
/// the page, take a screenshot. It answers the site's HTTP Basic challenge as a person would at the browser's prompt,
/// and records every URL the page requested. deploy/local/test.sh installs the package when it is missing.
/// </summary>
public sealed class HeadlessBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly ConcurrentQueue<string> _requested = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly (string User, string Password)? _login;
    private readonly SemaphoreSlim _send = new(1, 1);
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private HeadlessBrowser(Process process, string profile, (string User, string Password)? login)
    {
        _process = process;
        _profile = profile;
        _login = login;
    }

    /// <summary>Every URL the page requested, in order.</summary>
    public IReadOnlyCollection<string> Requested => _requested;

    /// <summary>Starts a browser with a window <paramref name="width"/> wide, answering Basic challenges with <paramref name="login"/>.</summary>
    public static async Task<HeadlessBrowser> StartAsync(int width, int height, (string User, string Password)? login, CancellationToken cancellationToken)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install Debian's chromium package (deploy/local/test.sh does when it runs the suite).");
        }

        var profile = Directory.CreateTempSubdirectory("ost-chromium-").FullName;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // The flags keep it from reaching out to Google's services, which this machine's network refuses.
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", $"--user-data-dir={profile}", "--remote-debugging-port=0",
            $"--window-size={width},{height}", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessBrowser(process, profile, login);
        try
        {
            await browser.ConnectAsync(cancellationToken);
            // A window has a minimum width on some platforms; the viewport is set exactly, as a phone's would be.
            await browser.SendAsync(
                "Emulation.setDeviceMetricsOverride",
                new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = true },
                cancellationToken);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> in the page.</summary>
    public Task NavigateAsync(string url, CancellationToken cancellationToken) =>
        SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken);

    /// <summary>The value of <paramref name="expression"/> in the page (a promise is awaited), as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(
            "Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true }, cancellationToken);
        if (answer?["exceptionDetails"] is { } thrown)
        {
            throw new InvalidOperationException($"The page threw evaluating `{expression}`: {thrown.ToJsonString()}");
        }

        return answer?["result"]?["value"];
    }

    /// <summary>The page as a PNG.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, cancellationToken);
        return Convert.FromBase64String(answer!["data"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or stuck: the temporary profile is all that is left to clean.
        }

        await _receiving.ContinueWith(static _ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        _send.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is going away; the temporary folder is cleaned later.
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // With port 0 the browser picks a port and writes it to DevToolsActivePort in its profile.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        await Eventually.UntilAsync(
            () => Task.FromResult(File.Exists(portFile) && File.ReadAllLines(portFile).Length >= 2 || _process.HasExited),
            TimeSpan.FromSeconds(30), "Chromium to open its DevTools port", cancellationToken);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode} before opening its DevTools port.");
        }

        var port = File.ReadAllLines(portFile)[0].Trim();
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cancellationToken))!.AsArray();
        var page = targets.First(static t => t!["type"]!.GetValue<string>() == "page")!;
        await _socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()), cancellationToken);
        _receiving = Task.Run(ReceiveAsync, CancellationToken.None);
        await SendAsync("Page.enable", new JsonObject(), cancellationToken);
        // Every request pauses until answered, so a Basic challenge can be answered and every URL recorded.
        await SendAsync(
            "Fetch.enable", new JsonObject { ["handleAuthRequests"] = true, ["patterns"] = new JsonArray(new JsonObject { ["urlPattern"] = "*" }) }, cancellationToken);
    }

    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await WriteAsync(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }, cancellationToken);
        using var registration = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
        return await answer.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    private async Task WriteAsync(JsonObject message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _send.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(message.ToArray());
                message.SetLength(0);
                if (node?["id"] is { } id)
                {
                    if (_pending.TryRemove(id.GetValue<int>(), out var answer))
                    {
                        _ = node["error"] is { } error
                            ? answer.TrySetException(new InvalidOperationException($"DevTools refused: {error.ToJsonString()}"))
                            : answer.TrySetResult(node["result"]);
                    }
                }
                else
                {
                    await OnEventAsync(node!["method"]!.GetValue<string>(), node["params"]!);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The browser is being closed.
        }
        finally
        {
            foreach (var answer in _pending.Values)
            {
                answer.TrySetException(new InvalidOperationException("The browser's DevTools connection closed."));
            }
        }
    }

    private async Task OnEventAsync(string method, JsonNode parameters)
    {
        var requestId = parameters["requestId"]?.GetValue<string>();
        switch (method)
        {
            case "Fetch.requestPaused":
                _requested.Enqueue(parameters["request"]!["url"]!.GetValue<string>());
                await WriteAsync(Command("Fetch.continueRequest", new JsonObject { ["requestId"] = requestId }), _stop.Token);
                break;
            case "Fetch.authRequired":
                var response = _login is { } login
                    ? new JsonObject { ["response"] = "ProvideCredentials", ["username"] = login.User, ["password"] = login.Password }
                    : new JsonObject { ["response"] = "CancelAuth" };
                await WriteAsync(Command("Fetch.continueWithAuth", new JsonObject { ["requestId"] = requestId, ["authChallengeResponse"] = response }), _stop.Token);
                break;
        }
    }

    // Answers to events are sent without waiting for their replies: the receive loop is the one that would read them.
    private JsonObject Command(string method, JsonObject parameters) =>
        new() { ["id"] = Interlocked.Increment(ref _nextId), ["method"] = method, ["params"] = parameters };
}
