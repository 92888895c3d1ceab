using System;
using System.Runtime.InteropServices;

namespace AzContext.Native;

/// <summary>
/// An azctx_session*: Process-scope state. Reference counting guarantees it is never freed during a call,
/// nor twice.
/// </summary>
internal sealed class SessionHandle : SafeHandle
{
    public SessionHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    internal SessionHandle(nint handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.azctx_session_free(handle);
        return true;
    }
}
