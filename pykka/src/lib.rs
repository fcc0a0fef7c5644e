//! Pykka's actor model in Rust.
#![doc = include_str!("../README.md")]

pub use pykka_core::{
    Actor, ActorId, ActorRef, ActorRegistry, AnyActorRef, Context, Dispatch, Error, Failure, Future, FutureAwait,
    Promise, Proxied, Reply, Result, Traversable, TryTellError, Unhandled, debug, get_all, quiet_handled_panics,
};
#[cfg(feature = "macros")]
pub use pykka_macros::{actor, traversable};

pub mod manual;

/// Items used by the code `#[actor]` and `#[traversable]` generate. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use pykka_core::__private::*;
}
