using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using GuestChat.Server.Devices;
using GuestChat.Server.Expiry;
using GuestChat.Server.Guests;
using GuestChat.Server.Invitations;
using GuestChat.Server.Realtime;
using GuestChat.Server.Storage;
using GuestChat.Server.Terms;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GuestChat.Server;

/// <summary>
/// Builds the GuestChat server. <c>Program.cs</c> and the test host (tests/GuestChat.Testing) both use it; the
/// test host passes <paramref name="configure"/> to override configuration and services (its clock, its logs).
/// </summary>
public static class GuestChatApp
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The slim builder starts faster (fewer default services and logging providers, Kestrel without TLS
        // unless asked); what GuestChat uses of the full one is added back: console logs, configuration from
        // appsettings.json, GuestChat__* and the command line, forwarded headers and host filtering, static files,
        // and HTTPS endpoints from configuration (Kestrel:Endpoints, https:// urls with a certificate).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        // Request lines can carry ids in paths and queries: the framework's per-request logs stay off.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
        builder.Services.AddGuestChat();
        configure?.Invoke(builder);
        OptionsSetup.ValidateAll(builder.Configuration);
        var app = builder.Build();
        app.UseGuestChat();
        return app;
    }

    private static IServiceCollection AddGuestChat(this IServiceCollection services)
    {
        services.AddGuestChatOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitOptions>, IOptions<RealtimeOptions>>((kestrel, limits, realtime) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
            if (realtime.Value.ConnectionUpgrade)
            {
                kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => new ConnectionUpgrade(next, listen.ApplicationServices).OnConnectedAsync));
            }
        });
        services.ConfigureHttpJsonOptions(options => GuestChatJson.Configure(options.SerializerOptions));
        // Types resolve through the source-generated contexts alone, in every build: the native build has no
        // reflection, so a type missing from a context must fail here (in the tests) rather than only there.
        services.PostConfigure<JsonOptions>(options => GuestChatJson.RemoveReflection(options.SerializerOptions));

        // Storage: one SQLite file; each feature sees only its narrow store interface.
        services.AddSingleton<SqliteDatabase>();
        services.AddHostedService<DatabaseStartup>();
        services.AddSingleton<IAccountStore, SqliteAccountStore>();
        services.AddSingleton<IDeviceStore, SqliteDeviceStore>();
        services.AddSingleton<IInvitationStore, SqliteInvitationStore>();
        services.AddSingleton<IChatStore, SqliteChatStore>();
        services.AddSingleton<IStorageHealth, SqliteStorageHealth>();

        // Member cookies are protected with keys kept in the data folder, so sessions survive restarts.
        services.AddGuestChatDataProtection();
        services.AddSingleton<IPasswordHasher<MemberRecord>, PasswordHasher<MemberRecord>>();
        services.AddSessions();

        services.AddSingleton<InProcessRelay>();
        services.AddSingleton<IRelay>(sp => sp.GetRequiredService<InProcessRelay>());
        services.AddSingleton<ConnectionHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionHeartbeat>());
        services.AddSingleton<ChatWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ChatWriter>());
        services.AddSingleton<RealtimeServices>();
        services.AddSingleton<ExpireIdleChats>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpireIdleChats>());
        services.AddSingleton<TermsProvider>();

        services.AddGuestChatRateLimits();
        services.AddProblemResponses();
        services.LoadKeyRingInBackground(); // last: other registrations (authentication) add the eager load again
        return services;
    }

    private static void UseGuestChat(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseProblemResponses();
        app.UseMiddleware<CsrfProtection>();
        app.UseWebAppFiles();
        app.UseWebSockets();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authorization, which sets the member that per-member limits count


        app.MapAccounts();
        app.MapDevices();
        app.MapInvitations();
        app.MapPublicInvitations();
        app.MapClaims();
        app.MapGuest();
        app.MapChats();
        app.MapRealtime();
        app.MapTerms();
        app.MapHealth();
        app.MapWebApp();
    }
}
