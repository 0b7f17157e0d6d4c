using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Bench.Clients;

/// <summary>
/// The server's HTTP API (docs/protocol.md Part 1) as the benchmark's setup uses it: members sign up, register
/// a device, create invitations and upload bundles; guests fetch the public invitation and claim it. Cookies
/// are carried by hand so one connection pool serves thousands of identities.
/// </summary>
public sealed class GuestChatApi(HttpClient http, string origin)
{
    private const int MaxAttempts = 5;

    public async Task<string> TermsVersionAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/terms", null, null, cancellationToken);
        var terms = await response.Content.ReadFromJsonAsync(BenchJson.Default.TermsResponse, cancellationToken);
        return terms!.Version;
    }

    /// <summary>Creates an account; answers its member cookie (<c>gc_member=...</c>).</summary>
    public async Task<string> CreateMemberAsync(string username, string displayName, string password, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/accounts",
            JsonContent.Create(new CreateAccountRequest(username, displayName, password), BenchJson.Default.CreateAccountRequest),
            null, cancellationToken);
        return CookieOf(response, "gc_member");
    }

    public async Task<string> RegisterDeviceAsync(string memberCookie, string publicKeys, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/devices",
            JsonContent.Create(new RegisterDeviceRequest(publicKeys), BenchJson.Default.RegisterDeviceRequest), memberCookie, cancellationToken);
        var device = await response.Content.ReadFromJsonAsync(BenchJson.Default.DeviceResponse, cancellationToken);
        return device!.DeviceId;
    }

    public async Task<InvitationResponse> CreateInvitationAsync(string memberCookie, string deviceId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/invitations",
            JsonContent.Create(new CreateInvitationRequest(deviceId), BenchJson.Default.CreateInvitationRequest), memberCookie, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(BenchJson.Default.InvitationResponse, cancellationToken))!;
    }

    public async Task UploadBundleAsync(string memberCookie, string invitationId, BundleRequest bundle, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/api/invitations/{invitationId}/bundle",
            JsonContent.Create(bundle, BenchJson.Default.BundleRequest), memberCookie, cancellationToken);
    }

    public async Task<PublicInvitationResponse> PublicInvitationAsync(string invitationId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/invitations/{invitationId}/public", null, null, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(BenchJson.Default.PublicInvitationResponse, cancellationToken))!;
    }

    /// <summary>Claims an invitation as a guest; answers the chat id and the guest cookie (<c>gc_guest=...</c>).</summary>
    public async Task<(string ChatId, string GuestCookie)> ClaimAsync(string invitationId, ClaimRequest claim, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/invitations/{invitationId}/claim",
            JsonContent.Create(claim, BenchJson.Default.ClaimRequest), null, cancellationToken);
        var view = await response.Content.ReadFromJsonAsync(BenchJson.Default.GuestChatView, cancellationToken);
        return (view!.ChatId, CookieOf(response, "gc_guest"));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, string? cookie,
        CancellationToken cancellationToken)
    {
        var body = content is null ? null : await content.ReadAsByteArrayAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = content!.Headers.ContentType;
            }
            request.Headers.Add("X-GuestChat", "1");
            request.Headers.Add("Origin", origin);
            if (cookie is not null) request.Headers.Add("Cookie", cookie);
            var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode) return response;
            using (response)
            {
                var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxAttempts)
                {
                    throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {problem}", null, response.StatusCode);
                }
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromSeconds(5), cancellationToken);
            }
        }
    }

    private static string CookieOf(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                if (cookie.StartsWith(name + "=", StringComparison.Ordinal)) return cookie.Split(';', 2)[0];
            }
        }
        throw new InvalidOperationException($"The response set no {name} cookie.");
    }
}

public sealed record CreateAccountRequest(string Username, string DisplayName, string Password);

public sealed record RegisterDeviceRequest(string PublicKeys);

public sealed record DeviceResponse(string DeviceId);

public sealed record CreateInvitationRequest(string DeviceId);

public sealed record InvitationResponse(string Id, string DeviceId, long CreatedAt, long ExpiresAt, bool HasBundle);

public sealed record BundleRequest(string Bundle, string BundleTag, string ClaimVerifier);

public sealed record PublicInvitationResponse(string Id, string InviterName, string Bundle, string BundleTag, long ExpiresAt, string TermsVersion);

public sealed record ClaimRequest(string DisplayName, string TermsVersion, string GuestKeys, string ClaimTag, string ClaimVerifier, string FirstEnvelope);

public sealed record GuestChatView(string ChatId, string InvitationId, string MemberName, string GuestName, string State);

public sealed record TermsResponse(string Version, string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateAccountRequest))]
[JsonSerializable(typeof(RegisterDeviceRequest))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(CreateInvitationRequest))]
[JsonSerializable(typeof(InvitationResponse))]
[JsonSerializable(typeof(BundleRequest))]
[JsonSerializable(typeof(PublicInvitationResponse))]
[JsonSerializable(typeof(ClaimRequest))]
[JsonSerializable(typeof(GuestChatView))]
[JsonSerializable(typeof(TermsResponse))]
internal sealed partial class BenchJson : JsonSerializerContext;
