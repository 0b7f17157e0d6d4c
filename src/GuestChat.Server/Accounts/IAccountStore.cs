using GuestChat.Protocol;

namespace GuestChat.Server.Accounts;

/// <summary>A member account as stored. <see cref="Username"/> is lower-case.</summary>
public sealed record MemberRecord(MemberId Id, string Username, string DisplayName, string PasswordHash, long CreatedAt);

/// <summary>Where member accounts live.</summary>
public interface IAccountStore
{
    /// <summary>Adds the member; false when the username is taken.</summary>
    Task<bool> TryCreateAsync(MemberRecord member, CancellationToken cancellationToken);

    Task<MemberRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken);

    Task<MemberRecord?> FindAsync(MemberId id, CancellationToken cancellationToken);
}
