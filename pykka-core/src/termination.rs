//! [`Termination`]: why an actor ended for good, as its watchers see it.

use std::fmt;
use std::sync::Arc;

/// Why an actor ended for good: the value of [`ActorRef::termination`](crate::ActorRef::termination)
/// and what [`Context::watch`](crate::Context::watch) hands the watcher.
///
/// A restart is not a termination: an actor restarted in place (see
/// [`Actor::start_restarting`](crate::Actor::start_restarting)) resolves its termination once,
/// at its final end.
///
/// # Examples
///
/// ```
/// use pykka::{Actor, Termination};
///
/// struct Idle;
/// impl Actor for Idle { type Message = (); type Reply = (); }
///
/// let actor = Idle.start();
/// let termination = actor.termination();
/// actor.stop();
/// assert_eq!(termination.get().unwrap(), Termination::Stopped);
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Termination {
    /// A requested stop (`stop()`, `stop_all`, a supervisor's shutdown), or the actor stopped
    /// itself (and was not restarted).
    Stopped,
    /// The actor failed (a panic nobody could be told about, or in its start) and was not
    /// restarted: it had no restart policy, or a temporary one, or a transient or permanent
    /// one whose first start failed.
    Failed {
        /// The panic's message.
        message: Arc<str>,
    },
    /// The actor failed once more than its policy (or its supervisor) allows, and was given up
    /// on.
    GaveUp {
        /// How many times it had been restarted.
        restarts: u32,
        /// The message of the last failure.
        message: Arc<str>,
    },
}

impl Termination {
    /// Returns true for [`Termination::Stopped`]: the actor ended without a failure.
    pub fn is_stopped(&self) -> bool {
        matches!(self, Termination::Stopped)
    }

    /// Returns the message of the failure that ended the actor, if one did.
    pub fn failure(&self) -> Option<&str> {
        match self {
            Termination::Stopped => None,
            Termination::Failed { message } | Termination::GaveUp { message, .. } => Some(message),
        }
    }
}

impl fmt::Display for Termination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Termination::Stopped => f.write_str("stopped"),
            Termination::Failed { message } => write!(f, "failed: {message}"),
            Termination::GaveUp { restarts, message } => {
                write!(f, "gave up after {restarts} restart(s): {message}")
            }
        }
    }
}

/// Where an actor's [`Termination`] is kept, in its shared cell: until it ends, the future its
/// watchers and waiters share, made on first demand (most actors are never waited on one by
/// one, and a future costs an allocation of a couple hundred bytes, as much as the rest of an
/// idle pooled actor); after, the termination itself.
pub(crate) struct Ending {
    state: std::sync::Mutex<EndState>,
}

enum EndState {
    Running(Option<(crate::Promise<Termination>, crate::Future<Termination>)>),
    Ended(Termination),
}

impl Ending {
    pub(crate) fn new() -> Self {
        Ending {
            state: std::sync::Mutex::new(EndState::Running(None)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, EndState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The future of the actor's termination (named after the actor `id`, for deadlock
    /// detection); ready at once if it has ended.
    pub(crate) fn future(&self, id: &crate::ActorId) -> crate::Future<Termination> {
        let mut state = self.lock();
        match &mut *state {
            EndState::Ended(termination) => crate::Future::ready(termination.clone()),
            EndState::Running(pair) => pair
                .get_or_insert_with(|| crate::Promise::with_fulfiller(Some(id.clone())))
                .1
                .clone(),
        }
    }

    /// Whether the actor has ended.
    pub(crate) fn is_ended(&self) -> bool {
        matches!(*self.lock(), EndState::Ended(_))
    }

    /// Records the end, and resolves the future if anyone asked for it (outside the lock: its
    /// callbacks may look here).
    pub(crate) fn end(&self, termination: Termination) {
        let before = std::mem::replace(&mut *self.lock(), EndState::Ended(termination.clone()));
        if let EndState::Running(Some((promise, _))) = before {
            promise.set(termination);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_termination_says_what_ended_the_actor() {
        assert_eq!(Termination::Stopped.to_string(), "stopped");
        assert!(Termination::Stopped.is_stopped());
        let failed = Termination::Failed { message: "boom".into() };
        assert_eq!(failed.failure(), Some("boom"));
        assert_eq!(failed.to_string(), "failed: boom");
        let gave_up = Termination::GaveUp {
            restarts: 3,
            message: "boom".into(),
        };
        assert_eq!(gave_up.to_string(), "gave up after 3 restart(s): boom");
        assert!(!gave_up.is_stopped());
    }
}
