namespace GuestChat.Server.Configuration;

/// <summary>How long chats and unused invitations live (<c>GuestChat:InactivityPeriod</c>, <c>GuestChat:ExpirySweepInterval</c>).</summary>
public sealed class ChatOptions
{
    /// <summary>A chat, or an unused invitation, expires after this long without a message.</summary>
    public TimeSpan InactivityPeriod { get; set; } = TimeSpan.FromDays(10);

    /// <summary>How often the background sweep looks for idle chats and invitations.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
