using GuestChat.Protocol;

namespace GuestChat.Testing;

/// <summary>
/// A member (signed in, with a device) and a guest who has claimed the member's invitation: the usual starting
/// point of a relay test. The claim's first envelope waits for the member as sequence 1.
/// </summary>
public sealed class Conversation : IDisposable
{
    private Conversation(GuestChatClient member, Member memberAccount, DeviceId device, GuestChatClient guest, GuestChatView guestView,
        InvitationId invitation, byte[] firstEnvelope)
    {
        Member = member;
        MemberAccount = memberAccount;
        Device = device;
        Guest = guest;
        GuestView = guestView;
        Invitation = invitation;
        FirstEnvelope = firstEnvelope;
    }

    public GuestChatClient Member { get; }
    public Member MemberAccount { get; }
    public DeviceId Device { get; }
    public GuestChatClient Guest { get; }
    public GuestChatView GuestView { get; }
    public InvitationId Invitation { get; }
    public byte[] FirstEnvelope { get; }
    public ChatId Chat => GuestView.ChatId;

    public static Task<Conversation> StartAsync(GuestChatHost host, string guestName = "Guest") => StartAsync(host.BaseUri, guestName);

    /// <summary>The same against any running server, e.g. the native executable in its own process.</summary>
    public static async Task<Conversation> StartAsync(Uri baseUri, string guestName = "Guest")
    {
        var member = new GuestChatClient(baseUri);
        var (account, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        var guest = new GuestChatClient(baseUri);
        var first = GuestChatClient.RandomBytes(180);
        var view = await guest.ClaimAsync(invitation.Id, verifier, guestName, first);
        return new Conversation(member, account, device, guest, view, invitation.Id, first);
    }

    public Task<ChatSocket> ConnectMemberAsync() => Member.ConnectMemberAsync(Device);

    public Task<ChatSocket> ConnectGuestAsync() => Guest.ConnectGuestAsync();

    public void Dispose()
    {
        Member.Dispose();
        Guest.Dispose();
    }
}
