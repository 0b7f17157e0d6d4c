using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GuestChat.Testing;

/// <summary>One log line: the formatted message and, if any, the exception's text.</summary>
public sealed record CapturedLog(DateTimeOffset At, LogLevel Level, string Category, EventId EventId, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : "\n" + Exception)}";
}

/// <summary>
/// Keeps every log line the server writes (all categories, Information and up) in memory, across restarts of
/// the same <see cref="GuestChatHost"/>.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>Every captured line and exception, as one text to search.</summary>
    public string AllText => string.Join("\n", _entries);

    public bool Contains(string text) => _entries.Any(e =>
        e.Message.Contains(text, StringComparison.Ordinal) || (e.Exception?.Contains(text, StringComparison.Ordinal) ?? false));

    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture._entries.Enqueue(new CapturedLog(
                    DateTimeOffset.UtcNow, logLevel, category, eventId, formatter(state, exception), exception?.ToString()));
            }
        }
    }
}
