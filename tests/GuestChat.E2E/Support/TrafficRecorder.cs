using System.Collections.Concurrent;
using System.Text;
using Microsoft.Playwright;

namespace GuestChat.E2E.Support;

/// <summary>
/// Records what a browser context sends to the server: request URLs (without the fragment, which browsers never
/// send), request headers, request bodies and every WebSocket frame in both directions.
/// </summary>
public sealed class TrafficRecorder
{
    private readonly ConcurrentQueue<(string Kind, byte[] Bytes)> _items = new();
    private readonly ConcurrentDictionary<IPage, bool> _pages = new();

    public void Attach(IBrowserContext context)
    {
        context.Request += (_, request) => RecordRequest(request);
        context.Page += (_, page) => Attach(page);
        foreach (var page in context.Pages) Attach(page);
    }

    public void Attach(IPage page)
    {
        if (!_pages.TryAdd(page, true)) return;
        page.WebSocket += (_, socket) =>
        {
            Add("websocket-url", socket.Url);
            socket.FrameSent += (_, frame) => Add("websocket-sent", frame.Text, frame.Binary);
            socket.FrameReceived += (_, frame) => Add("websocket-received", frame.Text, frame.Binary);
        };
    }

    /// <summary>Everything recorded, as (what it was, its bytes).</summary>
    public IReadOnlyList<(string Kind, byte[] Bytes)> Items => [.. _items];

    /// <summary>How many WebSocket frames the browser sent (proof that the recorder saw the chat's traffic).</summary>
    public int SentFrameCount => _items.Count(item => item.Kind == "websocket-sent");

    /// <summary>How many WebSocket frames the browser sent with exactly this text.</summary>
    public int SentFramesEqualTo(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return _items.Count(item => item.Kind == "websocket-sent" && item.Bytes.AsSpan().SequenceEqual(bytes));
    }

    private void RecordRequest(IRequest request)
    {
        var url = request.Url;
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        Add("request-url", hash < 0 ? url : url[..hash]);
        foreach (var (name, value) in request.Headers) Add("request-header", $"{name}: {value}");
        var body = request.PostDataBuffer;
        if (body is { Length: > 0 }) Add("request-body", null, body);
    }

    private void Add(string kind, string? text, byte[]? bytes = null) =>
        _items.Enqueue((kind, bytes ?? Encoding.UTF8.GetBytes(text ?? "")));
}
