using System;
using System.Runtime.InteropServices;

namespace AzContext.Native;

/// <summary>A native call that returns JSON through its last argument.</summary>
internal delegate AzctxStatus JsonCall(out nint json);

/// <summary>A failed native call: its status and the library's message.</summary>
internal sealed class NativeException : Exception, System.Management.Automation.IContainsErrorRecord
{
    /// <summary>
    /// The mapped ErrorRecord: pwsh uses it when this exception leaves a cmdlet unhandled (e.g. a NUL
    /// in an argument), so the error id and category stay the table's.
    /// </summary>
    public System.Management.Automation.ErrorRecord ErrorRecord => ErrorMap.ToErrorRecord(this);

    internal NativeException(AzctxStatus status, string message, object? target) : base(message)
    {
        Status = status;
        Target = target;
    }

    internal AzctxStatus Status { get; }

    /// <summary>What the error is about (a context name or a path), for ErrorRecord.TargetObject.</summary>
    internal object? Target { get; }
}

/// <summary>
/// Calls into libazcontext: status checks, the last-error message read right after the failing call,
/// and the copy-then-free of every returned string.
/// </summary>
internal static class NativeCall
{
    /// <summary>Calls <paramref name="call"/> and returns its JSON, or throws <see cref="NativeException"/>.</summary>
    internal static string Json(JsonCall call, object? target = null)
    {
        AzctxStatus status = call(out nint json);
        Check(status, target);
        return TakeString(json);
    }

    /// <summary>Throws <see cref="NativeException"/> unless <paramref name="status"/> is Ok.</summary>
    internal static void Check(AzctxStatus status, object? target = null)
    {
        if (status == AzctxStatus.Ok)
        {
            return;
        }
        // Read the message at once, on this thread: the next azctx_ call clears it.
        string message = TakeString(NativeMethods.azctx_last_error_message()) ?? $"libazcontext failed with status {(uint)status}";
        throw new NativeException(status, message, target);
    }

    /// <summary>The account extended properties that hold secrets, as the library defines them.</summary>
    internal static string[] SecretPropertyNames()
    {
        string json = Json((out nint j) => NativeMethods.azctx_secret_property_names(out j));
        return Models.Json.Parse(json) is System.Text.Json.Nodes.JsonArray names
            ? System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(names, n => n?.ToString() ?? string.Empty))
            : Array.Empty<string>();
    }

    /// <summary>Copies and frees a string the library returned (NULL gives null).</summary>
    internal static string? Take(nint ptr) => ptr == 0 ? null : TakeString(ptr);

    private static string TakeString(nint ptr)
    {
        if (ptr == 0)
        {
            return null!;
        }
        try
        {
            return Marshal.PtrToStringUTF8(ptr)!;
        }
        finally
        {
            NativeMethods.azctx_string_free(ptr);
        }
    }

    /// <summary>
    /// Refuses strings that cannot cross as NUL-terminated UTF-8: a U+0000 would silently cut them short,
    /// and a lone UTF-16 surrogate would silently become U+FFFD.
    /// </summary>
    internal static string? Arg(string? value, string parameterName)
    {
        if (value is not null && value.Contains('\0'))
        {
            throw new NativeException(AzctxStatus.InvalidArgument, $"The value of '{parameterName}' contains a NUL character (U+0000), which a name or path cannot hold.", value.Replace("\0", "\\0"));
        }
        int lone = value is null ? -1 : LoneSurrogateAt(value);
        if (lone >= 0)
        {
            // UTF-8 cannot carry it: marshalling would turn it into U+FFFD silently and store another name.
            throw new NativeException(AzctxStatus.InvalidArgument, $"The value of '{parameterName}' contains a lone UTF-16 surrogate (U+{(int)value![lone]:X4} at index {lone}), which is not a character and cannot be stored; remove it or complete the surrogate pair.", parameterName);
        }
        return value;
    }

    /// <summary>The index of the first UTF-16 surrogate that is not part of a pair, or -1.</summary>
    internal static int LoneSurrogateAt(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
