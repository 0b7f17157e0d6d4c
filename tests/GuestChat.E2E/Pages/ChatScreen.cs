using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuestChat.E2E.Pages;

/// <summary>What the member's chat and the guest's chat have in common: the conversation, the composer, the security code.</summary>
public abstract partial class ChatScreen(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Conversation => Page.GetByRole(AriaRole.Log, new() { Name = "Conversation" });

    public ILocator MessageField => Page.GetByLabel("Message", new() { Exact = true });

    public ILocator SendButton => Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true });

    /// <summary>The bubble that holds exactly <paramref name="text"/> (rendered as text).</summary>
    public ILocator Message(string text) =>
        Conversation.Locator(".message").Filter(new() { Has = Page.GetByText(text, new() { Exact = true }) });

    /// <summary>The tick of one of my messages, by its accessible name: Sending, Sent, Delivered, Read or Not sent.</summary>
    public ILocator Tick(string text) => Message(text).GetByRole(AriaRole.Img);

    public async Task SendAsync(string text)
    {
        await MessageField.FillAsync(text);
        await SendButton.ClickAsync();
        await Expect(Message(text)).ToBeVisibleAsync();
        await Expect(MessageField).ToHaveValueAsync("");
    }

    public async Task ExpectTickAsync(string text, string tick) =>
        await Expect(Tick(text)).ToHaveAccessibleNameAsync(tick);

    /// <summary>Opens <b>Security code</b>, reads the 12 groups of 5 digits, and closes the dialog.</summary>
    public async Task<string> ReadSecurityCodeAsync(Func<Task>? whileOpen = null)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Security code" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Security code" });
        var code = dialog.GetByLabel(CodeLabel());
        await Expect(code).ToBeVisibleAsync();
        var label = await code.GetAttributeAsync("aria-label") ?? "";
        var shown = Regex.Replace(await code.InnerTextAsync(), @"\s+", " ").Trim();
        var groups = label["Security code: ".Length..];
        Assert.Equal(groups, shown);
        if (whileOpen is not null) await whileOpen();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        return groups;
    }

    [GeneratedRegex(@"^Security code: \d{5}( \d{5}){11}$")]
    private static partial Regex CodeLabel();
}
