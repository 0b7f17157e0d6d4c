using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuestChat.Server.Devices;

/// <summary>A member's browser registers its public identity keys; the server checks only their size.</summary>
public static partial class DevicesApi
{
    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/devices", RegisterAsync).RequireAuthorization(Sessions.MemberPolicy);
        return app;
    }

    private static async Task<Results<Created<DeviceRegistered>, ValidationProblem>> RegisterAsync(
        RegisterDeviceRequest request, HttpContext context, IDeviceStore devices, TimeProvider clock,
        ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Bytes("publicKeys", request.PublicKeys, 1, Limits.PublicKeysMaxBytes);
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        var member = context.User.GetMemberId();
        var device = new DeviceRecord(DeviceId.New(), member, request.PublicKeys, clock.GetUtcNow().ToUnixTimeMilliseconds());
        await devices.AddAsync(device, cancellationToken);
        LogDeviceRegistered(logs.CreateLogger(typeof(DevicesApi)), member, device.Id, request.PublicKeys.Length);
        return TypedResults.Created((string?)null, new DeviceRegistered(device.Id));
    }

    [LoggerMessage(1, LogLevel.Information, "Member {MemberId} registered device {DeviceId} ({Size} bytes of public keys)")]
    private static partial void LogDeviceRegistered(ILogger logger, MemberId memberId, DeviceId deviceId, int size);
}
