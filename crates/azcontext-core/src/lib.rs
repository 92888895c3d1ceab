//! AzContext's domain logic: the Az.Accounts-compatible profile model and files (`AzureRmContext.json`,
//! `AzureRmContextSettings.json`), context keys, scopes and autosave, and the crash-safe, locked store.
//!
//! Layers, bottom up: [`jsonio`] (serde_json with Az's limits, errors and Newtonsoft's text, and the
//! order-preserving tree the model keeps), the model ([`model`]),
//! [`settings`], file primitives ([`fsio`]), and the [`store`] that ties them to scopes and sessions.
//! `unsafe` is forbidden in every module but [`os`], the one small module that calls `libc` (open
//! flags, `flock`, the effective uid); the C ABI lives in `azcontext-ffi`.
#![deny(unsafe_code)]

#[forbid(unsafe_code)]
pub mod accounts;
#[forbid(unsafe_code)]
pub mod error;
#[forbid(unsafe_code)]
pub mod fsio;
#[forbid(unsafe_code)]
pub mod interchange;
#[forbid(unsafe_code)]
pub mod jsonio;
#[forbid(unsafe_code)]
pub mod keystore;
#[forbid(unsafe_code)]
pub mod model;
#[forbid(unsafe_code)]
pub mod names;
pub mod os;
#[forbid(unsafe_code)]
pub mod settings;
#[forbid(unsafe_code)]
pub mod signin;
#[forbid(unsafe_code)]
pub mod store;

pub use error::{Error, FormatError, Result};
