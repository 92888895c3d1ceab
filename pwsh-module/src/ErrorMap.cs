using System;
using System.Collections.Generic;
using System.Management.Automation;
using AzContext.Native;

namespace AzContext;

/// <summary>
/// The lock wait ran out (AZCTX_STATUS_LOCK_TIMEOUT). An UnauthorizedAccessException, as Az throws for
/// "Could not acquire access to file", so scripts written for Az keep catching it; its own type, so the
/// kind is not lost among permission errors.
/// </summary>
public sealed class ContextStoreLockedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception with the library's message and the native failure.</summary>
    public ContextStoreLockedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The one map from native statuses to PowerShell errors: for each status the public exception type
/// (Az's type for the same condition), a stable FullyQualifiedErrorId prefix and a category. The
/// target object is the context name or path the call was about.
/// </summary>
internal static class ErrorMap
{
    /// <summary>One row: how a status becomes an error.</summary>
    internal readonly record struct Entry(string ErrorId, ErrorCategory Category, Type ExceptionType);

    internal static readonly IReadOnlyDictionary<AzctxStatus, Entry> Table = new Dictionary<AzctxStatus, Entry>
    {
        [AzctxStatus.NullArgument] = new("NativeCallFault", ErrorCategory.InvalidArgument, typeof(PSArgumentException)),
        [AzctxStatus.InvalidUtf8] = new("NativeCallFault", ErrorCategory.InvalidArgument, typeof(PSArgumentException)),
        [AzctxStatus.InvalidArgument] = new("InvalidArgument", ErrorCategory.InvalidArgument, typeof(PSArgumentException)),
        [AzctxStatus.NotFound] = new("ContextNotFound", ErrorCategory.ObjectNotFound, typeof(PSInvalidOperationException)),
        [AzctxStatus.AlreadyExists] = new("ContextAlreadyExists", ErrorCategory.ResourceExists, typeof(PSInvalidOperationException)),
        [AzctxStatus.InvalidName] = new("InvalidContextName", ErrorCategory.InvalidArgument, typeof(PSArgumentException)),
        [AzctxStatus.InvalidProfile] = new("InvalidProfile", ErrorCategory.InvalidData, typeof(System.IO.InvalidDataException)),
        [AzctxStatus.ReadOnly] = new("PublicEnvironmentReadOnly", ErrorCategory.InvalidOperation, typeof(PSInvalidOperationException)),
        [AzctxStatus.LoginRequired] = new("LoginRequired", ErrorCategory.InvalidOperation, typeof(PSInvalidOperationException)),
        [AzctxStatus.NotSupported] = new("NotSupportedOffline", ErrorCategory.NotImplemented, typeof(PSNotSupportedException)),
        [AzctxStatus.EnvironmentNotFound] = new("EnvironmentNotFound", ErrorCategory.ObjectNotFound, typeof(PSInvalidOperationException)),
        [AzctxStatus.FileNotFound] = new("FileNotFound", ErrorCategory.ObjectNotFound, typeof(PSArgumentException)),
        [AzctxStatus.FileAlreadyExists] = new("FileAlreadyExists", ErrorCategory.ResourceExists, typeof(PSInvalidOperationException)),
        [AzctxStatus.SubscriptionNotFound] = new("InvalidSubscriptionOrTenant", ErrorCategory.InvalidArgument, typeof(PSArgumentException)),
        [AzctxStatus.Io] = new("ContextStoreIOError", ErrorCategory.WriteError, typeof(System.IO.IOException)),
        [AzctxStatus.PermissionDenied] = new("ContextStoreAccessDenied", ErrorCategory.PermissionDenied, typeof(UnauthorizedAccessException)),
        [AzctxStatus.LockTimeout] = new("ContextStoreLocked", ErrorCategory.ResourceBusy, typeof(ContextStoreLockedException)),
        [AzctxStatus.CorruptFile] = new("ContextFileCorrupt", ErrorCategory.InvalidData, typeof(System.IO.InvalidDataException)),
        [AzctxStatus.Panic] = new("NativeLibraryFault", ErrorCategory.NotSpecified, typeof(InvalidOperationException)),
        [AzctxStatus.SessionPoisoned] = new("NativeLibraryFault", ErrorCategory.NotSpecified, typeof(InvalidOperationException)),
        [AzctxStatus.Internal] = new("NativeLibraryFault", ErrorCategory.NotSpecified, typeof(InvalidOperationException)),
    };

    /// <summary>The entry for a status; a status from a newer library gets <c>NativeStatusUnknown</c>.</summary>
    internal static Entry Lookup(AzctxStatus status) =>
        Table.TryGetValue(status, out Entry entry) ? entry : new Entry("NativeStatusUnknown", ErrorCategory.NotSpecified, typeof(InvalidOperationException));

    /// <summary>The ErrorRecord of a failed call; <paramref name="target"/> replaces the call's target when given.</summary>
    internal static ErrorRecord ToErrorRecord(NativeException e, object? target = null)
    {
        Entry entry = Lookup(e.Status);
        return new ErrorRecord(PublicException(e), entry.ErrorId, entry.Category, target ?? e.Target);
    }

    /// <summary>
    /// The exception scripts see: of the table's type, with the library's message, and the native
    /// failure as InnerException.
    /// </summary>
    internal static Exception PublicException(NativeException e)
    {
        Type type = Lookup(e.Status).ExceptionType;
        return (Exception)Activator.CreateInstance(type, e.Message, e)!;
    }

    /// <summary>An ErrorRecord for a condition the module detects itself (no native call involved).</summary>
    internal static ErrorRecord Create(Exception e, string errorId, ErrorCategory category, object? target) =>
        new(e is NativeException native ? PublicException(native) : e, errorId, category, target);
}
