//! [`Future`] and [`Promise`]: the reply slot of an `ask`, with Pykka's combinators and `.await`.
//!
//! - `shared.rs`: the state both halves share, blocking and polling reads, turns at computing
//!   a derived value.
//! - `combinators.rs`: `map`, `filter`, `reduce`, `reduce_with`, `join`, `flatten`,
//!   [`Future::all`] and get hooks, each a [`Derive`](shared::Derive).
//! - `all.rs`: [`get_all`] and [`get_all_settled`].
//! - `awaiting.rs`: [`FutureAwait`], the `std` future behind `.await`.

mod all;
mod awaiting;
mod combinators;
#[cfg(all(test, loom))]
mod loom;
mod notify;
mod shared;

use std::fmt;
use std::task::{Context as TaskContext, Poll, ready};
use std::time::Duration;

use crate::actor_id::ActorId;
use crate::error::{Error, Result};
use crate::sync::Arc;

pub use self::all::{get_all, get_all_settled};
pub use self::awaiting::FutureAwait;
pub(crate) use self::shared::Limit;
use self::shared::{Derive, Shared};

/// A value that will be available later: the reply of an `ask` or a proxy call.
///
/// A future is a cheap, clonable read handle. Reading never consumes it: [`get`](Future::get)
/// returns a clone of the value every time it is called, from any thread. The write side is the
/// [`Promise`], which sets the value exactly once.
///
/// Futures also work in async code: `future.await` registers a real waker and does not block
/// the executor's thread, also on a future derived with [`map`](Future::map),
/// [`join`](Future::join), [`Future::all`] and the other combinators.
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
/// A value nobody read (every future of it was dropped first, as when the asker gave up) is
/// dropped by whoever lets go last, often the replying actor. A panic in that value's `Drop`
/// is caught and logged at ERROR under target `pykka` (with the fulfilling `actor` when there
/// is one); it never unwinds into the actor.
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

/// The values [`Future::get`] can read: `get` hands every reader its own clone.
///
/// Implemented for every `Clone` type. It exists only to say, when `get` is called on a future
/// of a type that is not `Clone`, to use [`wait`](Future::wait) (or `.await`) instead, which
/// moves the value out.
#[diagnostic::on_unimplemented(
    message = "`Future::get` hands out clones, and `{Self}` is not `Clone`: use `wait()` to move the value out",
    label = "`{Self}` is not `Clone`",
    note = "use `wait()` or `wait_timeout()` (or `.await`) to move the value out without cloning it"
)]
pub trait CloneValue: Clone {}

impl<T: Clone> CloneValue for T {}

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

    /// A reply slot of `fulfiller` whose future's blocking reads give up at `limit` when the
    /// reader gives no timeout of its own (or a later one).
    pub(crate) fn with_limit(fulfiller: ActorId, limit: Limit) -> (Promise<T>, Future<T>) {
        let mut shared = Shared::new(Some(fulfiller), None);
        shared.limit = Some(limit);
        let shared = Arc::new(shared);
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
        // Dropping `shared` next may drop an unread value: `Shared`'s own `Drop` contains a
        // panic there.
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

    /// A future whose value `derive` computes on the first read.
    fn derived(derive: impl Derive<T> + 'static) -> Self {
        Future {
            shared: Arc::new(Shared::new(None, Some(Box::new(derive)))),
        }
    }

    /// The default limit of this future's blocking reads, if it is the reply of a proxy with a
    /// timeout.
    pub(crate) fn limit(&self) -> Option<Limit> {
        self.shared.limit
    }

    /// Returns the actor expected to fulfil this future, if it is an actor's reply.
    pub fn fulfiller(&self) -> Option<&ActorId> {
        self.shared.fulfiller.as_ref()
    }

    /// Returns true if the value (or error) is already there.
    ///
    /// A derived future (from [`map`](Self::map), [`join`](Self::join), …) is ready once a
    /// reader computed its value.
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
        self.shared.take()
    }

    /// Like [`wait`](Self::wait), but gives up after `timeout`.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if no value arrived in time, else as [`wait`](Self::wait).
    pub fn wait_timeout(self, timeout: Duration) -> Result<T> {
        self.shared.wait(Some(timeout))?;
        self.shared.take()
    }

    /// Blocks until the value is available and returns a clone of it.
    ///
    /// For a value that is not `Clone`, use [`wait`](Self::wait), which moves it out.
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
    pub fn get(&self) -> Result<T>
    where
        T: CloneValue,
    {
        self.get_opt(None)
    }

    /// Like [`get`](Self::get), but gives up after `timeout`.
    ///
    /// A zero timeout checks without waiting.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] if no value arrived in time, else as [`get`](Self::get).
    pub fn get_timeout(&self, timeout: Duration) -> Result<T>
    where
        T: CloneValue,
    {
        self.get_opt(Some(timeout))
    }

    /// Reads the value, waiting at most `timeout` (`None`: forever).
    ///
    /// # Errors
    ///
    /// As [`get_timeout`](Self::get_timeout).
    pub fn get_opt(&self, timeout: Option<Duration>) -> Result<T>
    where
        T: CloneValue,
    {
        self.shared.wait(timeout)?;
        self.shared.read()
    }

    /// Polls for a clone of the value without blocking (computing it if derived).
    fn poll_read(&self, cx: &mut TaskContext<'_>) -> Poll<Result<T>>
    where
        T: Clone,
    {
        ready!(self.shared.poll_ready(cx))?;
        Poll::Ready(self.shared.read())
    }
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
