using System.Text;

namespace GuestChat.Server.Tests.Support;

/// <summary>
/// Garbage sent to every endpoint, with every method, as a chat's member, its guest and a stranger: no answer may be
/// a server error, and every refusal is <c>application/problem+json</c> with a <c>code</c>. The in-process server
/// tests and the native build's tests run the same sweep.
/// </summary>
public static class GarbageSweep
{
    public static async Task AssertNoServerErrorAsync(Conversation conversation, GuestChatClient stranger)
    {
        var paths = new[]
        {
            "api/accounts", "api/session", "api/me", "api/devices", "api/invitations", $"api/invitations/{conversation.Invitation}/bundle",
            $"api/invitations/{conversation.Invitation}", $"api/invitations/{conversation.Invitation}/public",
            $"api/invitations/{conversation.Invitation}/claim", "api/guest/chat", "api/guest/leave", "api/chats",
            $"api/chats/{conversation.Chat}", $"api/chats/{conversation.Chat}/block", "api/terms", "ws/member", "ws/guest", "api/%FF%FE",
        };
        var bodies = new (string? Body, string Type)[]
        {
            (null, "application/json"), ("null", "application/json"), ("[]", "application/json"), ("{\"a\":", "application/json"),
            ("\u0000\u0001\u0002", "application/json"), ("{\"username\":{\"$gt\":\"\"}}", "application/json"), ("<xml/>", "text/xml"),
            (new string('[', 5000), "application/json"), ("{\"displayName\":\"\\uD800\",\"bundle\":\"" + new string('-', 6000) + "\"}", "application/json"),
        };
        foreach (var client in new[] { conversation.Member, conversation.Guest, stranger })
        {
            foreach (var path in paths)
            {
                foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
                {
                    foreach (var (body, type) in method == HttpMethod.Get ? [(null, "application/json")] : bodies)
                    {
                        using var request = new HttpRequestMessage(method, path);
                        if (body is not null)
                        {
                            request.Content = new StringContent(body, Encoding.UTF8, type);
                        }
                        using var response = await client.Http.SendAsync(request);
                        var text = await response.Content.ReadAsStringAsync();
                        Assert.True((int)response.StatusCode < 500, $"{method} {path} {body?[..Math.Min(body.Length, 40)]}: {(int)response.StatusCode} {text}");
                        if (!response.IsSuccessStatusCode)
                        {
                            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                            Assert.Contains("\"code\":", text, StringComparison.Ordinal);
                        }
                    }
                }
            }
        }
    }
}
