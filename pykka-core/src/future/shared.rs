//! The state both halves of a future share: the value slot, its wake-ups, and the turns at
//! computing a derived future's value.
//!
//! A future is set once. Readers find out in three ways: a one-load fast path (`state`), a
//! parked thread (`cond`, counted by `parked`), or a registered task waker (`wakers`). A
//! derived future (from `map`, `join`, a get hook, …) has no promise: its [`Derive`] computes
//! the value, one reader at a time (a *turn*, the `derive` lock), and stores it for every
//! reader. A blocking reader's turn may wait for the sources; a polling reader's turn never
//! does: it registers its waker with the pending source and returns `Pending`, and a reader
//! that finds another one's turn in progress waits for that turn to end (`turn_wakers`,
//! `hook_turns`).

use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use crate::actor_id::ActorId;
use crate::debug;
use crate::error::{Error, Result};
use crate::panic::{self, panic_message};
use crate::sync::{AtomicU8, Condvar, Mutex, MutexGuard, Ordering, PoisonError, TryLockError, spin_loop, yield_now};

/// How many times a blocking reader checks for the value, with a spin-loop pause after each,
/// before it yields and then parks: about as long as crossbeam's backoff spins. One under
/// loom, where every check is a scheduling point.
const REPLY_SPIN_CHECKS: u32 = if cfg!(loom) { 1 } else { 128 };
/// How many times a blocking reader yields its thread before it parks.
const REPLY_YIELDS: u32 = if cfg!(loom) { 1 } else { 5 };

const EMPTY: u8 = 0;
const SET: u8 = 1;

/// How a derived future computes its value: blocking (for `get`) or polling (for `.await`).
pub(super) trait Derive<T>: Send {
    /// Computes the value, waiting at most `timeout` for the sources. An [`Error::Timeout`]
    /// is not kept: a later reader computes again.
    fn block(&mut self, timeout: Option<Duration>) -> Result<T>;

    /// Computes the value if the sources are ready; else registers `cx`'s waker with a
    /// pending source and returns `Pending`, without blocking.
    fn poll(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<T>>;

    /// Names the user code it runs, for the error a panic in that code becomes.
    fn what(&self) -> &'static str;
}

type BoxDerive<T> = Box<dyn Derive<T>>;

struct Slot<T> {
    value: Option<Result<T>>,
    taken: bool,
    /// Tasks waiting for the value.
    wakers: Vec<Waker>,
    /// Tasks waiting for another reader's turn at computing the value to end.
    turn_wakers: Vec<Waker>,
    parked: usize,
    /// Bumped each time a reader finishes a turn at computing a derived value, so readers
    /// waiting for that turn to end wake up.
    hook_turns: u64,
}

pub(super) struct Shared<T> {
    state: AtomicU8,
    slot: Mutex<Slot<T>>,
    cond: Condvar,
    /// Present on derived futures: computes the value on the first read. `None` inside once
    /// the value is kept.
    derive: Option<Mutex<Option<BoxDerive<T>>>>,
    /// The actor expected to fulfil this future, for errors and deadlock detection.
    pub(super) fulfiller: Option<ActorId>,
    /// The default limit of a blocking read that gives none: set on the replies of a proxy
    /// with a timeout ([`Limit`]).
    pub(super) limit: Option<Limit>,
}

/// When a blocking read of a future gives up by default: the deadline fixed when the message
/// was sent, and the timeout it came from (for the error).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limit {
    pub(crate) deadline: Instant,
    pub(crate) timeout: Duration,
}

impl Limit {
    /// A limit `timeout` from now.
    pub(crate) fn after(timeout: Duration) -> Self {
        Limit {
            deadline: Instant::now() + timeout,
            timeout,
        }
    }
}

/// A reader's turn at computing a derived value: holds the `derive` lock and, when dropped
/// (also by a panicking computation), releases it and then wakes the readers waiting for
/// the turn to end.
struct Turn<'a, T> {
    shared: &'a Shared<T>,
    derive: Option<MutexGuard<'a, Option<BoxDerive<T>>>>,
}

impl<T> Drop for Turn<'_, T> {
    fn drop(&mut self) {
        drop(self.derive.take());
        let waiting = {
            let mut slot = self.shared.lock();
            slot.hook_turns += 1;
            if slot.parked > 0 {
                self.shared.cond.notify_all();
            }
            std::mem::take(&mut slot.turn_wakers)
        };
        for w in waiting {
            w.wake();
        }
    }
}

