using System.Globalization;

namespace GuestChat.Bench.Clients;

/// <summary>
/// Creates the people of a GuestChat run through the real API, as the web app would: members sign up and
/// register a device; each invitation gets a bundle of random bytes of realistic size and a random 32-byte
/// claim verifier; a guest fetches the public invitation and claims it with that verifier, random keys, tag
/// and first envelope. Each pair is one member device (its own socket) and one guest; a member signs up once
/// for <see cref="DevicesPerPairMember"/> pairs and registers a device for each, so that setup is not mostly
/// password hashing. Idle guests share a few inviting members.
/// </summary>
public sealed class GuestChatPopulation(GuestChatApi api, Uri baseAddress)
{
    private const int Parallelism = 16;
    private const int GuestsPerIdleMember = 250;
    private const int DevicesPerPairMember = 10;
    private const int PublicKeysBytes = 160;
    private const int BundleBytes = 520;
    private const int GuestKeysBytes = 200;
    private const int FirstEnvelopeBytes = 360;
    private string? _termsVersion;

    public async Task<IReadOnlyList<PairEndpoints>> CreatePairsAsync(int count, TextWriter progress, CancellationToken cancellationToken)
    {
        var pairs = new PairEndpoints[count];
        var members = (count + DevicesPerPairMember - 1) / DevicesPerPairMember;
        var done = 0;
        await Parallel.ForAsync(0, members, Options(cancellationToken), async (memberIndex, token) =>
        {
            var member = await CreateMemberAsync($"pair_{memberIndex}", token);
            var last = Math.Min(count, (memberIndex + 1) * DevicesPerPairMember);
            for (var index = memberIndex * DevicesPerPairMember; index < last; index++)
            {
                var device = index == memberIndex * DevicesPerPairMember ? member
                    : member with { DeviceId = await api.RegisterDeviceAsync(member.Cookie, Frames.RandomBase64Url(PublicKeysBytes), token) };
                var (chatId, guestCookie) = await InviteGuestAsync(device, $"Guest {index}", fetchPublic: true, token);
                pairs[index] = new PairEndpoints(
                    new SocketEndpoint(MemberSocket(device.DeviceId), device.Cookie, chatId),
                    new SocketEndpoint(GuestSocket, guestCookie, chatId));
                Report(progress, Interlocked.Increment(ref done), count, "pairs");
            }
        });
        return pairs;
    }

    public async Task<IReadOnlyList<SocketEndpoint>> CreateIdleGuestsAsync(int count, TextWriter progress, CancellationToken cancellationToken)
    {
        var guests = new SocketEndpoint[count];
        var members = (count + GuestsPerIdleMember - 1) / GuestsPerIdleMember;
        var done = 0;
        await Parallel.ForAsync(0, members, Options(cancellationToken), async (memberIndex, token) =>
        {
            var member = await CreateMemberAsync($"idle_{memberIndex}", token);
            var last = Math.Min(count, (memberIndex + 1) * GuestsPerIdleMember);
            for (var index = memberIndex * GuestsPerIdleMember; index < last; index++)
            {
                var (_, guestCookie) = await InviteGuestAsync(member, $"Idle {index}", fetchPublic: false, token);
                guests[index] = new SocketEndpoint(GuestSocket, guestCookie, "");
                Report(progress, Interlocked.Increment(ref done), count, "idle guests");
            }
        });
        return guests;
    }

    private Uri GuestSocket => new(ToWebSocket(baseAddress), "/ws/guest");

    private Uri MemberSocket(string deviceId) => new(ToWebSocket(baseAddress), $"/ws/member?device={Uri.EscapeDataString(deviceId)}");

    private async Task<Member> CreateMemberAsync(string username, CancellationToken cancellationToken)
    {
        var cookie = await api.CreateMemberAsync(username, $"Member {username}", Frames.RandomBase64Url(18), cancellationToken);
        var deviceId = await api.RegisterDeviceAsync(cookie, Frames.RandomBase64Url(PublicKeysBytes), cancellationToken);
        return new Member(cookie, deviceId);
    }

    private async Task<(string ChatId, string GuestCookie)> InviteGuestAsync(Member member, string guestName, bool fetchPublic,
        CancellationToken cancellationToken)
    {
        var invitation = await api.CreateInvitationAsync(member.Cookie, member.DeviceId, cancellationToken);
        var verifier = Frames.RandomBase64Url(32);
        await api.UploadBundleAsync(member.Cookie, invitation.Id,
            new BundleRequest(Frames.RandomBase64Url(BundleBytes), Frames.RandomBase64Url(32), verifier), cancellationToken);
        var termsVersion = _termsVersion ??= await api.TermsVersionAsync(cancellationToken);
        if (fetchPublic) termsVersion = (await api.PublicInvitationAsync(invitation.Id, cancellationToken)).TermsVersion;
        return await api.ClaimAsync(invitation.Id, new ClaimRequest(guestName, termsVersion, Frames.RandomBase64Url(GuestKeysBytes),
            Frames.RandomBase64Url(32), verifier, Frames.RandomBase64Url(FirstEnvelopeBytes)), cancellationToken);
    }

    private static Uri ToWebSocket(Uri http) => new UriBuilder(http) { Scheme = http.Scheme == "https" ? "wss" : "ws" }.Uri;

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    private static void Report(TextWriter progress, int done, int total, string what)
    {
        if (done == total || done % 1000 == 0)
        {
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup: {done}/{total} {what}"));
        }
    }

    private sealed record Member(string Cookie, string DeviceId);
}
