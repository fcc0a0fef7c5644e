//! Derived futures: get hooks, `map` (and `filter`, `reduce`, `reduce_with` built on it),
//! `join`/[`Future::all`] and `flatten`.
//!
//! Each is a [`Derive`]: a blocking `get` computes it inside a turn, waiting for the sources
//! within the reader's timeout; `.await` polls it, and a pending source registers the task's
//! waker and returns `Pending` at once. Either way user code runs once and its result (or the
//! error its panic became) is kept for every reader.

use std::task::{Context as TaskContext, Poll, ready};
use std::time::{Duration, Instant};

use super::Future;
use super::shared::Derive;
use crate::error::{Error, Result};

/// A user's get hook ([`Future::with_get_hook`]).
struct Hook<F>(F);

impl<T, F: FnMut(Option<Duration>) -> Result<T> + Send> Derive<T> for Hook<F> {
    fn block(&mut self, timeout: Option<Duration>) -> Result<T> {
        (self.0)(timeout)
    }

    fn poll(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<T>> {
        // A hook is a blocking function: awaiting runs it on the polling thread.
        Poll::Ready((self.0)(None))
    }

    fn what(&self) -> &'static str {
        "the get hook"
    }
}

/// `f` applied once to the value of `source` (`map`, `filter`, `reduce`, `reduce_with`).
struct Map<T, F> {
    source: Future<T>,
    f: Option<F>,
    what: &'static str,
}

impl<T, U, F> Map<T, F>
where
    F: FnOnce(T) -> Result<U>,
{
    fn apply(&mut self, value: T) -> Result<U> {
        let f = self.f.take().ok_or(Error::ValueTaken)?;
        f(value)
    }
}

impl<T, U, F> Derive<U> for Map<T, F>
where
    T: Clone + Send,
    F: FnOnce(T) -> Result<U> + Send,
{
    fn block(&mut self, timeout: Option<Duration>) -> Result<U> {
        let value = self.source.get_opt(timeout)?;
        self.apply(value)
    }

    fn poll(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<U>> {
        let value = ready!(self.source.poll_read(cx))?;
        Poll::Ready(self.apply(value))
    }

    fn what(&self) -> &'static str {
        self.what
    }
}

/// The values of `all`, in order ([`Future::all`], `join`). `done` keeps what earlier polls
/// collected, so each wake-up reads only the futures not read yet.
struct All<T> {
    all: Vec<Future<T>>,
    done: Vec<T>,
}

impl<T: Clone + Send> Derive<Vec<T>> for All<T> {
    fn block(&mut self, timeout: Option<Duration>) -> Result<Vec<T>> {
        super::get_all(&self.all, timeout)
    }

    fn poll(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<Vec<T>>> {
        while let Some(next) = self.all.get(self.done.len()) {
            let value = ready!(next.poll_read(cx))?;
            self.done.push(value);
        }
        Poll::Ready(Ok(std::mem::take(&mut self.done)))
    }

    fn what(&self) -> &'static str {
        "Future::all"
    }
}

/// The value of the future that `outer` holds (`flatten`).
enum Flatten<T> {
    Outer(Future<Future<T>>),
    Inner(Future<T>),
}

impl<T: Clone + Send> Flatten<T> {
    /// The inner future, once the outer one is read.
    fn inner(&mut self, timeout: Option<Duration>) -> Result<Future<T>> {
        if let Flatten::Outer(outer) = self {
            *self = Flatten::Inner(outer.get_opt(timeout)?);
        }
        match self {
            Flatten::Inner(inner) => Ok(inner.clone()),
            Flatten::Outer(_) => unreachable!("the outer future was just read"),
        }
    }
}

impl<T: Clone + Send> Derive<T> for Flatten<T> {
    fn block(&mut self, timeout: Option<Duration>) -> Result<T> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let inner = self.inner(timeout)?;
        inner.get_opt(deadline.map(|d| d.saturating_duration_since(Instant::now())))
    }

    fn poll(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<T>> {
        if let Flatten::Outer(outer) = self {
            let inner = ready!(outer.poll_read(cx))?;
            *self = Flatten::Inner(inner);
        }
        match self {
            Flatten::Inner(inner) => inner.poll_read(cx),
            Flatten::Outer(_) => unreachable!("the outer future was just read"),
        }
    }

    fn what(&self) -> &'static str {
        "Future::flatten"
    }
}

impl<T> Future<T> {
    /// Creates a future whose value is computed by `hook` on the first read (Pykka's
    /// `set_get_hook`).
    ///
    /// The hook gets the reader's timeout and runs at most once: its result, even `()`, is kept
    /// and handed to every later reader. Only an [`Error::Timeout`] is not kept, so a later read
    /// runs the hook again. A panic in the hook is kept as an [`Error::Custom`] ("the get hook
    /// panicked: …") that every reader gets. Such a future has no [`Promise`](crate::Promise),
    /// so nothing else can set it.
    ///
    /// The hook is a blocking function: `.await` on this future (or on one derived from it)
    /// runs it on the polling thread, without a timeout.
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
        Future::derived(Hook(hook))
    }
}

