//! Pykka's actor model in Rust.
#![doc = include_str!("../README.md")]

pub use pykka_core::{
    Actor, ActorId, ActorRef, ActorRegistry, AnyActorRef, Context, Dispatch, Error, Failure, Future,
    FutureAwait, Promise, Reply, Result, Unhandled, debug, get_all,
};
