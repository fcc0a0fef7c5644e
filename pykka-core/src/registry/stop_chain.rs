//! Stopping actors one after another, with the caller out of the loop.
//!
//! [`ActorRegistry::stop_all`](super::ActorRegistry::stop_all) stops the last started actor
//! first and each next one only once the previous one has ended (its stop is answered: its
//! hooks have run, its state is dropped, its inbox is closed). Done from the caller, every
//! step is a round trip to the caller's thread: ask, sleep, be woken. The chain moves each
//! next step to where the previous actor ends: its end (on its own thread, or on the pool
//! worker that ran it) sends the next stop request, so the order is the same, and on a pool
//! the next actor's stop runs right after on the same worker, without waking anyone. The
//! caller waits once, for the whole chain.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::AnyActorRef;
use crate::future::{Future, Promise};

/// A chain of stops in progress; see the module docs.
pub(crate) struct StopChain {
    actors: Vec<AnyActorRef>,
    state: Mutex<State>,
    done: Mutex<Option<Promise<()>>>,
}

struct State {
    /// The next actor to stop.
    next: usize,
    /// The answers of the stops made so far, in order.
    answers: Vec<bool>,
    /// The stop of the actor whose end the chain waits for.
    pending: Option<Future<bool>>,
}

impl StopChain {
    /// Starts stopping `actors`, in this order; the future is set once the last has ended.
    pub(crate) fn start(actors: Vec<AnyActorRef>) -> (Arc<Self>, Future<()>) {
        let (promise, done) = Promise::new();
        let chain = Arc::new(StopChain {
            actors,
            state: Mutex::new(State {
                next: 0,
                answers: Vec::new(),
                pending: None,
            }),
            done: Mutex::new(Some(promise)),
        });
        chain.advance();
        (chain, done)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the answer of the stop made last, then asks the next actor to stop, until one
    /// has not ended yet: its end calls this again.
    fn advance(self: &Arc<Self>) {
        loop {
            let mut state = self.lock();
            if let Some(stop) = state.pending.take() {
                // Its end answered it.
                let answer = stop.get_timeout(Duration::ZERO).unwrap_or(false);
                state.answers.push(answer);
            }
            let Some(actor) = self.actors.get(state.next) else {
                drop(state);
                if let Some(done) = self.done.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    done.set(());
                }
                return;
            };
            state.next += 1;
            let stop = actor.stop_future();
            state.pending = Some(stop.clone());
            drop(state);
            // The stop is answered at the actor's end, once its hooks have run, its state is
            // dropped and its inbox is closed (or at once if it had ended already).
            if stop.is_ready() {
                continue;
            }
            let me = self.clone();
            stop.when_ready(move || me.advance());
            return;
        }
    }

    /// The answers so far, in stop order.
    pub(crate) fn answers(&self) -> Vec<bool> {
        self.lock().answers.clone()
    }

    /// The actor the chain waits for now, if any.
    pub(crate) fn waiting_for(&self) -> Option<&AnyActorRef> {
        let next = self.lock().next;
        next.checked_sub(1).and_then(|i| self.actors.get(i))
    }
}
