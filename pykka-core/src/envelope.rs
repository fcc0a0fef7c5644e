//! The envelope: what travels through an actor's inbox.

use crate::actor::Actor;
use crate::call::Call;
use crate::future::Promise;
use crate::restart::InPlace;

/// One message in an actor's inbox.
pub(crate) enum Envelope<A: Actor> {
    /// A plain message without a reply slot.
    Tell(A::Message),
    /// A plain message whose reply goes to the promise.
    Ask(A::Message, Promise<A::Reply>),
    /// Work to run on the actor: a proxy call, a field read or write, an `ask_with` or
    /// `tell_with` closure, a message given to `ActorRef::send`. Work with a reply slot
    /// catches its own panics; a panic that escapes is a failure of the actor.
    Call(Call<A>),
    /// A stop request; the reply (if any) is `true` once the actor has stopped.
    Stop(Option<StopReply>),
    /// A request to tear the actor down and rebuild it in place (a supervisor's sibling
    /// restart). Queued like a stop, without waiting for room.
    Restart(Box<InPlace>),
    /// Wakes the runtime while it waits between incarnations (a decision or a go-ahead came);
    /// a stray one reaching a running actor does nothing.
    Wake,
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

    /// A call stores up to two words of work in place (three with its entry), so an envelope
    /// is four words for a message of up to two; a channel block holds 31 of them.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_envelope_is_a_call_and_its_tag() {
        assert_eq!(std::mem::size_of::<Sixteen>(), 16);
        assert_eq!(std::mem::size_of::<Envelope<Probe>>(), 32);
    }

    /// The inbox carries each envelope in an `Option` (see `inbox::Slot`), which must cost
    /// nothing: `None` is one more value of the envelope's tag.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_envelope_in_an_option_is_still_four_words() {
        assert_eq!(std::mem::size_of::<Option<Envelope<Probe>>>(), 32);
    }
}
