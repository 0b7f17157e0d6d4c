namespace GuestChat.Server.Tests.Support;

/// <summary>Waits for what the server reaches in its own time (a socket registered, closed, forgotten), bounded by the caller's token.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
