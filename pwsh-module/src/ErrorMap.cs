using System;
using System.Collections.Generic;
using System.Management.Automation;
using AzContext.Native;

namespace AzContext;

/// <summary>
/// The one map from native statuses to PowerShell errors: a stable FullyQualifiedErrorId prefix, a
/// category, and the context name or path as the target object.
/// </summary>
internal static class ErrorMap
{
    internal readonly record struct Entry(string ErrorId, ErrorCategory Category);

    internal static readonly IReadOnlyDictionary<AzctxStatus, Entry> Table = new Dictionary<AzctxStatus, Entry>
    {
        [AzctxStatus.NullArgument] = new("NativeCallFault", ErrorCategory.InvalidArgument),
        [AzctxStatus.InvalidUtf8] = new("NativeCallFault", ErrorCategory.InvalidArgument),
        [AzctxStatus.InvalidArgument] = new("InvalidArgument", ErrorCategory.InvalidArgument),
        [AzctxStatus.NotFound] = new("ContextNotFound", ErrorCategory.ObjectNotFound),
        [AzctxStatus.AlreadyExists] = new("ContextAlreadyExists", ErrorCategory.ResourceExists),
        [AzctxStatus.InvalidName] = new("InvalidContextName", ErrorCategory.InvalidArgument),
        [AzctxStatus.InvalidProfile] = new("InvalidProfile", ErrorCategory.InvalidData),
        [AzctxStatus.ReadOnly] = new("PublicEnvironmentReadOnly", ErrorCategory.InvalidOperation),
        [AzctxStatus.LoginRequired] = new("LoginRequired", ErrorCategory.InvalidOperation),
        [AzctxStatus.NotSupported] = new("NotSupportedOffline", ErrorCategory.NotImplemented),
        [AzctxStatus.Io] = new("ContextStoreIOError", ErrorCategory.WriteError),
        [AzctxStatus.PermissionDenied] = new("ContextStoreAccessDenied", ErrorCategory.PermissionDenied),
        [AzctxStatus.LockTimeout] = new("ContextStoreLocked", ErrorCategory.ResourceBusy),
        [AzctxStatus.CorruptFile] = new("ContextFileCorrupt", ErrorCategory.InvalidData),
        [AzctxStatus.Panic] = new("NativeLibraryFault", ErrorCategory.NotSpecified),
        [AzctxStatus.SessionPoisoned] = new("NativeLibraryFault", ErrorCategory.NotSpecified),
    };

    /// <summary>The entry for a status; a status from a newer library gets <c>NativeStatusUnknown</c>.</summary>
    internal static Entry Lookup(AzctxStatus status) =>
        Table.TryGetValue(status, out Entry entry) ? entry : new Entry("NativeStatusUnknown", ErrorCategory.NotSpecified);

    internal static ErrorRecord ToErrorRecord(NativeException e, string? errorIdOverride = null)
    {
        Entry entry = Lookup(e.Status);
        return new ErrorRecord(PublicException(e), errorIdOverride ?? entry.ErrorId, entry.Category, e.Target);
    }

    /// <summary>
    /// The exception scripts see: of the public type Az throws for the same condition, with the
    /// library's message, and the native failure as InnerException.
    /// </summary>
    internal static Exception PublicException(NativeException e) => e.Status switch
    {
        AzctxStatus.InvalidArgument or AzctxStatus.InvalidName or AzctxStatus.NullArgument or AzctxStatus.InvalidUtf8
            => new PSArgumentException(e.Message, e),
        AzctxStatus.NotFound or AzctxStatus.AlreadyExists or AzctxStatus.ReadOnly or AzctxStatus.LoginRequired
            => new PSInvalidOperationException(e.Message, e),
        AzctxStatus.NotSupported => new PSNotSupportedException(e.Message, e),
        AzctxStatus.InvalidProfile or AzctxStatus.CorruptFile => new System.IO.InvalidDataException(e.Message, e),
        AzctxStatus.Io => new System.IO.IOException(e.Message, e),
        AzctxStatus.PermissionDenied or AzctxStatus.LockTimeout => new UnauthorizedAccessException(e.Message, e),
        _ => new InvalidOperationException(e.Message, e),
    };

    /// <summary>An ErrorRecord for a condition the module detects itself (no native call involved).</summary>
    internal static ErrorRecord Create(Exception e, string errorId, ErrorCategory category, object? target) =>
        new(e is NativeException native ? PublicException(native) : e, errorId, category, target);
}