impl<T: Clone + Send + 'static> Future<T> {
    /// A future of `f(value)` under the name `what` (for the panic error).
    fn apply<U: 'static>(&self, what: &'static str, f: impl FnOnce(T) -> Result<U> + Send + 'static) -> Future<U> {
        Future::derived(Map {
            source: self.clone(),
            f: Some(f),
            what,
        })
    }

    /// Returns a future of `f(value)`, computed once on the first read.
    ///
    /// `f` gets the whole value (never element by element). The reader's timeout is passed on
    /// to this future. Awaiting the mapped future waits for the source without blocking.
    ///
    /// `f` runs once, on the thread of the first reader that finds the source set, and its
    /// result is kept for every reader. If `f` panics, every reader gets the same
    /// [`Error::Custom`]: "the closure of Future::map panicked: " and the panic's message.
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3]).map(|v| v.len());
    /// assert_eq!(f.get().unwrap(), 3);
    /// ```
    pub fn map<U, F>(&self, f: F) -> Future<U>
    where
        F: FnOnce(T) -> U + Send + 'static,
        U: 'static,
    {
        self.apply("the closure of Future::map", move |v| Ok(f(v)))
    }

    /// Returns a future of the items of the value for which `pred` is true.
    ///
    /// Computed once, like [`map`](Self::map); a panic in `pred` fails every reader with the
    /// same [`Error::Custom`].
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3, 4]).filter(|x| x % 2 == 0);
    /// assert_eq!(f.get().unwrap(), vec![2, 4]);
    /// ```
    pub fn filter<P>(&self, mut pred: P) -> Future<Vec<T::Item>>
    where
        T: IntoIterator,
        T::Item: 'static,
        P: FnMut(&T::Item) -> bool + Send + 'static,
    {
        self.apply("the predicate of Future::filter", move |v| {
            Ok(v.into_iter().filter(|x| pred(x)).collect())
        })
    }

    /// Returns a future of the value's items folded from the left with `f`, without an
    /// initial value.
    ///
    /// Reading it fails with [`Error::Custom`] if the value has no items. Computed once, like
    /// [`map`](Self::map); a panic in `f` fails every reader with the same [`Error::Custom`].
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3]).reduce(|a, b| a * 10 + b);
    /// assert_eq!(f.get().unwrap(), 123);
    /// ```
    pub fn reduce<F>(&self, f: F) -> Future<T::Item>
    where
        T: IntoIterator,
        T::Item: 'static,
        F: FnMut(T::Item, T::Item) -> T::Item + Send + 'static,
    {
        self.apply("the closure of Future::reduce", move |v| {
            v.into_iter()
                .reduce(f)
                .ok_or_else(|| Error::custom("reduce of an empty sequence with no initial value"))
        })
    }

    /// Returns a future of the value's items folded from the left with `f`, starting at `init`.
    ///
    /// Computed once, like [`map`](Self::map); a panic in `f` fails every reader with the same
    /// [`Error::Custom`].
    ///
    /// # Examples
    ///
    /// ```
    /// let f = pykka::Future::ready(vec![1, 2, 3]).reduce_with(10, |a, b| a + b);
    /// assert_eq!(f.get().unwrap(), 16);
    /// ```
    pub fn reduce_with<B, F>(&self, init: B, f: F) -> Future<B>
    where
        T: IntoIterator,
        B: Send + 'static,
        F: FnMut(B, T::Item) -> B + Send + 'static,
    {
        self.apply("the closure of Future::reduce_with", move |v| {
            Ok(v.into_iter().fold(init, f))
        })
    }

    /// Returns a future of this future's value followed by the values of `others`, in order.
    ///
    /// Reading it is [`get_all`](crate::get_all) of the futures; awaiting it waits for them
    /// without blocking. See [`Future::all`].
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::Future;
    /// let joined = Future::ready(1).join([Future::ready(2), Future::ready(3)]);
    /// assert_eq!(joined.get().unwrap(), vec![1, 2, 3]);
    /// ```
    pub fn join(&self, others: impl IntoIterator<Item = Future<T>>) -> Future<Vec<T>> {
        Future::all(std::iter::once(self.clone()).chain(others))
    }

    /// Returns a future of the values of `futures`, in order: the awaitable form of
    /// [`get_all`](crate::get_all).
    ///
    /// A blocking read is `get_all` with the reader's timeout bounding the whole wait. Awaiting
    /// it never blocks: it returns `Pending` while a future is pending and is woken when it is
    /// set. Either way the result is the first error in input order, or every value.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Future, Promise};
    ///
    /// let (promise, pending) = Promise::new();
    /// let all = Future::all([Future::ready(1), pending]);
    /// std::thread::spawn(move || promise.set(2));
    /// assert_eq!(all.get().unwrap(), vec![1, 2]);
    /// ```
    pub fn all(futures: impl IntoIterator<Item = Future<T>>) -> Future<Vec<T>> {
        Future::derived(All {
            all: futures.into_iter().collect(),
            done: Vec::new(),
        })
    }
}

impl<T: Clone + Send + 'static> Future<Future<T>> {
    /// Returns a future of the value of the future this one holds.
    ///
    /// Useful when a method that returns a [`Future`] is called through a proxy, whose reply is
    /// then a `Future<Future<T>>`. A blocking read waits for both within one timeout; awaiting
    /// waits for both without blocking. An error of either future is the flattened future's
    /// error.
    ///
    /// # Examples
    ///
    /// ```
    /// use pykka::{Future, Promise};
    ///
    /// let (promise, inner) = Promise::new();
    /// let flat = Future::ready(inner).flatten();
    /// promise.set("deep");
    /// assert_eq!(flat.get().unwrap(), "deep");
    /// ```
    pub fn flatten(&self) -> Future<T> {
        Future::derived(Flatten::Outer(self.clone()))
    }
}
