using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GuestChat.Protocol;

/// <summary>Source-generated JSON for every wire record.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(CreateAccountRequest))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(Member))]
[JsonSerializable(typeof(RegisterDeviceRequest))]
[JsonSerializable(typeof(DeviceRegistered))]
[JsonSerializable(typeof(CreateInvitationRequest))]
[JsonSerializable(typeof(UploadBundleRequest))]
[JsonSerializable(typeof(Invitation))]
[JsonSerializable(typeof(Invitation[]))]
[JsonSerializable(typeof(PublicInvitation))]
[JsonSerializable(typeof(ClaimRequest))]
[JsonSerializable(typeof(MemberChat))]
[JsonSerializable(typeof(MemberChat[]))]
[JsonSerializable(typeof(GuestChatView))]
[JsonSerializable(typeof(TermsOfService))]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(ServerFrame))]
public sealed partial class GuestChatJsonContext : JsonSerializerContext;

/// <summary>The serializer settings every GuestChat party uses.</summary>
public static class GuestChatJson
{
    /// <summary>
    /// Applies the wire rules to options that other resolvers share (ASP.NET's HTTP JSON options): camelCase,
    /// numbers only as numbers, missing or null required values refused, <c>type</c> anywhere in a frame.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowOutOfOrderMetadataProperties = true;
        options.TypeInfoResolverChain.Insert(0, GuestChatJsonContext.Default);
    }

    /// <summary>
    /// Drops the reflection-based resolver that a JIT-compiled host adds by default, so that only source-generated
    /// contexts answer, exactly as in a native (ahead-of-time compiled) build, where reflection is off.
    /// </summary>
    public static void RemoveReflection(JsonSerializerOptions options)
    {
        var chain = options.TypeInfoResolverChain;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (chain[i] is DefaultJsonTypeInfoResolver)
            {
                chain.RemoveAt(i);
            }
        }
    }
}
