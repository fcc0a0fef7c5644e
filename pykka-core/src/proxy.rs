//! The runtime side of proxies: [`Reply`] slots and the [`Dispatch`] trait that
//! `#[pykka::actor]` and `#[pykka::traversable]` implement for their message enums.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::Error;
use crate::future::{Future, Promise};
use crate::threading::panic_message;

/// A message that can be applied to a `T`: the generated message enums implement it for the
/// actor (or traversable type) whose methods and fields they carry.
///
/// Send one to an actor with [`ActorRef::send`](crate::ActorRef::send) to call a method
/// without a proxy (Pykka's `ProxyCall`, `ProxyGetAttr` and `ProxySetAttr` messages).
pub trait Dispatch<T>: Send + 'static {
    /// Applies the message to `target` on the actor's thread, answering its reply slot.
    fn dispatch(self, target: &mut T);

    /// A short label for debugging: the method or field the message is about.
    fn label(&self) -> &'static str;
}

/// The reply slot carried by a generated message: either a promise to answer (ask semantics)
/// or nothing (tell semantics, Pykka's `defer`).
pub struct Reply<R> {
    promise: Option<Promise<R>>,
}

impl<R> Reply<R> {
    /// A reply slot that answers `promise`.
    pub fn ask(promise: Promise<R>) -> Self {
        Reply { promise: Some(promise) }
    }

    /// A reply slot for an actor: returns it with the future it will answer.
    pub fn for_actor(actor: &crate::ActorId) -> (Self, Future<R>) {
        let (promise, future) = Promise::with_fulfiller(Some(actor.clone()));
        (Reply::ask(promise), future)
    }

    /// No reply: the message is fire-and-forget, and a panic while handling it is a failure
    /// of the actor.
    pub fn tell() -> Self {
        Reply { promise: None }
    }

    /// Returns true if somebody waits for the reply.
    pub fn is_ask(&self) -> bool {
        self.promise.is_some()
    }

    /// Runs `f` and delivers its result.
    ///
    /// With a promise, a panic in `f` is caught, logged at INFO and sent to the caller as
    /// [`Error::Panicked`]. Without one, the panic propagates to the actor's runtime, which
    /// treats it as a failure.
    pub fn run(self, f: impl FnOnce() -> R) {
        match self.promise {
            None => {
                f();
            }
            Some(promise) => match catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) => promise.set(value),
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    match promise.fulfiller().cloned() {
                        Some(actor) => {
                            tracing::info!(
                                target: "pykka",
                                actor = %actor,
                                error = %message,
                                "Exception returned from {actor} to caller: {message}"
                            );
                            promise.set_error(Error::Panicked { actor, message });
                        }
                        None => promise.set_error(Error::Custom { message }),
                    }
                }
            },
        }
    }
}

impl<R> fmt::Debug for Reply<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.promise.is_some() { "Reply::Ask" } else { "Reply::Tell" })
    }
}
