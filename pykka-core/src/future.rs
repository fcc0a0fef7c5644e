//! [`Future`] and [`Promise`]: the reply slot of an `ask`, with Pykka's combinators and `.await`.

use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use crate::actor_id::ActorId;
use crate::debug;
use crate::error::{Error, Result};

/// How many times a blocking reader checks for the value, with a spin-loop pause after each,
/// before it yields and then parks: about as long as crossbeam's backoff spins.
const REPLY_SPIN_CHECKS: u32 = 128;

const EMPTY: u8 = 0;
const SET: u8 = 1;

type Hook<T> = Box<dyn FnMut(Option<Duration>) -> Result<T> + Send>;

struct Slot<T> {
    value: Option<Result<T>>,
    taken: bool,
    wakers: Vec<Waker>,
    parked: usize,
    /// Bumped each time a reader finishes a turn at running the get hook, so readers waiting
    /// for that turn to end wake up (see [`Shared::run_hook`]).
    hook_turns: u64,
}

struct Shared<T> {
    state: AtomicU8,
    slot: Mutex<Slot<T>>,
    cond: Condvar,
    /// Present on derived futures: computes the value on the first `get`.
    hook: Option<Mutex<Option<Hook<T>>>>,
    /// The actor expected to fulfil this future, for errors and deadlock detection.
    fulfiller: Option<ActorId>,
}

/// A value that will be available later: the reply of an `ask` or a proxy call.
///
/// A future is a cheap, clonable read handle. Reading never consumes it: [`get`](Future::get)
/// returns a clone of the value every time it is called, from any thread. The write side is the
/// [`Promise`], which sets the value exactly once.
///
/// Futures also work in async code: `future.await` registers a real waker and does not block
/// the executor's thread.
///
/// # Examples
///
/// ```
/// use pykka::Promise;
///
/// let (promise, future) = Promise::new();
/// std::thread::spawn(move || promise.set(6 * 7));
/// assert_eq!(future.get().unwrap(), 42);
/// assert_eq!(future.map(|v| v + 1).get().unwrap(), 43);
/// ```
pub struct Future<T> {
    shared: Arc<Shared<T>>,
}

/// The write side of a [`Future`]: sets its value or its error, exactly once.
///
/// `set` and `set_error` take the promise by value, so setting a future twice does not compile.
/// A promise dropped without a value fails its future: with [`Error::ActorDead`] if it was the
/// reply slot of a message to an actor (the actor stopped before handling it), otherwise with
/// [`Error::Custom`].
///
/// # Examples
///
/// ```
/// use pykka::{Error, Promise};
///
/// let (promise, future) = Promise::<u32>::new();
/// promise.set_error(Error::custom("no luck"));
/// assert_eq!(future.get().unwrap_err().to_string(), "no luck");
/// ```
pub struct Promise<T> {
    // Not an `Option`: the `Arc`'s non-null niche keeps a proxy's reply slot
    // (`Option<Promise>`) one word, which lets a call with a one-word argument travel inside
    // the inbox slot.
    shared: Arc<Shared<T>>,
}

/// A reader's turn at running a get hook: holds the hook's lock and, when dropped (also by a
/// panicking hook), releases it and then wakes the readers waiting for the turn to end.
struct HookTurn<'a, T> {
    shared: &'a Shared<T>,
    hook: Option<MutexGuard<'a, Option<Hook<T>>>>,
}

impl<T> Drop for HookTurn<'_, T> {
    fn drop(&mut self) {
        drop(self.hook.take());
        let mut slot = self.shared.lock();
        slot.hook_turns += 1;
        if slot.parked > 0 {
            self.shared.cond.notify_all();
        }
    }
}

