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
    Io = 200,
    PermissionDenied = 201,
    LockTimeout = 202,
    CorruptFile = 203,
    Panic = 900,
    SessionPoisoned = 901,
}

/// <summary>Mirrors azctx_scope: which profile an operation changes.</summary>
internal enum AzctxScope : uint
{
    Default = 0,
    Process = 1,
    CurrentUser = 2,
}
