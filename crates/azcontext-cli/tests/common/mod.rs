//! Helpers shared by the azctx process tests: one way to start `azctx` on a store folder, with every
//! variable that would change which store or context it uses cleared, so a developer's own shell
//! settings never leak into a test.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub const AZCTX: &str = env!("CARGO_BIN_EXE_azctx");

/// `azctx` on the store folder `dir`, with autosave overrides and the pinned context cleared.
pub fn azctx(dir: &Path) -> Command {
    let mut c = Command::new(AZCTX);
    c.env("AZCONTEXT_DIR", dir)
        .env_remove("AzContextAutoSave")
        .env_remove("Azure_Profile_Autosave")
        .env_remove("AZCONTEXT_NAME")
        .env_remove("AZCONTEXT_PREVIOUS");
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    azctx(dir).args(args).output().expect("azctx runs")
}

/// Stdout of a command that must succeed.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(
        o.status.success(),
        "azctx {args:?} failed ({:?}): {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}
