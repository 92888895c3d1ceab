namespace AzContext.Native;

/// <summary>Mirrors azctx_status in azcontext.h (the module meta-test checks that they agree).</summary>
internal enum AzctxStatus : uint
{
    Ok = 0,
    NullArgument = 1,
    InvalidUtf8 = 2,
    InvalidArgument = 3,
    NotFound = 100,
    AlreadyExists = 101,
    InvalidName = 102,
    InvalidProfile = 103,
    ReadOnly = 104,
    LoginRequired = 105,
    NotSupported = 106,
    EnvironmentNotFound = 107,
    FileNotFound = 108,
    FileAlreadyExists = 109,
    SubscriptionNotFound = 110,
    Io = 200,
    PermissionDenied = 201,
    LockTimeout = 202,
    CorruptFile = 203,
    Panic = 900,
    SessionPoisoned = 901,
    Internal = 902,
}

/// <summary>Mirrors azctx_scope: which profile an operation changes.</summary>
internal enum AzctxScope : uint
{
    Default = 0,
    Process = 1,
    CurrentUser = 2,
}

/// <summary>Mirrors azctx_call: the settings of one native call (never stored on the shared session).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
internal struct AzctxCall
{
    /// <summary>AZCTX_CALL_WHAT_IF: the command only looks.</summary>
    internal const uint WhatIf = 1;

    /// <summary>AZCTX_CALL_CURRENT: <see cref="Current"/> names the caller's own current context.</summary>
    internal const uint OwnCurrent = 2;

    /// <summary>AZCTX_CALL_KEEP_STORED_DEFAULT: the caller's changes leave the stored default where it is.</summary>
    internal const uint KeepStoredDefault = 4;

    internal uint Size;
    internal uint Flags;
    internal nint AzcontextDir;
    internal nint Autosave;
    internal nint Current;
}
