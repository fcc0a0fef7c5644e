//! [`Clock`] and [`ManualClock`]: the time timers are measured in.
//!
//! Real time is [`Instant`] (monotonic). A [`ManualClock`] stands still until a test
//! [`advance`](ManualClock::advance)s it: the delayed sends that come due are delivered
//! during the call, and every actor with timers on the clock is woken to fire its due ones.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::delayed::Delayed;

/// The clock of a registry's actors (see [`ActorRegistry::with_clock`]): real time, or a
/// [`ManualClock`] for tests.
///
/// The default is real time, [`Instant::now`].
///
/// [`ActorRegistry::with_clock`]: crate::ActorRegistry::with_clock
#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<ManualClock>,
}

impl Clock {
    /// Real, monotonic time.
    pub fn real() -> Self {
        Clock::default()
    }

    /// Returns the current time: [`Instant::now`], or a manual clock's time.
    pub fn now(&self) -> Instant {
        match &self.manual {
            None => Instant::now(),
            Some(manual) => manual.now(),
        }
    }

    /// Returns the manual clock this is, if it is one.
    pub fn as_manual(&self) -> Option<&ManualClock> {
        self.manual.as_ref()
    }
}

impl From<ManualClock> for Clock {
    fn from(manual: ManualClock) -> Self {
        Clock { manual: Some(manual) }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.manual {
            None => f.write_str("Clock::Real"),
            Some(manual) => write!(f, "Clock::{manual:?}"),
        }
    }
}

/// Something to wake when a manual clock moves: an actor with timers on it. Returns false
/// once there is nothing left to wake (the actor has stopped), to be forgotten.
pub(crate) type Waiter = Box<dyn Fn() -> bool + Send>;

/// A clock that moves only when told to: for tests of timers, without sleeping.
///
/// Start the actors under test in a registry made with
/// [`ActorRegistry::with_clock`](crate::ActorRegistry::with_clock); their timers and the
/// delayed sends to them then follow this clock. [`advance`](Self::advance) moves it forward:
///
/// - delayed sends ([`ActorRef::tell_after`](crate::ActorRef::tell_after), `proxy.after(d)`)
///   that come due are delivered during the call, in due order, on the calling thread;
/// - each actor with timers on the clock is then woken: a wake-up queued in its inbox, on
///   reaching which the actor fires every timer due by then (in due order).
///
/// So once `advance` returns, anything sent afterwards (an `ask` of what the actor has
/// handled) reaches the actor after the timers and delayed sends that were due: tests of
/// timers are deterministic. Advance in steps and ask after each to see every tick of a
/// periodic timer: an actor reaching its wake-up only after several advances sees the time
/// of the last one, and a fixed-rate timer fires once for them (missed ticks are skipped).
///
/// Cheap to clone; clones are the same clock.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use pykka::{Actor, ActorRegistry, Context, ManualClock, Unhandled};
///
/// #[derive(Default)]
/// struct Beeper { beeps: u32 }
/// impl Actor for Beeper {
///     type Message = &'static str;
///     type Reply = u32;
///     fn on_start(&mut self, ctx: &Context<Self>) {
///         ctx.timers().start_fixed_rate("beep", Duration::from_secs(1), "beep");
///     }
///     fn on_receive(&mut self, _ctx: &Context<Self>, msg: &'static str) -> Result<u32, Unhandled> {
///         if msg == "beep" { self.beeps += 1; }
///         Ok(self.beeps)
///     }
/// }
///
/// let clock = ManualClock::new();
/// let registry = ActorRegistry::with_clock(clock.clone());
/// let beeper = Beeper::default().start_in(&registry);
/// assert_eq!(beeper.ask("count").unwrap(), 0);
/// for n in 1..=3 {
///     clock.advance(Duration::from_secs(1));
///     assert_eq!(beeper.ask("count").unwrap(), n); // the ask comes after the tick
/// }
/// clock.advance(Duration::from_secs(10)); // one tick: the missed ones are skipped
/// assert_eq!(beeper.ask("count").unwrap(), 4);
/// registry.stop_all();
/// ```
#[derive(Clone)]
pub struct ManualClock {
    inner: Arc<Manual>,
}

struct Manual {
    /// The clock's time zero.
    base: Instant,
    elapsed: Mutex<Duration>,
    waiters: Mutex<Vec<Waiter>>,
    /// The delayed sends to actors of registries on this clock.
    delayed: Arc<Delayed>,
}

impl ManualClock {
    /// A clock that stands at an arbitrary instant until [`advance`](Self::advance)d.
    pub fn new() -> Self {
        ManualClock {
            inner: Arc::new(Manual {
                base: Instant::now(),
                elapsed: Mutex::new(Duration::ZERO),
                waiters: Mutex::new(Vec::new()),
                delayed: Arc::new(Delayed::default()),
            }),
        }
    }

    /// Returns the clock's current time.
    pub fn now(&self) -> Instant {
        self.inner.base + self.elapsed()
    }

    /// Returns how far the clock has been advanced since it was made.
    pub fn elapsed(&self) -> Duration {
        *self.inner.elapsed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward by `by`: delivers the delayed sends that come due (in due
    /// order, on this thread), then wakes every actor with timers on this clock so it fires
    /// its due ones. See the type's documentation for what that guarantees.
    pub fn advance(&self, by: Duration) {
        let now = {
            let mut elapsed = self.inner.elapsed.lock().unwrap_or_else(PoisonError::into_inner);
            *elapsed += by;
            self.inner.base + *elapsed
        };
        self.inner.delayed.fire_due(now);
        self.inner
            .waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|wake| wake());
    }

    /// Adds an actor to wake on every advance.
    pub(crate) fn add_waiter(&self, waiter: Waiter) {
        self.inner
            .waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(waiter);
    }

    /// The delayed sends on this clock.
    pub(crate) fn delayed(&self) -> &Arc<Delayed> {
        &self.inner.delayed
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ManualClock(+{:?})", self.elapsed())
    }
}