/// What one attempt at a turn found.
enum TurnAttempt<'a, T> {
    /// The reader has the turn.
    Mine(Turn<'a, T>),
    /// The value is there (or was taken).
    Set,
    /// Another reader's turn, which started before `turns` turns had ended, is in progress.
    Busy(u64),
}

impl<T> Shared<T> {
    pub(super) fn new(fulfiller: Option<ActorId>, derive: Option<BoxDerive<T>>) -> Self {
        Shared {
            state: AtomicU8::new(EMPTY),
            slot: Mutex::new(Slot {
                value: None,
                taken: false,
                wakers: Vec::new(),
                turn_wakers: Vec::new(),
                parked: 0,
                hook_turns: 0,
            }),
            cond: Condvar::new(),
            derive: derive.map(|d| Mutex::new(Some(d))),
            fulfiller,
            limit: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // A panic while holding this lock cannot leave the slot half-written.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn is_set(&self) -> bool {
        self.state.load(Ordering::Acquire) == SET
    }

    pub(super) fn complete(&self, value: Result<T>) {
        let (parked, wakers) = {
            let mut slot = self.lock();
            if slot.value.is_some() || slot.taken {
                drop(slot);
                self.drop_contained(value);
                return;
            }
            slot.value = Some(value);
            (slot.parked > 0, std::mem::take(&mut slot.wakers))
        };
        // Published only once the lock is free: a spinning reader that sees the flag then
        // takes the lock at once, instead of finding it still held and sleeping on it. A
        // parked reader checked the value under the lock before it waited, so the
        // notification after the unlock reaches it.
        self.state.store(SET, Ordering::Release);
        if parked {
            self.cond.notify_all();
        }
        for w in wakers {
            w.wake();
        }
    }

    /// Drops a value pykka holds for a reader that never took it, catching a panic in its
    /// `Drop` and logging it at ERROR: the thread dropping it (often the fulfilling actor's,
    /// when the asker gave up first) must not unwind because of someone else's value.
    fn drop_contained(&self, value: Result<T>) {
        if let Err(payload) = panic::catch(move || drop(value)) {
            let message = panic_message(payload.as_ref());
            match &self.fulfiller {
                Some(actor) => tracing::error!(
                    target: "pykka",
                    actor = %actor,
                    error = %message,
                    "Panic while dropping an unread reply of {actor}: {message}"
                ),
                None => tracing::error!(
                    target: "pykka",
                    error = %message,
                    "Panic while dropping an unread future value: {message}"
                ),
            }
        }
    }

    /// Moves the value out, leaving an error in place (errors stay for every reader).
    pub(super) fn take(&self) -> Result<T> {
        let mut slot = self.lock();
        match slot.value.take() {
            Some(Ok(v)) => {
                slot.taken = true;
                Ok(v)
            }
            Some(Err(e)) => {
                slot.value = Some(Err(e.clone()));
                Err(e)
            }
            None => Err(Error::ValueTaken),
        }
    }

    /// Reads a clone of the value, once it is set.
    pub(super) fn read(&self) -> Result<T>
    where
        T: Clone,
    {
        match &self.lock().value {
            Some(v) => v.clone(),
            None => Err(Error::ValueTaken),
        }
    }

    /// Waits for the value (computing it if derived), at most `timeout` (`None`: forever).
    pub(super) fn wait(&self, timeout: Option<Duration>) -> Result<()> {
        if self.is_set() {
            return Ok(());
        }
        if let Some(derive) = &self.derive {
            return self.run_turn(derive, timeout);
        }
        let reader = timeout.map(|t| (Instant::now() + t, t));
        // The earlier of the reader's deadline and the future's own limit, with the timeout
        // that set it (for the error).
        let (deadline, waited) = match (reader, self.limit) {
            (Some((d, _)), Some(limit)) if limit.deadline < d => (Some(limit.deadline), limit.timeout),
            (Some((d, t)), _) => (Some(d), t),
            (None, Some(limit)) => (Some(limit.deadline), limit.timeout),
            (None, None) => (None, Duration::ZERO),
        };
        self.wait_set(deadline, waited)
    }

    /// Spins briefly, then parks until the value is set or the deadline passes.
    fn wait_set(&self, deadline: Option<Instant>, waited: Duration) -> Result<()> {
        // A reply usually arrives within a microsecond or two when the actor is awake; spinning
        // for that long avoids a futex sleep and wake-up on the common path. The value is
        // checked after every pause: a pause takes ~30 ns here, and the exponential backoff
        // this replaced (crossbeam's: 1, 2, 4, ... 64 pauses between checks) noticed a reply
        // up to a few hundred nanoseconds late, a third of an ask's round trip.
        for _ in 0..REPLY_SPIN_CHECKS {
            if self.is_set() {
                return Ok(());
            }
            spin_loop();
        }
        for _ in 0..REPLY_YIELDS {
            if self.is_set() {
                return Ok(());
            }
            yield_now();
        }
        if self.is_set() {
            return Ok(());
        }
        let blocked = debug::enter_blocked(self.fulfiller.as_ref())?;
        // On a pool worker, the wait is managed: a spare thread takes the worker's place.
        let _managed = crate::pool::future_wait(self.fulfiller.as_ref());
        // An actor thread parks in slices, looking for a deadlock cycle between them; any
        // other thread parks until the value or the deadline.
        let slice = blocked.is_actor().then_some(debug::RECHECK);
        let mut slot = self.lock();
        while slot.value.is_none() && !slot.taken {
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Err(self.timeout(waited));
            }
            let park_for = match (deadline, slice) {
                (None, None) => None,
                (Some(d), None) => Some(d - now),
                (None, Some(s)) => Some(s),
                (Some(d), Some(s)) => Some(s.min(d - now)),
            };
            slot = self.park(slot, park_for);
            if slot.value.is_none() && !slot.taken && slice.is_some() {
                drop(slot);
                blocked.recheck()?;
                slot = self.lock();
            }
        }
        Ok(())
    }