impl<T> Shared<T> {
    fn new(fulfiller: Option<ActorId>, hook: Option<Hook<T>>) -> Self {
        Shared {
            state: AtomicU8::new(EMPTY),
            slot: Mutex::new(Slot {
                value: None,
                taken: false,
                wakers: Vec::new(),
                parked: 0,
                hook_turns: 0,
            }),
            cond: Condvar::new(),
            hook: hook.map(|h| Mutex::new(Some(h))),
            fulfiller,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // A panic while holding this lock cannot leave the slot half-written.
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn is_set(&self) -> bool {
        self.state.load(Ordering::Acquire) == SET
    }

    fn complete(&self, value: Result<T>) {
        let (parked, wakers) = {
            let mut slot = self.lock();
            if slot.value.is_some() || slot.taken {
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
            std::hint::spin_loop();
        }
        for _ in 0..5u32 {
            if self.is_set() {
                return Ok(());
            }
            std::thread::yield_now();
        }
        if self.is_set() {
            return Ok(());
        }
        let blocked = debug::enter_blocked(self.fulfiller.as_ref())?;
        // An actor thread parks in slices, looking for a deadlock cycle between them; any
        // other thread parks until the value or the deadline.
        let slice = blocked.is_actor().then_some(debug::RECHECK);
        let mut slot = self.lock();
        while slot.value.is_none() && !slot.taken {
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Err(Error::Timeout {
                    actor: self.fulfiller.clone(),
                    after: waited,
                });
            }
            let park_for = match (deadline, slice) {
                (None, None) => None,
                (Some(d), None) => Some(d - now),
                (None, Some(s)) => Some(s),
                (Some(d), Some(s)) => Some(s.min(d - now)),
            };
            slot.parked += 1;
            slot = match park_for {
                None => self.cond.wait(slot).unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(t) => {
                    self.cond
                        .wait_timeout(slot, t)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
            slot.parked -= 1;
            if slot.value.is_none() && !slot.taken && slice.is_some() {
                drop(slot);
                blocked.recheck()?;
                slot = self.lock();
            }
        }
        Ok(())
    }

    /// Runs the get hook, unless another reader is running it: then waits for that reader's
    /// value, or for its turn to end without one (a timeout), within this reader's own timeout.
    fn run_hook(&self, hook: &Mutex<Option<Hook<T>>>, timeout: Option<Duration>) -> Result<()> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut waited = false;
        loop {
            if self.is_set() {
                return Ok(());
            }
            // Read the turn count before trying the hook, so the end of the turn that holds it
            // now cannot be missed.
            let turns = self.lock().hook_turns;
            let guard = match hook.try_lock() {
                Ok(guard) => guard,
                Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {
                    self.wait_hook_turn(turns, deadline, timeout.unwrap_or_default())?;
                    waited = true;
                    continue;
                }
            };
            let mut turn = HookTurn {
                shared: self,
                hook: Some(guard),
            };
            if self.is_set() {
                return Ok(());
            }
            let Some(f) = turn.hook.as_deref_mut().and_then(Option::as_mut) else {
                return Ok(());
            };
            let timeout = if waited {
                deadline.map(|d| d.saturating_duration_since(Instant::now()))
            } else {
                timeout
            };
            let result = f(timeout);
            if matches!(result, Err(Error::Timeout { .. })) {
                // A timeout is not the hook's answer: a later `get` runs the hook again.
                return result.map(|_| ());
            }
            if let Some(hook) = turn.hook.as_deref_mut() {
                *hook = None;
            }
            // Set the value before the turn ends, so the next reader finds it.
            self.complete(result);
            return Ok(());
        }
    }

    /// Waits until the value is set or the hook turn numbered `turns` ends.
    fn wait_hook_turn(&self, turns: u64, deadline: Option<Instant>, waited: Duration) -> Result<()> {
        let mut slot = self.lock();
        while slot.value.is_none() && !slot.taken && slot.hook_turns == turns {
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Err(Error::Timeout {
                    actor: self.fulfiller.clone(),
                    after: waited,
                });
            }
            slot.parked += 1;
            slot = match deadline {
                None => self.cond.wait(slot).unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(d) => {
                    self.cond
                        .wait_timeout(slot, d - now)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
            slot.parked -= 1;
        }
        Ok(())
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<()> {
        if self.is_set() {
            return Ok(());
        }
        if let Some(hook) = &self.hook {
            return self.run_hook(hook, timeout);
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        self.wait_set(deadline, timeout.unwrap_or_default())
    }
}

impl<T> Promise<T> {
    /// Creates a connected promise and future.
    #[allow(clippy::new_ret_no_self, reason = "a promise is always born with its future")]
    pub fn new() -> (Promise<T>, Future<T>) {
        Self::with_fulfiller(None)
    }

    pub(crate) fn with_fulfiller(fulfiller: Option<ActorId>) -> (Promise<T>, Future<T>) {
        let shared = Arc::new(Shared::new(fulfiller, None));
        (Promise { shared: shared.clone() }, Future { shared })
    }

    /// Sets the future's value, waking every reader.
    pub fn set(self, value: T) {
        self.shared.complete(Ok(value));
    }

    /// Fails the future with `error`, which every reader then gets.
    pub fn set_error(self, error: Error) {
        self.shared.complete(Err(error));
    }

    /// Sets the future to `result`: its value or its error.
    pub fn complete(self, result: Result<T>) {
        self.shared.complete(result);
    }

    /// Returns the actor expected to fulfil this promise, if it is an actor's reply slot.
    pub fn fulfiller(&self) -> Option<&ActorId> {
        self.shared.fulfiller.as_ref()
    }
}

impl<T> Drop for Promise<T> {
    fn drop(&mut self) {
        // After `set` (which consumed the promise) this is one atomic load.
        if !self.shared.is_set() {
            let error = match &self.shared.fulfiller {
                Some(actor) => Error::ActorDead { actor: actor.clone() },
                None => Error::custom("promise dropped without a value"),
            };
            self.shared.complete(Err(error));
        }
    }
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise")
            .field("fulfiller", &self.fulfiller())
            .finish_non_exhaustive()
    }
}

impl<T> Future<T> {
    /// Creates a future that already holds `value`.
    pub fn ready(value: T) -> Self {
        let (p, f) = Promise::new();
        p.set(value);
        f
    }

    /// Creates a future that already failed with `error`.
    pub fn failed(error: Error) -> Self {
        let (p, f) = Promise::new();
        p.set_error(error);
        f
    }

    pub(crate) fn failed_for(error: Error, fulfiller: Option<ActorId>) -> Self {
        let (p, f) = Promise::with_fulfiller(fulfiller);
        p.set_error(error);
        f
    }

    /// Creates a future whose value is computed by `hook` on the first read (Pykka's
    /// `set_get_hook`).
    ///
    /// The hook gets the reader's timeout and runs at most once: its result, even `()`, is kept
    /// and handed to every later reader. Only an [`Error::Timeout`] is not kept, so a later read
    /// runs the hook again. Such a future has no [`Promise`], so nothing else can set it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let calls = Arc::new(AtomicUsize::new(0));
    /// let c = calls.clone();
    /// let future = pykka::Future::with_get_hook(move |_timeout| {
    ///     c.fetch_add(1, Ordering::SeqCst);
    ///     Ok("computed")
    /// });
    /// assert_eq!(future.get().unwrap(), "computed");
    /// assert_eq!(future.get().unwrap(), "computed");
    /// assert_eq!(calls.load(Ordering::SeqCst), 1);
    /// ```
    pub fn with_get_hook(hook: impl FnMut(Option<Duration>) -> Result<T> + Send + 'static) -> Self {
        Future {
            shared: Arc::new(Shared::new(None, Some(Box::new(hook)))),
        }
    }

    /// Returns the actor expected to fulfil this future, if it is an actor's reply.
    pub fn fulfiller(&self) -> Option<&ActorId> {
        self.shared.fulfiller.as_ref()
    }

    /// Returns true if the value (or error) is already there.
    pub fn is_ready(&self) -> bool {
        self.shared.is_set()
    }

    /// Waits for the value and moves it out, without requiring `T: Clone`.
    ///
    /// Other clones of this future then read [`Error::ValueTaken`].
    ///
    /// # Errors
    ///
    /// The error the future was failed with, or [`Error::ValueTaken`] if a clone took the value.
    pub fn wait(self) -> Result<T> {
        self.shared.wait(None)?;
        self.take()
    }

    /// Like [`wait`](Self::wait), but gives up after `timeout`.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if no value arrived in time, else as [`wait`](Self::wait).
    pub fn wait_timeout(self, timeout: Duration) -> Result<T> {
        self.shared.wait(Some(timeout))?;
        self.take()
    }

    fn take(&self) -> Result<T> {
        let mut slot = self.shared.lock();
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
}

impl<T: Clone> Future<T> {
    /// Blocks until the value is available and returns a clone of it.
    ///
    /// # Errors
    ///
    /// Whatever error the future was failed with: [`Error::ActorDead`] if the actor stopped
    /// before replying, [`Error::Panicked`] if the handler panicked, [`Error::Deadlock`] if
    /// deadlock detection is on and waiting would never end.
    ///
    /// # Examples
    ///
    /// ```
    /// let future = pykka::Future::ready(7);
    /// assert_eq!(future.get().unwrap(), 7);
    /// assert_eq!(future.get().unwrap(), 7); // reading again gives the same value
    /// ```
    pub fn get(&self) -> Result<T> {
        self.get_opt(None)
    }

    /// Like [`get`](Self::get), but gives up after `timeout`.
    ///
    /// A zero timeout checks without waiting.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if no value arrived in time, else as [`get`](Self::get).
    pub fn get_timeout(&self, timeout: Duration) -> Result<T> {
        self.get_opt(Some(timeout))
    }

    /// Reads the value, waiting at most `timeout` (`None`: forever).
    ///
    /// # Errors
    ///
    /// As [`get_timeout`](Self::get_timeout).
    pub fn get_opt(&self, timeout: Option<Duration>) -> Result<T> {
        self.shared.wait(timeout)?;
        let slot = self.shared.lock();
        match &slot.value {
            Some(v) => v.clone(),
            None => Err(Error::ValueTaken),
        }
    }

    /// Returns a future of `f(value)`, computed once on the first read.
    ///
    /// `f` gets the whole value (never element by element). The reader's timeout is passed on
    /// to this future.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3]).map(|v| v.len());
    /// assert_eq!(f.get().unwrap(), 3);
    /// ```
    pub fn map<U, F>(&self, f: F) -> Future<U>
    where
        T: Send + 'static,
        F: FnOnce(T) -> U + Send + 'static,
        U: 'static,
    {
        let source = self.clone();
        let mut f = Some(f);
        Future::with_get_hook(move |timeout| {
            let value = source.get_opt(timeout)?;
            let f = f.take().ok_or(Error::ValueTaken)?;
            Ok(f(value))
        })
    }

    /// Returns a future of the items of the value for which `pred` is true.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3, 4]).filter(|x| x % 2 == 0);
    /// assert_eq!(f.get().unwrap(), vec![2, 4]);
    /// ```
    pub fn filter<P>(&self, mut pred: P) -> Future<Vec<T::Item>>
    where
        T: IntoIterator + Send + 'static,
        T::Item: 'static,
        P: FnMut(&T::Item) -> bool + Send + 'static,
    {
        self.map(move |v| v.into_iter().filter(|x| pred(x)).collect())
    }

    /// Returns a future of the value's items folded from the left with `f`, without an
    /// initial value.
    ///
    /// Reading it fails with [`Error::Custom`] if the value has no items.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3]).reduce(|a, b| a * 10 + b);
    /// assert_eq!(f.get().unwrap(), 123);
    /// ```
    pub fn reduce<F>(&self, f: F) -> Future<T::Item>
    where
        T: IntoIterator + Send + 'static,
        T::Item: 'static,
        F: FnMut(T::Item, T::Item) -> T::Item + Send + 'static,
    {
        let source = self.clone();
        let mut f = Some(f);
        Future::with_get_hook(move |timeout| {
            let value = source.get_opt(timeout)?;
            let f = f.take().ok_or(Error::ValueTaken)?;
            value
                .into_iter()
                .reduce(f)
                .ok_or_else(|| Error::custom("reduce of an empty sequence with no initial value"))
        })
    }

    /// Returns a future of the value's items folded from the left with `f`, starting at `init`.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3]).reduce_with(10, |a, b| a + b);
    /// assert_eq!(f.get().unwrap(), 16);
    /// ```
    pub fn reduce_with<B, F>(&self, init: B, f: F) -> Future<B>
    where
        T: IntoIterator + Send + 'static,
        B: Send + 'static,
        F: FnMut(B, T::Item) -> B + Send + 'static,
    {
        self.map(move |v| v.into_iter().fold(init, f))
    }

    /// Returns a future of this future's value followed by the values of `others`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::Future;
    /// let joined = Future::ready(1).join([Future::ready(2), Future::ready(3)]);
    /// assert_eq!(joined.get().unwrap(), vec![1, 2, 3]);
    /// ```
    pub fn join(&self, others: impl IntoIterator<Item = Future<T>>) -> Future<Vec<T>>
    where
        T: Send + 'static,
    {
        let mut all = vec![self.clone()];
        all.extend(others);
        Future::with_get_hook(move |timeout| get_all(&all, timeout))
    }
}

/// Waits for every future and returns their values in input order.
///
/// `timeout` bounds the whole wait, not each future (Pykka applies it per future); `None`
/// waits forever. Reading never consumes a future, so `get_all` can be called again.
///
/// # Errors
///
/// The first error met, in input order; [`Error::Timeout`] if the time ran out.
///
/// # Examples
///
/// ```
/// use pykka::{get_all, Future};
/// let futures = vec![Future::ready(1), Future::ready(2)];
/// assert_eq!(get_all(&futures, None).unwrap(), vec![1, 2]);
/// ```
pub fn get_all<T: Clone>(futures: &[Future<T>], timeout: Option<Duration>) -> Result<Vec<T>> {
    let deadline = timeout.map(|t| Instant::now() + t);
    futures
        .iter()
        .map(|f| match deadline {
            None => f.get(),
            Some(d) => f.get_timeout(d.saturating_duration_since(Instant::now())),
        })
        .collect()
}

impl<T> Clone for Future<T> {
    fn clone(&self) -> Self {
        Future {
            shared: self.shared.clone(),
        }
    }
}

impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Future")
            .field("ready", &self.is_ready())
            .field("fulfiller", &self.shared.fulfiller)
            .finish()
    }
}

/// The [`std::future::Future`] behind `pykka::Future`'s `.await`.
///
/// Awaiting moves the value out, like [`Future::wait`], so `T` need not be `Clone`. A derived
/// future (from `map`, `filter`, …) computes its value on the polling thread.
#[must_use = "futures do nothing unless awaited"]
pub struct FutureAwait<T> {
    future: Future<T>,
}

impl<T> fmt::Debug for FutureAwait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureAwait").field("future", &self.future).finish()
    }
}

impl<T> std::future::IntoFuture for Future<T> {
    type Output = Result<T>;
    type IntoFuture = FutureAwait<T>;

    fn into_future(self) -> FutureAwait<T> {
        FutureAwait { future: self }
    }
}

impl<T> std::future::Future for FutureAwait<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<T>> {
        let shared = &self.future.shared;
        if !shared.is_set() {
            if let Some(hook) = &shared.hook {
                shared.run_hook(hook, None)?;
            } else {
                let mut slot = shared.lock();
                if slot.value.is_none() && !slot.taken {
                    if !slot.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                        slot.wakers.push(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(self.future.take())
    }
}
