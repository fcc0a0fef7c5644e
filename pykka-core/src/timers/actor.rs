//! Timers owned by an actor ([`Timers`], from [`Context::timers`]), in the spirit of Akka's
//! `withTimers`: keyed, replaced by a new start under the same key, cancelled exactly.
//!
//! The timers live in the actor's shared cell ([`TimerCell`]) and are fired by the actor's own
//! runtime, never by another thread: when its inbox is empty the runtime fires the earliest
//! due timer, or waits on the inbox until the next one is due (the thread runtime in
//! `threading.rs`); on reaching a wake-up ([`Envelope::Wake`], which a [`ManualClock`] sends
//! when advanced) it fires every timer due by then. Because firing and cancelling both happen
//! on the actor's thread, a cancelled or replaced timer is never handled, even if it was
//! already due. An actor without timers pays one flag read when its inbox runs empty.
//!
//! [`Envelope::Wake`]: crate::envelope::Envelope::Wake
//! [`ManualClock`]: super::ManualClock

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use super::clock::Clock;
use super::queue::{TimerId, TimerQueue};
use crate::actor::{Actor, Context};

/// A timer's key, of any `Hash + Eq` type, compared with keys of its own type only.
trait DynKey: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn eq_key(&self, other: &dyn DynKey) -> bool;
    fn hash_key(&self, state: &mut dyn Hasher);
}

impl<K: Hash + Eq + Send + Sync + 'static> DynKey for K {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn eq_key(&self, other: &dyn DynKey) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }
    fn hash_key(&self, mut state: &mut dyn Hasher) {
        self.hash(&mut state);
    }
}

impl PartialEq for dyn DynKey {
    fn eq(&self, other: &Self) -> bool {
        self.eq_key(other)
    }
}

impl Eq for dyn DynKey {}

impl Hash for dyn DynKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_any().type_id().hash(state);
        self.hash_key(state);
    }
}

/// An owned key: shared by the key map and the timer's queue entry.
#[derive(Clone)]
struct Key(Arc<dyn DynKey>);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state);
    }
}

impl std::borrow::Borrow<dyn DynKey + 'static> for Key {
    fn borrow(&self) -> &(dyn DynKey + 'static) {
        &*self.0
    }
}

/// A call a timer makes once.
type OnceCall<A> = Box<dyn FnOnce(&mut A, &Context<A>) + Send>;

/// A call a periodic timer makes each time.
type RepeatCall<A> = Box<dyn FnMut(&mut A, &Context<A>) + Send>;

/// What a timer delivers when it fires.
pub(crate) enum Deliver<A: Actor> {
    /// A message, once.
    Message(A::Message),
    /// A message, each time a copy (made with the function).
    Repeat(A::Message, fn(&A::Message) -> A::Message),
    /// A call on the actor, once.
    Once(OnceCall<A>),
    /// A call on the actor, each time.
    Call(RepeatCall<A>),
}

/// When a timer fires again.
#[derive(Clone, Copy)]
enum Period {
    Single,
    /// `delay` after the end of the handler.
    FixedDelay(Duration),
    /// `interval` after the time it was due; missed ticks are skipped.
    FixedRate(Duration),
}

/// A pending timer, in the queue.
struct Fire<A: Actor> {
    key: Key,
    token: u64,
    period: Period,
    deliver: Deliver<A>,
}

/// A timer taken out of the queue to fire: what to deliver, and what it takes to start it
/// again afterwards (see [`TimerCell::fired`]).
pub(crate) struct Firing<A: Actor> {
    pub(crate) deliver: Deliver<A>,
    due: Instant,
    key: Key,
    token: u64,
    period: Period,
}

/// An active key: its timer in the queue (`None` while it is being handled), and the token
/// of the start that made it.
struct Active {
    id: Option<TimerId>,
    token: u64,
}

struct State<A: Actor> {
    queue: TimerQueue<Fire<A>>,
    keys: HashMap<Key, Active>,
    next_token: u64,
    /// The actor was added to its manual clock's wake-ups.
    woken_by_clock: bool,
}

