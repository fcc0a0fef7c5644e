//! The envelope: what travels through an actor's inbox.

use crate::actor::{Actor, Context};
use crate::future::Promise;

/// A closure run against the actor on its own thread: proxy calls and `ask_with`/`tell_with`.
pub(crate) type CallFn<A> = Box<dyn FnOnce(&mut A, &Context<A>) + Send>;

/// One message in an actor's inbox.
pub(crate) enum Envelope<A: Actor> {
    /// A plain message without a reply slot.
    Tell(A::Message),
    /// A plain message whose reply goes to the promise.
    Ask(A::Message, Promise<A::Reply>),
    /// A closure to run on the actor. A closure with a reply slot catches its own panics; a
    /// panic that escapes one is a failure of the actor.
    Call { label: &'static str, f: CallFn<A> },
    /// A stop request; the reply (if any) is `true` once the actor has stopped.
    Stop(Option<StopReply>),
}

/// The reply slot of a stop request. Dropped unanswered (the actor stopped before reaching
/// it), it still answers `true`: the actor was alive when the request was queued.
pub(crate) struct StopReply(Option<Promise<bool>>);

impl StopReply {
    pub(crate) fn new(promise: Promise<bool>) -> Self {
        StopReply(Some(promise))
    }
}

impl Drop for StopReply {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            p.set(true);
        }
    }
}
