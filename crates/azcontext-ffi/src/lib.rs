//! libazcontext: the C ABI over `azcontext-core`. Marshalling only; every rule lives in the core.
//!
//! Every export goes through [`boundary`]: the thread's last error is cleared on entry, pointers are
//! checked before any work, strings are validated as UTF-8, panics become `AZCTX_STATUS_PANIC`, core
//! errors map to statuses by their kind (never by message text), and out-parameters are written only on
//! success. `unsafe` appears only in this crate, each block with its `SAFETY:` reason.

mod boundary;
mod exports;
mod records;
mod status;

pub use exports::*;
pub use status::{
    AzctxCall, AzctxScope, AzctxStatus, AZCTX_CALL_CURRENT, AZCTX_CALL_KEEP_STORED_DEFAULT,
    AZCTX_CALL_KNOWN_FLAGS, AZCTX_CALL_WHAT_IF,
};

/// The ABI version. Bump it on any breaking change to a signature, a status value or a JSON shape.
/// cbindgen emits it as `#define AZCTX_ABI_VERSION`, and `azctx_abi_version()` returns it.
pub const AZCTX_ABI_VERSION: u32 = 4;