/// The timers of one actor, in its shared cell.
pub(crate) struct TimerCell<A: Actor> {
    /// Some timer is pending: the only thing an actor's runtime reads when its inbox runs
    /// empty.
    armed: AtomicBool,
    /// Built on first use: most actors never start a timer, and an idle pooled actor's whole
    /// footprint is counted in hundreds of bytes.
    state: OnceLock<Box<Mutex<State<A>>>>,
}

impl<A: Actor> Default for TimerCell<A> {
    fn default() -> Self {
        TimerCell {
            armed: AtomicBool::new(false),
            state: OnceLock::new(),
        }
    }
}

impl<A: Actor> TimerCell<A> {
    fn lock(&self) -> MutexGuard<'_, State<A>> {
        self.state
            .get_or_init(|| {
                Box::new(Mutex::new(State {
                    queue: TimerQueue::default(),
                    keys: HashMap::new(),
                    next_token: 0,
                    woken_by_clock: false,
                }))
            })
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns whether some timer is pending.
    #[inline]
    pub(crate) fn is_armed(&self) -> bool {
        self.armed.load(Ordering::Acquire)
    }

    fn update_armed(&self, state: &State<A>) {
        self.armed.store(!state.queue.is_empty(), Ordering::Release);
    }

    /// Returns how many timers are pending.
    pub(crate) fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    /// Returns the deadline for the runtime's wait on the inbox: the next due time in real
    /// time, or `None` (wait for a message or a wake-up) on a manual clock or without timers.
    pub(crate) fn deadline(&self, clock: &Clock) -> Option<Instant> {
        if clock.as_manual().is_some() {
            return None;
        }
        self.lock().queue.next_due()
    }

    /// Takes out the earliest timer due by `now`, to fire. A periodic timer's key stays
    /// active while it is handled.
    pub(crate) fn take_due(&self, now: Instant) -> Option<Firing<A>> {
        let mut state = self.lock();
        let (due, fire) = state.queue.pop_due(now)?;
        match fire.period {
            Period::Single => {
                state.keys.remove(&fire.key);
            }
            Period::FixedDelay(_) | Period::FixedRate(_) => {
                if let Some(active) = state.keys.get_mut(&fire.key) {
                    active.id = None;
                }
            }
        }
        self.update_armed(&state);
        Some(Firing {
            deliver: fire.deliver,
            due,
            key: fire.key,
            token: fire.token,
            period: fire.period,
        })
    }

    /// Starts a periodic timer again after it was handled (`deliver` is what it delivers,
    /// given back), unless it was cancelled or replaced meanwhile. `now` is the time the
    /// handler ended.
    pub(crate) fn fired(&self, firing: Firing<A>, deliver: Deliver<A>, now: Instant) {
        let next = match firing.period {
            Period::Single => return,
            Period::FixedDelay(delay) => now + delay,
            Period::FixedRate(interval) => next_tick(firing.due, interval, now),
        };
        let mut state = self.lock();
        let State { queue, keys, .. } = &mut *state;
        match keys.get_mut(&firing.key) {
            Some(active) if active.token == firing.token && active.id.is_none() => {
                active.id = Some(queue.schedule(
                    next,
                    Fire {
                        key: firing.key,
                        token: firing.token,
                        period: firing.period,
                        deliver,
                    },
                ));
            }
            _ => return,
        }
        self.update_armed(&state);
    }

    /// Cancels every timer (the actor's state is being dropped, or built anew).
    pub(crate) fn clear(&self) {
        if self.state.get().is_none() {
            return;
        }
        let dropped = {
            let mut state = self.lock();
            let queue = std::mem::take(&mut state.queue);
            state.keys.clear();
            self.update_armed(&state);
            queue
        };
        drop(dropped);
    }
}

/// The first tick of a fixed-rate timer due at `due` that is after `now`: `due + interval`,
/// or later on the same grid if the handler overran (missed ticks are skipped, not burst).
fn next_tick(due: Instant, interval: Duration, now: Instant) -> Instant {
    let next = due + interval;
    if next > now {
        return next;
    }
    let behind = now.duration_since(due).as_nanos();
    let step = interval.as_nanos();
    let ticks = behind / step + 1;
    let ahead = u64::try_from(ticks * step).unwrap_or(u64::MAX);
    due + Duration::from_nanos(ahead)
}