    fn timeout(&self, after: Duration) -> Error {
        Error::Timeout {
            actor: self.fulfiller.clone(),
            after,
        }
    }

    /// Parks on the condvar for at most `park_for` (`None`: until notified).
    fn park<'a>(&'a self, mut slot: MutexGuard<'a, Slot<T>>, park_for: Option<Duration>) -> MutexGuard<'a, Slot<T>> {
        slot.parked += 1;
        slot = match park_for {
            None => self.cond.wait(slot).unwrap_or_else(PoisonError::into_inner),
            Some(t) => {
                self.cond
                    .wait_timeout(slot, t)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
        };
        slot.parked -= 1;
        slot
    }

    /// Tries to start a turn at computing the derived value.
    fn try_turn<'a>(&'a self, derive: &'a Mutex<Option<BoxDerive<T>>>) -> TurnAttempt<'a, T> {
        // Read the turn count before trying the lock, so the end of the turn that holds it
        // now cannot be missed.
        let turns = self.lock().hook_turns;
        let guard = match derive.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return TurnAttempt::Busy(turns),
        };
        let turn = Turn {
            shared: self,
            derive: Some(guard),
        };
        if self.is_set() {
            return TurnAttempt::Set;
        }
        TurnAttempt::Mine(turn)
    }

    /// Ends a turn that computed `result`: keeps it (and drops the computation, with the
    /// sources it held) unless it is a timeout, which is handed back instead.
    fn keep(&self, turn: &mut Turn<'_, T>, result: Result<T>) -> Result<()> {
        if let Err(e @ Error::Timeout { .. }) = result {
            return Err(e);
        }
        if let Some(derive) = turn.derive.as_deref_mut() {
            *derive = None;
        }
        // Set the value before the turn ends, so the next reader finds it.
        self.complete(result);
        Ok(())
    }

