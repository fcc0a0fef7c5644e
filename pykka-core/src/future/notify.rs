//! [`Future::when_ready`]: run a callback once a future is set, without a thread waiting on it.
//!
//! The callback rides on the future's task wakers (the same ones `.await` uses): it is
//! registered with the pending future (or, for a derived one, its pending source) and runs on
//! the thread that sets the value, right after it is set. A watch and the runtime's waits
//! between incarnations are built on it.

// `std`'s `Arc` even under loom: a `Waker` is built from one.
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Wake, Waker};

use super::Future;

/// A callback waiting for a future.
struct Notify<T> {
    future: Future<T>,
    callback: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl<T: Send + 'static> Notify<T> {
    /// Polls the future with this callback as the waker; runs the callback once it is ready.
    fn poll(self: Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = TaskContext::from_waker(&waker);
        if self.future.shared.poll_ready(&mut cx).is_ready() {
            let callback = self
                .callback
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let Some(callback) = callback {
                callback();
            }
        }
    }
}

impl<T: Send + 'static> Wake for Notify<T> {
    fn wake(self: Arc<Self>) {
        self.poll();
    }
}

impl<T: Send + 'static> Future<T> {
    /// Runs `f` once the future is set (or its value computed, for a derived future): at once
    /// on this thread if it already is, else on the thread that sets it, right after. `f`
    /// must be short and must not block (it runs inside whoever completes the future).
    pub(crate) fn when_ready(&self, f: impl FnOnce() + Send + 'static) {
        let notify = Arc::new(Notify {
            future: self.clone(),
            callback: Mutex::new(Some(Box::new(f))),
        });
        notify.poll();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::future::Promise;

    #[test]
    fn the_callback_runs_once_when_the_future_is_set() {
        let (promise, future) = Promise::<u32>::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        future.when_ready(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(runs.load(Ordering::SeqCst), 0);
        promise.set(1);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_callback_runs_at_once_for_a_ready_or_failed_future() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        crate::Future::ready(1).when_ready(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let (promise, future) = Promise::<u32>::new();
        drop(promise);
        let counter = runs.clone();
        future.when_ready(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn the_callback_follows_a_derived_future_to_its_source() {
        let (promise, future) = Promise::<u32>::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        let doubled = future.map(|v| v * 2);
        doubled.when_ready(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        promise.set(21);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(doubled.get().unwrap(), 42);
    }
}