/// The timers of an actor, from inside it: see [`Context::timers`].
///
/// Keys are values of any `Hash + Eq + Send + Sync + 'static` type (a `&'static str`, an
/// enum); keys of different types never match. Starting a timer under a key that is active
/// replaces it: the old timer's message is never handled, even if it was already due.
/// Timers fire from the actor's own runtime, when nothing is queued in its inbox before them:
/// a timer's delay is a lower bound, and an actor whose inbox never empties fires its timers
/// late. A stop, a failure or a restart cancels them all (`on_start` of a restarted actor
/// starts its own).
///
/// A periodic timer repeats until cancelled: a fixed-rate one every `interval` after the
/// time it was due (ticks missed while the actor was busy are skipped, not handled in a
/// burst), a fixed-delay one `delay` after its handler ended.
pub struct Timers<'a, A: Actor> {
    ctx: &'a Context<A>,
}

impl<'a, A: Actor> Timers<'a, A> {
    pub(crate) fn new(ctx: &'a Context<A>) -> Self {
        Timers { ctx }
    }

    fn cell(&self) -> &TimerCell<A> {
        &self.ctx.actor_ref().cell.timers
    }

    fn clock(&self) -> &Clock {
        self.ctx.actor_ref().cell.registry.clock()
    }

    fn start<K: Hash + Eq + Send + Sync + 'static>(
        &self,
        key: K,
        delay: Duration,
        period: Period,
        deliver: Deliver<A>,
    ) {
        let cell = self.cell();
        let clock = self.clock();
        let key = Key(Arc::new(key));
        let due = clock.now() + delay;
        let (replaced, first_on_clock) = {
            let mut state = cell.lock();
            let State {
                queue,
                keys,
                next_token,
                woken_by_clock,
            } = &mut *state;
            *next_token += 1;
            let token = *next_token;
            let id = queue.schedule(
                due,
                Fire {
                    key: key.clone(),
                    token,
                    period,
                    deliver,
                },
            );
            let replaced = keys
                .insert(key, Active { id: Some(id), token })
                .and_then(|old| old.id)
                .and_then(|old| queue.cancel(old));
            let first_on_clock = clock.as_manual().is_some() && !std::mem::replace(woken_by_clock, true);
            cell.update_armed(&state);
            (replaced, first_on_clock)
        };
        drop(replaced);
        if first_on_clock && let Some(manual) = clock.as_manual() {
            let actor = Arc::downgrade(&self.ctx.actor_ref().cell);
            manual.add_waiter(Box::new(move || {
                actor.upgrade().is_some_and(|cell| crate::ActorRef { cell }.wake())
            }));
        }
        // Started from another thread (a context sent away): the runtime may be waiting
        // with a later deadline, or none.
        if !self.ctx.actor_ref().on_own_thread() {
            self.ctx.actor_ref().wake();
        }
    }

    /// Starts a timer that delivers `message` once, `delay` from now, replacing any timer
    /// under `key`.
    pub fn start_single<K: Hash + Eq + Send + Sync + 'static>(&self, key: K, delay: Duration, message: A::Message) {
        self.start(key, delay, Period::Single, Deliver::Message(message));
    }

    /// Starts a timer that delivers a copy of `message` `delay` from now, then `delay` after
    /// each time its handler ends, replacing any timer under `key`.
    pub fn start_fixed_delay<K: Hash + Eq + Send + Sync + 'static>(&self, key: K, delay: Duration, message: A::Message)
    where
        A::Message: Clone,
    {
        self.start(
            key,
            delay,
            Period::FixedDelay(delay),
            Deliver::Repeat(message, Clone::clone),
        );
    }

    /// Starts a timer that delivers a copy of `message` every `interval` (the first
    /// `interval` from now), replacing any timer under `key`. Ticks are on a fixed grid:
    /// a late tick does not delay the next, and ticks missed while the actor was busy are
    /// skipped. An interval of zero is taken as one nanosecond.
    pub fn start_fixed_rate<K: Hash + Eq + Send + Sync + 'static>(
        &self,
        key: K,
        interval: Duration,
        message: A::Message,
    ) where
        A::Message: Clone,
    {
        let interval = interval.max(Duration::from_nanos(1));
        self.start(
            key,
            interval,
            Period::FixedRate(interval),
            Deliver::Repeat(message, Clone::clone),
        );
    }

    /// Like [`start_single`](Self::start_single), but runs `f` on the actor instead of
    /// delivering a message (a typed call: `|player, _ctx| player.tick()`).
    pub fn start_single_with<K, F>(&self, key: K, delay: Duration, f: F)
    where
        K: Hash + Eq + Send + Sync + 'static,
        F: FnOnce(&mut A, &Context<A>) + Send + 'static,
    {
        self.start(key, delay, Period::Single, Deliver::Once(Box::new(f)));
    }

    /// Like [`start_fixed_delay`](Self::start_fixed_delay), but runs `f` on the actor each
    /// time.
    pub fn start_fixed_delay_with<K, F>(&self, key: K, delay: Duration, f: F)
    where
        K: Hash + Eq + Send + Sync + 'static,
        F: FnMut(&mut A, &Context<A>) + Send + 'static,
    {
        self.start(key, delay, Period::FixedDelay(delay), Deliver::Call(Box::new(f)));
    }

    /// Like [`start_fixed_rate`](Self::start_fixed_rate), but runs `f` on the actor each
    /// time.
    pub fn start_fixed_rate_with<K, F>(&self, key: K, interval: Duration, f: F)
    where
        K: Hash + Eq + Send + Sync + 'static,
        F: FnMut(&mut A, &Context<A>) + Send + 'static,
    {
        let interval = interval.max(Duration::from_nanos(1));
        self.start(key, interval, Period::FixedRate(interval), Deliver::Call(Box::new(f)));
    }

    /// Cancels the timer under `key`. Returns true if it was active. Its message is never
    /// handled, even if it was already due; a periodic timer cancelled from its own handler
    /// does not fire again.
    pub fn cancel<K: Hash + Eq + Send + Sync + 'static>(&self, key: &K) -> bool {
        let cell = self.cell();
        let (active, dropped) = {
            let mut state = cell.lock();
            let Some(active) = state.keys.remove(key as &dyn DynKey) else {
                return false;
            };
            let dropped = active.id.and_then(|id| state.queue.cancel(id));
            cell.update_armed(&state);
            (true, dropped)
        };
        drop(dropped);
        active
    }

    /// Cancels every timer of the actor.
    pub fn cancel_all(&self) {
        self.cell().clear();
    }

    /// Returns whether a timer is active under `key`: pending, or (a periodic one) being
    /// handled and not cancelled. A single-shot timer is no longer active in its own handler.
    pub fn is_active<K: Hash + Eq + Send + Sync + 'static>(&self, key: &K) -> bool {
        self.cell().lock().keys.contains_key(key as &dyn DynKey)
    }

    /// Returns how many timers are active.
    pub fn len(&self) -> usize {
        self.cell().lock().keys.len()
    }

    /// Returns true if no timer is active.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<A: Actor> fmt::Debug for Timers<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timers({}, {} active)", self.ctx.id(), self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_rate_tick_after_an_overrun_stays_on_the_grid() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(next_tick(t0, ms(10), t0 + ms(3)), t0 + ms(10));
        assert_eq!(next_tick(t0, ms(10), t0 + ms(10)), t0 + ms(20));
        assert_eq!(next_tick(t0, ms(10), t0 + ms(25)), t0 + ms(30));
        assert_eq!(next_tick(t0, ms(10), t0 + ms(30)), t0 + ms(40));
    }

    #[test]
    fn keys_of_different_types_never_match() {
        let a = Key(Arc::new(1u32));
        let b = Key(Arc::new(1u64));
        let c = Key(Arc::new(1u32));
        assert!(a != b);
        assert!(a == c);
        let mut map = HashMap::new();
        map.insert(a, ());
        assert!(map.contains_key(&1u32 as &dyn DynKey));
        assert!(!map.contains_key(&1u64 as &dyn DynKey));
    }
}
