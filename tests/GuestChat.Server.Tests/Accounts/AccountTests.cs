using System.Net;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Accounts;

public sealed class AccountTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    private static string NewUsername() => "u" + Convert.ToHexStringLower(GuestChatClient.RandomBytes(6));

    [Fact]
    public async Task CreatingAnAccountSignsTheMemberInWithAStrictHttpOnlyCookie()
    {
        using var client = Host.CreateClient();
        var username = NewUsername();

        using var response = await client.RawAsync(HttpMethod.Post, "api/accounts", new CreateAccountRequest(username, "  Ada Lovelace ", "correct horse battery"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gc_member=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var me = await client.MeAsync();
        Assert.Equal((username, "Ada Lovelace"), (me.Username, me.DisplayName));
        Assert.True(RandomId.IsValid(me.Id.Value));
    }

    [Fact]
    public async Task UsernamesAreStoredLowerCaseAndUniqueWhateverTheCase()
    {
        using var first = Host.CreateClient();
        using var second = Host.CreateClient();
        var username = NewUsername();

        var member = await first.CreateAccountAsync(username.ToUpperInvariant(), "First", "correct horse battery");

        Assert.Equal(username, member.Username);
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.UsernameTaken, () => second.CreateAccountAsync(username, "Second", "another password"));
        await second.SignInAsync(username.ToUpperInvariant(), "correct horse battery");
        Assert.Equal(member.Id, (await second.MeAsync()).Id);
    }

    [Theory]
    [InlineData("ab", "Name", "long enough pw", "username")]
    [InlineData("this_username_is_far_too_long_abc", "Name", "long enough pw", "username")]
    [InlineData("no spaces", "Name", "long enough pw", "username")]
    [InlineData("ünïcode", "Name", "long enough pw", "username")]
    [InlineData("valid_name", "   ", "long enough pw", "displayName")]
    [InlineData("valid_name", "tab\tname", "long enough pw", "displayName")]
    [InlineData("valid_name", "Name", "too short", "password")]
    public async Task AccountRulesAreCheckedFieldByField(string username, string displayName, string password, string field)
    {
        using var client = Host.CreateClient();

        using var response = await client.RawAsync(HttpMethod.Post, "api/accounts", new CreateAccountRequest(username, displayName, password));

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task DisplayNamesMayBeSixtyFourCharactersButNotMore()
    {
        using var client = Host.CreateClient();
        await client.CreateAccountAsync(NewUsername(), new string('é', 64), "correct horse battery");
        await Problem.ThrowsAsync(HttpStatusCode.BadRequest, ErrorCodes.Validation,
            () => client.CreateAccountAsync(NewUsername(), new string('x', 65), "correct horse battery"));
    }

    [Fact]
    public async Task PasswordsAreStoredOnlyAsAnIdentityHash()
    {
        using var client = Host.CreateClient();
        var member = await client.CreateAccountAsync(NewUsername(), "Hashed", "a secret password 123");

        using var connection = Database.Open(Host);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM members WHERE id = $id";
        command.Parameters.AddWithValue("$id", member.Id.Value);
        var hash = (string)command.ExecuteScalar()!;

        Assert.DoesNotContain("a secret password 123", hash, StringComparison.Ordinal);
        Assert.Equal(0x01, Convert.FromBase64String(hash)[0]); // PasswordHasher's version 3 format
    }

    [Fact]
    public async Task SigningInWithTheRightPasswordStartsASession()
    {
        using var creator = Host.CreateClient();
        var username = NewUsername();
        var created = await creator.CreateAccountAsync(username, "Signer", "correct horse battery");
        using var browser = Host.CreateClient();

        var member = await browser.SignInAsync(username, "correct horse battery");

        Assert.Equal(created, member);
        Assert.Equal(created, await browser.MeAsync());
    }

    [Fact]
    public async Task AWrongPasswordOrUnknownUsernameIsInvalidCredentials()
    {
        using var creator = Host.CreateClient();
        var username = NewUsername();
        await creator.CreateAccountAsync(username, "Signer", "correct horse battery");
        using var browser = Host.CreateClient();

        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials, () => browser.SignInAsync(username, "wrong horse battery"));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials, () => browser.SignInAsync(NewUsername(), "correct horse battery"));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => browser.MeAsync());
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        using var client = Host.CreateClient();
        await client.CreateMemberWithDeviceAsync();

        await client.SignOutAsync();

        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => client.MeAsync());
    }

    [Fact]
    public async Task WithoutASessionTheCurrentMemberIsNotSignedIn()
    {
        using var client = Host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => client.MeAsync());
    }

    [Fact]
    public async Task AMemberRegistersDevicesWhosePublicKeysAreCheckedForSizeOnly()
    {
        using var client = Host.CreateClient();
        await client.CreateMemberWithDeviceAsync();

        var small = await client.RegisterDeviceAsync([7]);
        var large = await client.RegisterDeviceAsync(new byte[Limits.PublicKeysMaxBytes]);

        Assert.NotEqual(small, large);
        await Problem.ThrowsAsync(HttpStatusCode.BadRequest, ErrorCodes.Validation, () => client.RegisterDeviceAsync([]));
        await Problem.ThrowsAsync(HttpStatusCode.BadRequest, ErrorCodes.Validation, () => client.RegisterDeviceAsync(new byte[Limits.PublicKeysMaxBytes + 1]));
        using var padded = await client.Http.PostAsync("api/devices", Json("""{"publicKeys":"AQI="}"""));
        await Problem.AssertAsync(padded, HttpStatusCode.BadRequest, ErrorCodes.Validation);
    }

    [Fact]
    public async Task RegisteringADeviceNeedsAMemberSession()
    {
        using var client = Host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => client.RegisterDeviceAsync());
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
