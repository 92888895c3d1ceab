using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AzContext.Native;

/// <summary>
/// One context of the list as the library sent it: its name and its JSON record, as UTF-8 bytes.
/// Shared by every runspace of the process and never modified; a <see cref="Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext"/>
/// parses its own copy only when one of its members is read.
/// </summary>
internal sealed class ContextRecord
{
    internal ContextRecord(string? name, byte[] utf8, byte[]? environment)
    {
        Name = name;
        Utf8 = utf8;
        Environment = environment;
    }

    internal string? Name { get; }

    /// <summary>The record; when <see cref="Environment"/> is set, its "Environment" member is null here.</summary>
    internal byte[] Utf8 { get; }

    /// <summary>The value of the record's "Environment" member, shared by every record with the same text.</summary>
    internal byte[]? Environment { get; }
}

/// <summary>
/// The last context list, with the view version the library gave it. While the library reports the
/// same version (nothing changed on disk or in the session), -ListAvailable reuses it instead of
/// receiving the list again — at 10,000 contexts that is ~20 MB of JSON per call. Each context is kept
/// as its UTF-8 record (about its size in the file), not as a parsed tree, which costs several times
/// more: the list is read straight from the library's buffer, never through a UTF-16 string.
/// </summary>
internal static class ContextListCache
{
    private static readonly object s_lock = new();
    private static SessionHandle? s_session;
    private static ulong s_version;
    private static ContextRecord[]? s_items;

    /// <summary>The contexts of the session's current view, each with its "Name".</summary>
    internal static ContextRecord[] Get(SessionHandle session, CallSettings settings)
    {
        lock (s_lock)
        {
            bool mine = ReferenceEquals(s_session, session) && s_items is not null;
            ulong known = mine ? s_version : 0;
            ulong version = 0;
            nint json = 0;
            AzctxStatus status = settings.Run(c => NativeMethods.azctx_context_list_if_changed(session, c, known, out version, out json));
            NativeCall.Check(status);
            if (json == 0 && mine)
            {
                return s_items!;
            }
            ContextRecord[] items;
            try
            {
                items = json == 0 ? Array.Empty<ContextRecord>() : Split(json);
            }
            finally
            {
                NativeMethods.azctx_string_free(json);
            }
            s_session = session;
            s_version = version;
            s_items = items;
            return items;
        }
    }

    /// <summary>Distinct environment texts remembered while splitting one list (a store uses a handful).</summary>
    private const int MaxSharedEnvironments = 16;

    /// <summary>
    /// The objects of the JSON array at <paramref name="json"/> (a NUL-terminated UTF-8 string the library
    /// owns), each copied out as its own bytes; an "Environment" object is copied once per distinct text.
    /// </summary>
    private static unsafe ContextRecord[] Split(nint json)
    {
        // SAFETY: the library returned a NUL-terminated string that stays valid until azctx_string_free, which the caller calls after this returns.
        ReadOnlySpan<byte> text = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)json);
        var items = new List<ContextRecord>();
        var environments = new List<byte[]>();
        var reader = new Utf8JsonReader(text);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return Array.Empty<ContextRecord>();
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            int start = (int)reader.TokenStartIndex;
            string? name = null;
            int envStart = -1, envEnd = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isName = name is null && reader.ValueTextEquals("Name"u8);
                bool isEnvironment = envStart < 0 && reader.ValueTextEquals("Environment"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    name = reader.GetString();
                }
                else if (isEnvironment && reader.TokenType == JsonTokenType.StartObject)
                {
                    envStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    envEnd = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Skip();
                }
            }
            int end = (int)reader.BytesConsumed;
            if (envStart < 0)
            {
                items.Add(new ContextRecord(name, text[start..end].ToArray(), null));
                continue;
            }
            ReadOnlySpan<byte> env = text[envStart..envEnd];
            byte[]? shared = null;
            foreach (byte[] known in environments)
            {
                if (env.SequenceEqual(known))
                {
                    shared = known;
                    break;
                }
            }
            if (shared is null)
            {
                shared = env.ToArray();
                if (environments.Count < MaxSharedEnvironments)
                {
                    environments.Add(shared);
                }
            }
            byte[] record = new byte[envStart - start + 4 + end - envEnd];
            text[start..envStart].CopyTo(record);
            "null"u8.CopyTo(record.AsSpan(envStart - start));
            text[envEnd..end].CopyTo(record.AsSpan(envStart - start + 4));
            items.Add(new ContextRecord(name, record, shared));
        }
        return items.ToArray();
    }
}
