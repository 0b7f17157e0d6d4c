using GuestChat.Protocol;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Configuration;

/// <summary>Binds every options class under <c>GuestChat</c> and validates it when the server starts.</summary>
public static class OptionsSetup
{
    public const string Section = "GuestChat";

    public static IServiceCollection AddGuestChatOptions(this IServiceCollection services)
    {
        // Each binder call names its options class: the configuration binding generator (which spares the server
        // the reflection-based binder at start) only replaces calls whose type is known where they are made.
        services.AddOptions<StorageOptions>().BindConfiguration(Section).ValidateOnStart();
        services.AddOptions<ChatOptions>().BindConfiguration(Section).ValidateOnStart();
        services.AddOptions<WebOptions>().BindConfiguration(Section).ValidateOnStart();
        services.AddOptions<LimitOptions>().BindConfiguration($"{Section}:Limits").ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration($"{Section}:RateLimits").ValidateOnStart();
        services.AddOptions<RealtimeOptions>().BindConfiguration($"{Section}:Realtime").ValidateOnStart();
        AddValidator<StorageOptions>(services, ValidateStorage);
        AddValidator<ChatOptions>(services, ValidateChats);
        AddValidator<WebOptions>(services, ValidateWeb);
        AddValidator<LimitOptions>(services, ValidateLimits);
        AddValidator<RateLimitOptions>(services, ValidateRateLimits);
        AddValidator<RealtimeOptions>(services, ValidateRealtime);
        return services;
    }

    /// <summary>
    /// Binds and checks every options class from configuration at once, so that an operator sees every problem
    /// in one go (the host would stop at the first options class it happens to need).
    /// </summary>
    public static void ValidateAll(IConfiguration configuration)
    {
        var errors = new List<string>();
        Check(() => configuration.GetSection(Section).Get<StorageOptions>(), ValidateStorage, errors);
        Check(() => configuration.GetSection(Section).Get<ChatOptions>(), ValidateChats, errors);
        Check(() => configuration.GetSection(Section).Get<WebOptions>(), ValidateWeb, errors);
        Check(() => configuration.GetSection($"{Section}:Limits").Get<LimitOptions>(), ValidateLimits, errors);
        Check(() => configuration.GetSection($"{Section}:RateLimits").Get<RateLimitOptions>(), ValidateRateLimits, errors);
        Check(() => configuration.GetSection($"{Section}:Realtime").Get<RealtimeOptions>(), ValidateRealtime, errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(OptionsSetup), errors);
        }
    }

    private static void Check<T>(Func<T?> bind, Action<T, List<string>> validate, List<string> errors)
        where T : class, new()
    {
        try
        {
            validate(bind() ?? new T(), errors);
        }
        catch (InvalidOperationException e) when (ConfigurationErrors.From(e).Count > 0)
        {
            errors.Add(e.Message);
        }
    }

    private static void AddValidator<T>(IServiceCollection services, Action<T, List<string>> validate)
        where T : class =>
        services.AddSingleton<IValidateOptions<T>>(new Validator<T>(validate));

    private static void ValidateStorage(StorageOptions o, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            errors.Add("GuestChat:DataDirectory must name a folder (default: 'data' under the current directory).");
        }
    }

    private static void ValidateChats(ChatOptions o, List<string> errors)
    {
        if (o.InactivityPeriod < TimeSpan.FromMinutes(1) || o.InactivityPeriod > TimeSpan.FromDays(3650))
        {
            errors.Add($"GuestChat:InactivityPeriod must be between 00:01:00 and 3650.00:00:00 (got {o.InactivityPeriod}).");
        }
        if (o.ExpirySweepInterval < TimeSpan.FromSeconds(1) || o.ExpirySweepInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"GuestChat:ExpirySweepInterval must be between 00:00:01 and 1.00:00:00 (got {o.ExpirySweepInterval}).");
        }
    }

    private static void ValidateWeb(WebOptions o, List<string> errors)
    {
        if (!string.IsNullOrEmpty(o.PublicBaseUrl)
            && (!Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")))
        {
            errors.Add($"GuestChat:PublicBaseUrl must be an absolute http or https URL such as https://chat.example.org (got '{o.PublicBaseUrl}').");
        }
        if (string.IsNullOrWhiteSpace(o.TermsFile) || !File.Exists(o.TermsFile))
        {
            errors.Add($"GuestChat:TermsFile must name an existing text file (got '{o.TermsFile}').");
        }
        if (string.IsNullOrWhiteSpace(o.WebRoot))
        {
            errors.Add("GuestChat:WebRoot must name a folder (default: wwwroot next to the server).");
        }
    }

    private static void ValidateLimits(LimitOptions o, List<string> errors)
    {
        if (o.MaxEnvelopeBytes is < 1 or > Limits.EnvelopeMaxBytes)
        {
            errors.Add($"GuestChat:Limits:MaxEnvelopeBytes must be between 1 and {Limits.EnvelopeMaxBytes} (got {o.MaxEnvelopeBytes}).");
        }
        // A send frame carries the envelope as base64url (4/3 longer) plus a few hundred bytes of JSON.
        var smallestFrame = (o.MaxEnvelopeBytes + 2) / 3 * 4 + 512;
        if (o.MaxFrameBytes < smallestFrame || o.MaxFrameBytes > 1024 * 1024)
        {
            errors.Add($"GuestChat:Limits:MaxFrameBytes must be between {smallestFrame} (room for the largest envelope) and 1048576 (got {o.MaxFrameBytes}).");
        }
        if (o.MaxRequestBodyBytes < smallestFrame || o.MaxRequestBodyBytes > 16 * 1024 * 1024)
        {
            errors.Add($"GuestChat:Limits:MaxRequestBodyBytes must be between {smallestFrame} (room for a claim) and 16777216 (got {o.MaxRequestBodyBytes}).");
        }
        if (o.MaxUnusedInvitations is < 1 or > 10_000)
        {
            errors.Add($"GuestChat:Limits:MaxUnusedInvitations must be between 1 and 10000 (got {o.MaxUnusedInvitations}).");
        }
        if (o.SocketQueueLength is < 16 or > 1_000_000)
        {
            errors.Add($"GuestChat:Limits:SocketQueueLength must be between 16 and 1000000 (got {o.SocketQueueLength}).");
        }
    }

    private static void ValidateRateLimits(RateLimitOptions o, List<string> errors)
    {
        foreach (var (name, rule) in o.All())
        {
            if (rule.PermitLimit < 1)
            {
                errors.Add($"GuestChat:RateLimits:{name}:PermitLimit must be at least 1 (got {rule.PermitLimit}).");
            }
            if (rule.Window < TimeSpan.FromMilliseconds(1) || rule.Window > TimeSpan.FromDays(1))
            {
                errors.Add($"GuestChat:RateLimits:{name}:Window must be between 00:00:00.001 and 1.00:00:00 (got {rule.Window}).");
            }
        }
    }

    private static void ValidateRealtime(RealtimeOptions o, List<string> errors)
    {
        if (o.KeepAliveInterval < TimeSpan.FromMilliseconds(100) || o.KeepAliveInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"GuestChat:Realtime:KeepAliveInterval must be between 00:00:00.1 and 00:10:00 (got {o.KeepAliveInterval}).");
        }
        if (o.KeepAliveTimeout < TimeSpan.FromMilliseconds(100) || o.KeepAliveTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"GuestChat:Realtime:KeepAliveTimeout must be between 00:00:00.1 and 00:10:00 (got {o.KeepAliveTimeout}).");
        }
    }

    private sealed class Validator<T>(Action<T, List<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var errors = new List<string>();
            validate(options, errors);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
