using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using GuestChat.Protocol;

namespace GuestChat.Testing;

/// <summary>
/// A browser-like client of one GuestChat server: its own cookie jar, <c>X-GuestChat: 1</c> on every request,
/// typed calls for each endpoint (they throw <see cref="ApiException"/> on a problem), and sockets.
/// The server checks only the shape of keys, bundles and envelopes, so random bytes of the right size do.
/// </summary>
public sealed class GuestChatClient : IDisposable
{
    public GuestChatClient(Uri baseUri)
    {
        BaseUri = baseUri;
        Cookies = new CookieContainer();
        Http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = baseUri,
        };
        Http.DefaultRequestHeaders.Add("X-GuestChat", "1");
    }

    public Uri BaseUri { get; }

    /// <summary>The server's origin, as a browser on its pages sends it.</summary>
    public string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>Random bytes, e.g. a stand-in for an encrypted envelope.</summary>
    public static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);

    public Task<Member> CreateAccountAsync(string username, string displayName, string password) =>
        SendAsync<Member>(HttpMethod.Post, "api/accounts", new CreateAccountRequest(username, displayName, password));

    public Task<Member> SignInAsync(string username, string password) =>
        SendAsync<Member>(HttpMethod.Post, "api/session", new SignInRequest(username, password));

    public Task SignOutAsync() => SendAsync(HttpMethod.Delete, "api/session");

    public Task<Member> MeAsync() => SendAsync<Member>(HttpMethod.Get, "api/me");

    public async Task<DeviceId> RegisterDeviceAsync(byte[]? publicKeys = null) =>
        (await SendAsync<DeviceRegistered>(HttpMethod.Post, "api/devices", new RegisterDeviceRequest(publicKeys ?? RandomBytes(91)))).DeviceId;

    /// <summary>A new member with a unique username, signed in, with one device.</summary>
    public async Task<(Member Member, DeviceId Device)> CreateMemberWithDeviceAsync(string? displayName = null)
    {
        var username = "m" + Convert.ToHexStringLower(RandomBytes(8));
        var member = await CreateAccountAsync(username, displayName ?? "Member " + username[..5], "correct horse battery");
        return (member, await RegisterDeviceAsync());
    }

    public Task<Invitation> CreateInvitationAsync(DeviceId device) =>
        SendAsync<Invitation>(HttpMethod.Post, "api/invitations", new CreateInvitationRequest(device.Value));

    public Task UploadBundleAsync(InvitationId invitation, byte[] bundle, byte[] bundleTag, byte[] claimVerifier) =>
        SendAsync(HttpMethod.Put, $"api/invitations/{invitation}/bundle", new UploadBundleRequest(bundle, bundleTag, claimVerifier));

    /// <summary>Creates an invitation and uploads a bundle; returns it with the claim verifier a guest must present.</summary>
    public async Task<(Invitation Invitation, byte[] ClaimVerifier)> InviteAsync(DeviceId device)
    {
        var invitation = await CreateInvitationAsync(device);
        var verifier = RandomBytes(Limits.ClaimVerifierBytes);
        await UploadBundleAsync(invitation.Id, RandomBytes(300), RandomBytes(Limits.TagBytes), verifier);
        return (invitation with { HasBundle = true }, verifier);
    }

    public Task<Invitation[]> ListInvitationsAsync() => SendAsync<Invitation[]>(HttpMethod.Get, "api/invitations");

    public Task CancelInvitationAsync(InvitationId invitation) => SendAsync(HttpMethod.Delete, $"api/invitations/{invitation}");

    public Task<PublicInvitation> GetPublicInvitationAsync(InvitationId invitation) =>
        SendAsync<PublicInvitation>(HttpMethod.Get, $"api/invitations/{invitation}/public");

    public Task<TermsOfService> GetTermsAsync() => SendAsync<TermsOfService>(HttpMethod.Get, "api/terms");

    /// <summary>Claims with the current terms version, random keys and a random first envelope unless given.</summary>
    public async Task<GuestChatView> ClaimAsync(InvitationId invitation, byte[] claimVerifier, string displayName = "Guest",
        byte[]? firstEnvelope = null)
    {
        var terms = await GetTermsAsync();
        return await ClaimAsync(invitation, new ClaimRequest(displayName, terms.Version, RandomBytes(120), RandomBytes(Limits.TagBytes),
            claimVerifier, firstEnvelope ?? RandomBytes(200)));
    }

    public Task<GuestChatView> ClaimAsync(InvitationId invitation, ClaimRequest claim) =>
        SendAsync<GuestChatView>(HttpMethod.Post, $"api/invitations/{invitation}/claim", claim);

    public Task<GuestChatView> GetGuestChatAsync() => SendAsync<GuestChatView>(HttpMethod.Get, "api/guest/chat");

    public Task LeaveAsync() => SendAsync(HttpMethod.Post, "api/guest/leave");

    public Task<MemberChat[]> ListChatsAsync() => SendAsync<MemberChat[]>(HttpMethod.Get, "api/chats");

    public Task<MemberChat> GetChatAsync(ChatId chat) => SendAsync<MemberChat>(HttpMethod.Get, $"api/chats/{chat}");

    public Task BlockAsync(ChatId chat) => SendAsync(HttpMethod.Put, $"api/chats/{chat}/block");

    public Task UnblockAsync(ChatId chat) => SendAsync(HttpMethod.Delete, $"api/chats/{chat}/block");

    /// <summary>Opens the member socket of <paramref name="device"/> with this client's cookies and our Origin.</summary>
    public Task<ChatSocket> ConnectMemberAsync(DeviceId device, CancellationToken cancellationToken = default) =>
        ConnectAsync($"ws/member?device={device}", cancellationToken: cancellationToken);

    public Task<ChatSocket> ConnectGuestAsync(CancellationToken cancellationToken = default) =>
        ConnectAsync("ws/guest", cancellationToken: cancellationToken);

    public async Task<ChatSocket> ConnectAsync(string path, string? origin = null, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.Cookies = Cookies;
        socket.Options.SetRequestHeader("Origin", origin ?? Origin);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(new Uri(BaseUri, path)) { Scheme = BaseUri.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(uri, cancellationToken);
        return new ChatSocket(socket);
    }

    /// <summary>Sends a request (JSON body if given) and returns the raw response.</summary>
    public async Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        return await Http.SendAsync(request);
    }

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body = null)
    {
        using var response = await RawAsync(method, path, body);
        await ApiException.ThrowIfProblemAsync(response);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await RawAsync(method, path, body);
        await ApiException.ThrowIfProblemAsync(response);
    }

    public void Dispose() => Http.Dispose();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions();
        GuestChatJson.Configure(options);
        options.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        return options;
    }
}

/// <summary>A problem response: its status and <c>code</c>.</summary>
public sealed class ApiException(HttpStatusCode status, string? code, string body)
    : Exception($"{(int)status} {code}: {body}")
{
    public HttpStatusCode Status { get; } = status;

    public string? Code { get; } = code;

    public string Body { get; } = body;

    public static async Task ThrowIfProblemAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await response.Content.ReadAsStringAsync();
        string? code = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            code = document.RootElement.TryGetProperty("code", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
        }
        throw new ApiException(response.StatusCode, code, body);
    }
}
