using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuestChat.E2E.Pages;

/// <summary>The member app, driven through the words a person sees (PRODUCT.md).</summary>
public sealed partial class MemberPage(IPage page, string baseUrl) : ChatScreen(page)
{
    public async Task OpenAsync() => await Page.GotoAsync(baseUrl + "/");

    public async Task CreateAccountAsync(string username, string displayName, string password, Func<Task>? beforeSubmit = null)
    {
        await OpenAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create account" })).ToBeVisibleAsync();
        await Page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await Page.GetByLabel("Display name", new() { Exact = true }).FillAsync(displayName);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        if (beforeSubmit is not null) await beforeSubmit();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(InviteButton).ToBeVisibleAsync();
    }

    public ILocator InviteButton => Page.GetByRole(AriaRole.Button, new() { Name = "Invite a friend" });

    public ILocator InviteDialog => Page.GetByRole(AriaRole.Dialog, new() { Name = "Invite a friend" });

    /// <summary>Presses <b>Invite a friend</b> and reads the link the dialog shows; leaves the dialog open.</summary>
    public async Task<InvitationLink> InviteAsync(Func<Task>? whileDialogOpen = null)
    {
        await InviteButton.ClickAsync();
        return await ReadInvitationLinkAsync(whileDialogOpen);
    }

    /// <summary>Reads the link shown in the open invite dialog, then closes the dialog with <b>Done</b>.</summary>
    public async Task<InvitationLink> ReadInvitationLinkAsync(Func<Task>? whileDialogOpen = null)
    {
        var field = InviteDialog.GetByLabel("Invitation link");
        await Expect(field).ToHaveValueAsync(InvitationLink.Pattern);
        await Expect(InviteDialog.GetByRole(AriaRole.Button, new() { Name = "Copy link" })).ToBeVisibleAsync();
        await Expect(InviteDialog.GetByText("The link works once and expires after 10 days if unused.")).ToBeVisibleAsync();
        var link = InvitationLink.Parse(await field.InputValueAsync());
        if (whileDialogOpen is not null) await whileDialogOpen();
        await InviteDialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(InviteDialog).ToBeHiddenAsync();
        return link;
    }

    public ILocator ChatLink(string guestName) => Page.GetByRole(AriaRole.Link, new() { Name = guestName });

    /// <summary>Opens the chat with <paramref name="guestName"/> from the chat list, once the guest has joined.</summary>
    public async Task OpenChatAsync(string guestName)
    {
        var item = ChatLink(guestName);
        await Expect(item).ToBeVisibleAsync();
        await Expect(item.GetByText("Guest", new() { Exact = true })).ToBeVisibleAsync();
        await item.ClickAsync();
        await Expect(ChatHeading).ToContainTextAsync(guestName);
    }

    public ILocator ChatHeading => Page.Locator("section.chat").GetByRole(AriaRole.Heading, new() { Level = 2 });

    public ILocator BlockButton => Page.GetByRole(AriaRole.Button, new() { Name = "Block", Exact = true });

    public ILocator UnblockButton => Page.GetByRole(AriaRole.Button, new() { Name = "Unblock", Exact = true });

    public ILocator CancelInvitationButton => Page.GetByRole(AriaRole.Button, new() { Name = "Cancel invitation" });
}

/// <summary>An invitation link <c>{origin}/i/{id}#{secret}</c>: the part after # must never reach the server.</summary>
public sealed partial record InvitationLink(string Url, string Id, string Secret)
{
    public static Regex Pattern { get; } = LinkRegex();

    public static InvitationLink Parse(string url)
    {
        var match = Pattern.Match(url);
        if (!match.Success) throw new FormatException($"Not an invitation link: {url}");
        return new InvitationLink(url, match.Groups["id"].Value, match.Groups["secret"].Value);
    }

    [GeneratedRegex(@"^https?://[^/]+/i/(?<id>[A-Za-z0-9_-]{22})#(?<secret>[A-Za-z0-9_-]{16,200})$")]
    private static partial Regex LinkRegex();
}
