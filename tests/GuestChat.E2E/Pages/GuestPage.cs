using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuestChat.E2E.Pages;

/// <summary>The guest page an invitation link opens, driven through the words a person sees (PRODUCT.md).</summary>
public sealed class GuestPage(IPage page) : ChatScreen(page)
{
    public ILocator DisplayName => Page.GetByLabel("Display name", new() { Exact = true });

    public ILocator AcceptTerms => Page.GetByRole(AriaRole.Checkbox, new() { Name = "I accept the Terms of Service" });

    public ILocator JoinButton => Page.GetByRole(AriaRole.Button, new() { Name = "Join chat" });

    public ILocator ChattingAsGuest => Page.GetByText("You are chatting as a guest", new() { Exact = true });

    /// <summary>Opens the link as a fresh page load (a link differing only in its fragment would not reload otherwise).</summary>
    public async Task OpenAsync(string link)
    {
        if (Page.Url != "about:blank") await Page.GotoAsync("about:blank");
        await Page.GotoAsync(link);
    }

    /// <summary>Opens the link and waits for the invitation from <paramref name="memberName"/>.</summary>
    public async Task OpenInvitationAsync(string link, string memberName)
    {
        await OpenAsync(link);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"{memberName} invited you to a private chat" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("the chat ends after 10 days without messages")).ToBeVisibleAsync();
        await Expect(JoinButton).ToBeVisibleAsync();
    }

    /// <summary>Types the display name, accepts the terms, presses <b>Join chat</b> and waits for the chat.</summary>
    public async Task JoinAsync(string displayName)
    {
        await DisplayName.FillAsync(displayName);
        await AcceptTerms.CheckAsync();
        await JoinButton.ClickAsync();
        await Expect(ChattingAsGuest).ToBeVisibleAsync();
        await Expect(MessageField).ToBeVisibleAsync();
    }

    /// <summary>The sentence a link that cannot be used shows, as the page's heading.</summary>
    public ILocator Problem(string sentence) => Page.GetByRole(AriaRole.Heading, new() { Name = sentence, Exact = true });
}
