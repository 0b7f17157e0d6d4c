using Microsoft.Playwright;

using GuestChat.Testing;

namespace GuestChat.E2E.Support;

/// <summary>Saves screenshots of the main screens into <c>artifacts/screenshots/</c> (gitignored), on a desktop and on a phone.</summary>
public static class Screenshots
{
    private static readonly ViewportSize s_desktop = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize s_phone = new() { Width = 360, Height = 740 };

    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots");

    /// <summary>
    /// Saves <c>{name}-desktop.png</c> and <c>{name}-phone.png</c>: the page as it is, then resized to the other
    /// size (and back), so that every main screen is seen at both widths.
    /// </summary>
    public static async Task SaveDesktopAndPhoneAsync(IPage page, string name)
    {
        var original = page.ViewportSize is { } size ? new ViewportSize { Width = size.Width, Height = size.Height } : s_desktop;
        var isPhone = original.Width < 600;
        await SaveAsync(page, $"{name}-{(isPhone ? "phone" : "desktop")}");
        await page.SetViewportSizeAsync((isPhone ? s_desktop : s_phone).Width, (isPhone ? s_desktop : s_phone).Height);
        await SaveAsync(page, $"{name}-{(isPhone ? "desktop" : "phone")}");
        await page.SetViewportSizeAsync(original.Width, original.Height);
    }

    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name + ".png"), FullPage = true });
    }
}
