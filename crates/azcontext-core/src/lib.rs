//! AzContext's domain logic: the Az.Accounts-compatible profile model and files (`AzureRmContext.json`,
//! `AzureRmContextSettings.json`), context keys, scopes and autosave, and the crash-safe, locked store.
//!
//! Layers, bottom up: [`json`] (an order-preserving JSON tree with Az's writer), the model ([`model`]),
//! [`settings`], file primitives ([`fsio`]), and the [`store`] that ties them to scopes and sessions.
//! No `unsafe` anywhere in this crate; the C ABI lives in `azcontext-ffi`.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod error;
pub mod fsio;
pub mod interchange;
pub mod json;
pub mod keystore;
pub mod model;
pub mod settings;
pub mod store;

pub use error::{Error, FormatError, Result};
