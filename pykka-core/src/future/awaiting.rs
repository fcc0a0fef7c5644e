//! [`FutureAwait`]: the [`std::future::Future`] behind `pykka::Future`'s `.await`.

use std::fmt;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll, ready};

use super::Future;
use crate::error::Result;

/// The [`std::future::Future`] behind `pykka::Future`'s `.await`.
///
/// Awaiting moves the value out, like [`Future::wait`], so `T` need not be `Clone`. It never
/// blocks the polling thread: while the value (or, for a derived future, a source) is pending,
/// `poll` registers the task's waker and returns `Pending`. A derived future computes its
/// value on the polling thread once its sources are set; only a user's
/// [get hook](Future::with_get_hook), a blocking function, runs blocking.
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
        ready!(shared.poll_ready(cx))?;
        Poll::Ready(shared.take())
    }
}
