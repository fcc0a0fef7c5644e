//! The integration tests of pykka: one binary, one module per topic.
//!
//! Each module names the behaviours of `shared/reference/pykka-behaviors.md` (B001-B146) that
//! it covers, and each test carries its B-number.

#![allow(missing_docs, unreachable_pub, reason = "test code")]

mod actor;
mod actor_ref;
mod calls;
mod debug;
mod future;
mod interfaces;
mod logging;
mod macros;
mod panics;
mod pool;
mod proxy;
mod proxy_timeout;
mod races;
mod registry;
mod restart;
mod supervisor;
mod support;
mod threading;
mod timers;
mod traversable;
mod watch;
