using System.Text.Json.Serialization;

namespace GuestChat.Protocol;

/// <summary><c>POST /api/devices</c>: the device's public identity bundle, opaque to the server.</summary>
public sealed record RegisterDeviceRequest([property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] PublicKeys);

/// <summary>The answer to <see cref="RegisterDeviceRequest"/>.</summary>
public sealed record DeviceRegistered(DeviceId DeviceId);
