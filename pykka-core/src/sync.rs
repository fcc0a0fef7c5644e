//! The synchronisation types of the core: `std`'s, or [loom]'s model-checked stand-ins when
//! built with `--cfg loom` (`cargo xtask loom`).
//!
//! A module that is model-checked takes its `Arc`, `Mutex`, `Condvar`, atomics, `spin_loop`
//! and `yield_now` from here instead of `std`, so that loom sees every synchronising step.
//! Poisoning and lock results are `std`'s in both builds (loom re-uses them).
//!
//! [loom]: https://docs.rs/loom

#![allow(unused_imports, reason = "a shim: each model-checked module uses part of it")]

pub(crate) use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

#[cfg(not(loom))]
pub(crate) use std::{
    hint::spin_loop,
    sync::{
        Arc, Condvar, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering},
    },
    thread::yield_now,
};

#[cfg(loom)]
pub(crate) use loom::{
    hint::spin_loop,
    sync::{
        Arc, Condvar, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering},
    },
    thread::yield_now,
};
