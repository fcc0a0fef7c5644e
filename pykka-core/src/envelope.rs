//! The envelope: what travels through an actor's inbox.

use crate::actor::{Actor, Context};
use crate::future::Promise;

/// A closure run against the actor on its own thread: proxy calls and `ask_with`/`tell_with`.
///
/// The label lives in the box with the closure, so a call envelope is two words.
pub(crate) type CallFn<A> = Box<dyn Call<A>>;

/// A labelled closure; see [`CallFn`].
pub(crate) trait Call<A: Actor>: Send {
    /// Notes the call's label in the actor's debug record, then runs the closure on the
    /// actor. (One virtual call for both: the label is read from the same cache line as the
    /// closure, which the sender's core has just written.)
    fn run(self: Box<Self>, actor: &mut A, ctx: &Context<A>);
}

/// The one implementation of [`Call`].
pub(crate) struct Labelled<F> {
    /// The method or field the call is about, for the debug snapshot.
    pub(crate) label: &'static str,
    pub(crate) f: F,
}

impl<A: Actor, F: FnOnce(&mut A, &Context<A>) + Send> Call<A> for Labelled<F> {
    fn run(self: Box<Self>, actor: &mut A, ctx: &Context<A>) {
        ctx.actor_ref().cell.state.calling(self.label);
        (self.f)(actor, ctx);
    }
}

/// One message in an actor's inbox.
pub(crate) enum Envelope<A: Actor> {
    /// A plain message without a reply slot.
    Tell(A::Message),
    /// A plain message whose reply goes to the promise.
    Ask(A::Message, Promise<A::Reply>),
    /// A closure to run on the actor. A closure with a reply slot catches its own panics; a
    /// panic that escapes one is a failure of the actor.
    Call(CallFn<A>),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code, reason = "only the layout matters")]
    enum Sixteen {
        A,
        B(u64),
    }

    struct Probe;

    impl Actor for Probe {
        type Message = Sixteen;
        type Reply = u64;
    }

    /// A channel block holds 31 envelopes; at 24 bytes a block fits glibc's per-thread cache
    /// of small allocations, so the sender and the actor do not fight over the malloc lock.
    #[test]
    fn an_envelope_adds_one_word_to_a_two_word_message() {
        assert_eq!(std::mem::size_of::<Sixteen>(), 16);
        assert_eq!(std::mem::size_of::<Envelope<Probe>>(), 24);
    }
}
