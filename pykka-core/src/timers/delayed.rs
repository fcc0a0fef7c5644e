//! Delayed sends from anywhere: [`ActorRef::tell_after`](crate::ActorRef::tell_after), the
//! proxies' `after(delay)` form, and the [`TimerHandle`] that cancels them.
//!
//! Real-time delayed sends are served by one shared thread, `pykka-timer`, started on first
//! use: it sleeps on a condition variable until the earliest due time (or a new, earlier
//! send), then delivers what is due. Sends to actors of a registry on a [`ManualClock`]
//! wait in that clock instead, which delivers them when advanced. A pending send holds its
//! target weakly: it never keeps a stopped actor's shared state alive, and reaching an actor
//! that stopped meanwhile, it is dropped silently. Nothing waits on the timer thread: it is
//! no actor, and `stop_all` never sees it.
//!
//! [`ManualClock`]: super::ManualClock

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::clock::Clock;
use super::queue::{TimerId, TimerQueue};

/// A delivery: sends its message when run, or drops it unsent when dropped.
pub(crate) type Delivery = Box<dyn FnOnce() + Send>;

/// Pending delayed sends and the condition variable their thread sleeps on.
#[derive(Default)]
pub(crate) struct Delayed {
    queue: Mutex<TimerQueue<Delivery>>,
    changed: Condvar,
}

impl Delayed {
    fn lock(&self) -> MutexGuard<'_, TimerQueue<Delivery>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Schedules `delivery` for `due`.
    pub(crate) fn schedule(self: &Arc<Self>, due: Instant, delivery: Delivery) -> TimerHandle {
        let id = self.lock().schedule(due, delivery);
        self.changed.notify_one();
        TimerHandle {
            delayed: Arc::downgrade(self),
            id: Some(id),
        }
    }

    /// Delivers, in due order and on this thread, every send due at or before `now`.
    pub(crate) fn fire_due(&self, now: Instant) {
        loop {
            let Some((_, delivery)) = self.lock().pop_due(now) else {
                return;
            };
            run(delivery);
        }
    }

    /// The timer thread's loop: never returns.
    fn serve(&self) {
        let mut queue = self.lock();
        loop {
            let now = Instant::now();
            match queue.next_due() {
                None => queue = self.changed.wait(queue).unwrap_or_else(PoisonError::into_inner),
                Some(due) if due > now => {
                    queue = self
                        .changed
                        .wait_timeout(queue, due - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                Some(_) => {
                    if let Some((_, delivery)) = queue.pop_due(now) {
                        drop(queue);
                        run(delivery);
                        queue = self.lock();
                    }
                }
            }
        }
    }
}

/// Runs a delivery; a panic (a message's `Drop`, say) must not end the timer thread.
fn run(delivery: Delivery) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(delivery)) {
        let message = crate::panic::panic_message(payload.as_ref());
        tracing::error!(target: "pykka", error = %message, "Panic in a delayed send: {message}");
    }
}

/// The delayed sends of real time, and their thread, started on first use.
///
/// # Panics
///
/// If the operating system refuses the timer thread.
fn real_time() -> &'static Arc<Delayed> {
    static SERVICE: OnceLock<Arc<Delayed>> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let delayed = Arc::new(Delayed::default());
        let served = delayed.clone();
        std::thread::Builder::new()
            .name("pykka-timer".into())
            .spawn(move || served.serve())
            .unwrap_or_else(|e| panic!("pykka: the operating system refused the timer thread: {e}"));
        delayed
    })
}

/// Schedules `delivery` after `delay` on `clock`: the manual clock's queue, or the timer
/// thread's.
pub(crate) fn schedule(clock: &Clock, delay: Duration, delivery: Delivery) -> TimerHandle {
    let due = clock.now() + delay;
    match clock.as_manual() {
        Some(manual) => manual.delayed().schedule(due, delivery),
        None => real_time().schedule(due, delivery),
    }
}

/// A pending delayed send: [`cancel`](Self::cancel) it, or ask whether it is still
/// [pending](Self::is_pending).
///
/// Returned by [`ActorRef::tell_after`](crate::ActorRef::tell_after) and the generated
/// proxies' `after(delay)` form. Dropping the handle does not cancel the send. Cheap to
/// clone; `Send + Sync`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::{Actor, Context};
///
/// struct Idle;
/// impl Actor for Idle { type Message = (); type Reply = (); }
///
/// let actor = Idle.start();
/// let handle = actor.tell_after(Duration::from_secs(3600), ());
/// assert!(handle.is_pending());
/// assert!(handle.cancel()); // it was still pending: it will never be delivered
/// assert!(!handle.cancel());
/// actor.stop();
/// ```
#[derive(Clone)]
pub struct TimerHandle {
    delayed: Weak<Delayed>,
    /// `None` for a send that was never scheduled (its target had already stopped).
    id: Option<TimerId>,
}

impl TimerHandle {
    /// A handle of nothing: the send was dropped at once.
    pub(crate) fn dropped() -> Self {
        TimerHandle {
            delayed: Weak::new(),
            id: None,
        }
    }

    /// Cancels the send. Returns true if it was still pending (it will now never be
    /// delivered, and its message is dropped at once), false if it was already delivered,
    /// dropped, or cancelled.
    ///
    /// A send due at this very moment is either delivered or cancelled, never both: the
    /// answer says which.
    pub fn cancel(&self) -> bool {
        let (Some(delayed), Some(id)) = (self.delayed.upgrade(), self.id) else {
            return false;
        };
        // The message is dropped after the lock is released: its `Drop` may do anything.
        let cancelled = delayed.lock().cancel(id);
        cancelled.is_some()
    }

    /// Returns true while the send waits for its time.
    pub fn is_pending(&self) -> bool {
        match (self.delayed.upgrade(), self.id) {
            (Some(delayed), Some(id)) => delayed.lock().is_pending(id),
            _ => false,
        }
    }
}

impl fmt::Debug for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerHandle")
            .field("pending", &self.is_pending())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use crate::{Actor, ActorRegistry, ManualClock};

    struct Idle;

    impl Actor for Idle {
        type Message = ();
        type Reply = ();
    }

    /// The pending send holds the actor weakly: once the actor has stopped and its last
    /// reference is dropped, its shared state is freed, though the send is still pending.
    #[test]
    fn a_pending_delayed_send_does_not_keep_a_stopped_actors_state_alive() {
        let clock = ManualClock::new();
        let registry = ActorRegistry::with_clock(clock.clone());
        let actor = Idle.start_in(&registry);
        let cell = Arc::downgrade(&actor.cell);
        let pending = actor.tell_after(Duration::from_secs(3600), ());
        assert!(actor.stop());
        drop(actor);
        assert!(cell.upgrade().is_none(), "the actor's state is freed");
        assert!(pending.is_pending());
        clock.advance(Duration::from_secs(3600));
        assert!(!pending.is_pending(), "dropped when due");
    }
}