    /// Computes the derived value, unless another reader is computing it: then waits for that
    /// reader's value, or for its turn to end without one (a timeout), within this reader's
    /// own timeout.
    fn run_turn(&self, derive: &Mutex<Option<BoxDerive<T>>>, timeout: Option<Duration>) -> Result<()> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut waited = false;
        loop {
            if self.is_set() {
                return Ok(());
            }
            let mut turn = match self.try_turn(derive) {
                TurnAttempt::Set => return Ok(()),
                TurnAttempt::Busy(turns) => {
                    if self.wait_turn(turns, deadline, timeout.unwrap_or_default())? {
                        // Already in the slot, perhaps not yet flagged in `state`: looping
                        // back to `is_set` would spin until the setter's thread runs again.
                        return Ok(());
                    }
                    waited = true;
                    continue;
                }
                TurnAttempt::Mine(turn) => turn,
            };
            let Some(d) = turn.derive.as_deref_mut().and_then(Option::as_mut) else {
                return Ok(());
            };
            let timeout = if waited {
                deadline.map(|d| d.saturating_duration_since(Instant::now()))
            } else {
                timeout
            };
            let what = d.what();
            let result =
                panic::catch(|| d.block(timeout)).unwrap_or_else(|payload| Err(panicked(what, payload.as_ref())));
            return self.keep(&mut turn, result);
        }
    }

    /// Waits until the value is set (then returns true) or the turn started before `turns`
    /// turns had ended ends (false).
    fn wait_turn(&self, turns: u64, deadline: Option<Instant>, waited: Duration) -> Result<bool> {
        let mut slot = self.lock();
        loop {
            if slot.value.is_some() || slot.taken {
                return Ok(true);
            }
            if slot.hook_turns != turns {
                return Ok(false);
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Err(self.timeout(waited));
            }
            slot = self.park(slot, deadline.map(|d| d - now));
        }
    }

    /// Polls for the value without blocking: `Ready(Ok(()))` once it is set (computing it
    /// from ready sources if derived), `Pending` with `cx`'s waker registered where the wake-up
    /// will come from. `Ready(Err)` only for a get hook's timeout, which is not kept.
    pub(super) fn poll_ready(&self, cx: &mut TaskContext<'_>) -> Poll<Result<()>> {
        loop {
            if self.is_set() {
                return Poll::Ready(Ok(()));
            }
            let Some(derive) = &self.derive else {
                let mut slot = self.lock();
                if slot.value.is_some() || slot.taken {
                    return Poll::Ready(Ok(()));
                }
                register(&mut slot.wakers, cx.waker());
                return Poll::Pending;
            };
            let mut turn = match self.try_turn(derive) {
                TurnAttempt::Set => return Poll::Ready(Ok(())),
                TurnAttempt::Busy(turns) => {
                    let mut slot = self.lock();
                    if slot.value.is_some() || slot.taken {
                        return Poll::Ready(Ok(()));
                    }
                    if slot.hook_turns != turns {
                        // That turn ended meanwhile: try again.
                        continue;
                    }
                    register(&mut slot.turn_wakers, cx.waker());
                    return Poll::Pending;
                }
                TurnAttempt::Mine(turn) => turn,
            };
            let Some(d) = turn.derive.as_deref_mut().and_then(Option::as_mut) else {
                return Poll::Ready(Ok(()));
            };
            let what = d.what();
            let result = match panic::catch(|| d.poll(cx)) {
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(result)) => result,
                Err(payload) => Err(panicked(what, payload.as_ref())),
            };
            return Poll::Ready(self.keep(&mut turn, result));
        }
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        // The last handle is going away with a value nobody read: drop it without letting a
        // panic in its `Drop` unwind into whoever dropped the last handle.
        let value = self.slot.get_mut().unwrap_or_else(PoisonError::into_inner).value.take();
        if let Some(value) = value {
            self.drop_contained(value);
        }
    }
}

/// Adds `waker` to `wakers` unless an equivalent one is there.
fn register(wakers: &mut Vec<Waker>, waker: &Waker) {
    if !wakers.iter().any(|w| w.will_wake(waker)) {
        wakers.push(waker.clone());
    }
}

/// The error every reader of a derived future gets when the code computing it panicked. The
/// panic is reported once, here, at INFO (like a handler's panic returned to an asker), and the
/// computation is one of the runtime's catch points, so
/// [`quiet_handled_panics`](crate::quiet_handled_panics) keeps the default hook quiet about it.
fn panicked(what: &'static str, payload: &(dyn std::any::Any + Send)) -> Error {
    let message = panic_message(payload);
    tracing::info!(
        target: "pykka",
        error = %message,
        "Exception in {what} returned to every reader: {message}"
    );
    Error::custom(format!("{what} panicked: {message}"))
}
