//! Loom models of the promise/future state machine (`cargo xtask loom`): every interleaving
//! of the threads below, up to the preemption bound, must pass.
//!
//! Each model is one of the races the runtime lives by: a reply set while its reader parks or
//! registers a waker (no lost wake-up), two readers racing for the turn at computing a derived
//! value (the closure runs once, both get its value), and a reader letting go while the value
//! is set (the value is dropped exactly once).

use std::future::IntoFuture;

use loom::future::block_on;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use super::{Future, Promise};
use crate::error::Error;

#[test]
fn loom_set_racing_a_parking_get_wakes_it() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let setter = thread::spawn(move || promise.set(5u32));
        assert_eq!(future.get(), Ok(5));
        setter.join().unwrap();
    });
}

#[test]
fn loom_set_racing_await_registering_its_waker_wakes_it() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let setter = thread::spawn(move || promise.set(5u32));
        assert_eq!(block_on(future.into_future()), Ok(5));
        setter.join().unwrap();
    });
}

#[test]
fn loom_await_on_a_mapped_future_is_woken_by_its_source() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let mapped = future.map(|v: u32| v + 1);
        let setter = thread::spawn(move || promise.set(5u32));
        assert_eq!(block_on(mapped.into_future()), Ok(6));
        setter.join().unwrap();
    });
}

#[test]
fn loom_dropped_promise_racing_a_get_fails_it() {
    loom::model(|| {
        let (promise, future) = Promise::<u32>::new();
        let dropper = thread::spawn(move || drop(promise));
        assert!(matches!(future.get(), Err(Error::Custom { .. })));
        dropper.join().unwrap();
    });
}

/// Counts the closure runs of a mapped future.
fn counted_map(source: &Future<u32>, runs: &Arc<AtomicUsize>) -> Future<u32> {
    let runs = runs.clone();
    source.map(move |v| {
        runs.fetch_add(1, Ordering::SeqCst);
        v * 10
    })
}

#[test]
fn loom_two_blocking_readers_of_a_derived_future_share_one_run() {
    loom::model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let mapped = counted_map(&Future::ready(4), &runs);
        let other = mapped.clone();
        let reader = thread::spawn(move || other.get());
        assert_eq!(mapped.get(), Ok(40));
        assert_eq!(reader.join().unwrap(), Ok(40));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn loom_a_blocking_and_an_awaiting_reader_of_a_derived_future_share_one_run() {
    loom::model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let (promise, source) = Promise::new();
        let mapped = counted_map(&source, &runs);
        // Awaiting moves the value out, so the awaiting reader awaits a future derived from
        // `mapped`, whose polling turn on `mapped` races the blocking reader's.
        let reread = mapped.map(|v| v);
        let awaiting = thread::spawn(move || block_on(reread.into_future()));
        promise.set(4);
        assert_eq!(mapped.get(), Ok(40));
        assert_eq!(awaiting.join().unwrap(), Ok(40));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    });
}

/// Counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn loom_future_dropped_racing_set_drops_the_value_once() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (promise, future) = Promise::new();
        let value = Counted(drops.clone());
        let setter = thread::spawn(move || promise.set(value));
        drop(future);
        setter.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}
