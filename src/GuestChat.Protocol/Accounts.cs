namespace GuestChat.Protocol;

/// <summary><c>POST /api/accounts</c>.</summary>
public sealed record CreateAccountRequest(string Username, string DisplayName, string Password);

/// <summary><c>POST /api/session</c>.</summary>
public sealed record SignInRequest(string Username, string Password);

/// <summary>A member as the member sees it.</summary>
public sealed record Member(MemberId Id, string Username, string DisplayName);
