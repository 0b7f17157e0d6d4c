namespace GuestChat.Server.Chats;

/// <summary>The chat writer could not apply a change (stopping, or the store failed); answered 503.</summary>
public sealed class ChatWriterStoppedException : Exception
{
    public ChatWriterStoppedException()
        : base("The chat writer is not running.")
    {
    }

    public ChatWriterStoppedException(Exception inner)
        : base("The chat store failed.", inner)
    {
    }

    public ChatWriterStoppedException(string message)
        : base(message)
    {
    }
}
