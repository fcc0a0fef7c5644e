//! `Future` and `Promise`: reading, `get_all`, combinators, get hooks and `.await`.
//!
//! Covers the K and R behaviours of B039-B069 in shared/reference/pykka-behaviors.md. B039-B041
//! and B049 are N (no abstract base future, no `yield from`); B042, B051-B053, B055, B062 and
//! B067 are C (the type system rejects them) and belong to the compile-fail suite.

use std::collections::HashMap;
use std::future::IntoFuture;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Poll, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

use pykka::{Actor, ActorRegistry, Context, Error, Future, Promise, Unhandled, get_all, get_all_settled};

use crate::support::{DEFAULT_TIMEOUT, Latch, spawn, within};

const SHORT: Duration = Duration::from_millis(3);

/// Records every timeout a get hook is called with.
#[derive(Clone, Default)]
struct Calls(Arc<Mutex<Vec<Option<Duration>>>>);

impl Calls {
    fn push(&self, timeout: Option<Duration>) {
        self.0.lock().unwrap().push(timeout);
    }
    fn get(&self) -> Vec<Option<Duration>> {
        self.0.lock().unwrap().clone()
    }
}

/// A future computed by a hook that records its calls.
fn hooked<T: Clone + Send + 'static>(calls: &Calls, value: T) -> Future<T> {
    let calls = calls.clone();
    Future::with_get_hook(move |timeout| {
        calls.push(timeout);
        Ok(value.clone())
    })
}

// --- get_all (B043-B045) ----------------------------------------------------------------------

#[test]
fn b043_get_all_returns_values_in_input_order() {
    let (promises, futures): (Vec<_>, Vec<_>) = (0..3).map(|_| Promise::<u32>::new()).unzip();
    let setter = spawn("setter", move || {
        for (n, p) in promises.into_iter().enumerate().rev() {
            p.set(u32::try_from(n).unwrap() + 1);
        }
    });
    assert_eq!(get_all(&futures, Some(DEFAULT_TIMEOUT)), Ok(vec![1, 2, 3]));
    setter.join().unwrap();
}

#[test]
fn b044_get_all_with_zero_timeout_times_out_if_a_future_is_unset() {
    let (_unset, pending) = Promise::<u32>::new();
    let futures = [Future::ready(1), pending, Future::ready(3)];
    assert!(get_all(&futures, Some(Duration::ZERO)).unwrap_err().is_timeout());
    // Values that are already there are returned even with a zero timeout.
    assert_eq!(
        get_all(&[Future::ready(1), Future::ready(2)], Some(Duration::ZERO)),
        Ok(vec![1, 2])
    );
}

#[test]
fn b044_get_all_timeout_bounds_the_whole_wait() {
    // R: the timeout is total, not per future. Each future is read with what is left of it:
    // the second hook sees the total minus at least the time the first one took.
    let calls = Calls::default();
    let slow = {
        let calls = calls.clone();
        Future::with_get_hook(move |timeout| {
            calls.push(timeout);
            // Not synchronisation: it only guarantees that at least this much time passes.
            std::thread::sleep(Duration::from_millis(20));
            Ok(1)
        })
    };
    let quick = hooked(&calls, 2);
    assert_eq!(get_all(&[slow, quick], Some(DEFAULT_TIMEOUT)), Ok(vec![1, 2]));
    let seen = calls.get();
    let first = seen[0].expect("a bounded read");
    let second = seen[1].expect("a bounded read");
    assert!(first <= DEFAULT_TIMEOUT);
    assert!(
        second + Duration::from_millis(20) <= first,
        "first {first:?}, second {second:?}"
    );
}

#[test]
fn b045_get_all_can_be_repeated() {
    let (p, f) = Promise::new();
    p.set(vec![1, 2]);
    let futures = [f.clone(), Future::ready(vec![3])];
    let first = get_all(&futures, Some(DEFAULT_TIMEOUT)).unwrap();
    let second = get_all(&futures, Some(DEFAULT_TIMEOUT)).unwrap();
    assert_eq!(first, second);
    assert_eq!(f.get(), Ok(vec![1, 2]));
}

// --- Values and errors (B046-B048) ------------------------------------------------------------

#[test]
fn b046_a_future_can_hold_a_future() {
    let (outer_p, outer) = Promise::<Future<u32>>::new();
    let (inner_p, inner) = Promise::new();
    outer_p.set(inner);
    let got = outer.get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert!(!got.is_ready(), "get returns the inner future itself, not its value");
    inner_p.set(5);
    assert_eq!(got.get_timeout(DEFAULT_TIMEOUT), Ok(5));
}

#[test]
fn b047_error_is_handed_unchanged_to_every_reader() {
    // R: no traceback; every reader, on any thread and any number of times, gets an error equal
    // to the one that was set, and can match on its variant and fields.
    let (p, f) = Promise::<u32>::new();
    let original = Error::custom("disk full");
    let reader = f.clone();
    let other_thread = spawn("reader", move || reader.get_timeout(DEFAULT_TIMEOUT));
    p.set_error(original.clone());
    assert_eq!(other_thread.join().unwrap(), Err(original.clone()));
    assert_eq!(f.get(), Err(original.clone()));
    assert_eq!(f.get(), Err(original.clone()));
    assert!(matches!(f.clone().wait(), Err(Error::Custom { message }) if &*message == "disk full"));
    assert_eq!(f.get(), Err(original), "the error stays after `wait`");
}

#[test]
fn dropped_promise_fails_its_future() {
    let (p, f) = Promise::<u32>::new();
    drop(p);
    assert!(matches!(f.get_timeout(DEFAULT_TIMEOUT), Err(Error::Custom { .. })));
}

#[test]
fn wait_moves_the_value_out() {
    struct NotClone(u32);
    let (p, f) = Promise::new();
    let other = f.clone();
    p.set(NotClone(3));
    assert_eq!(f.wait_timeout(DEFAULT_TIMEOUT).map(|v| v.0), Ok(3));
    assert!(matches!(other.wait(), Err(Error::ValueTaken)));
}

/// A waker that unparks the polling thread and counts its wake-ups.
struct ThreadWaker {
    thread: Thread,
    wakes: AtomicUsize,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// What [`block_on`] saw.
#[derive(Debug)]
struct Polled<T> {
    output: T,
    polls: usize,
    wakes: usize,
}

/// A minimal executor: polls `fut` on this thread and re-polls it only after its waker was
/// called, so a future that never wakes fails the test (after [`DEFAULT_TIMEOUT`]) instead of
/// being rescued by busy polling. `on_pending` runs once, after the first `Pending`.
fn block_on<F: std::future::Future>(fut: F, on_pending: impl FnOnce()) -> Polled<F::Output> {
    let state = Arc::new(ThreadWaker {
        thread: std::thread::current(),
        wakes: AtomicUsize::new(0),
    });
    let waker = Waker::from(state.clone());
    let mut cx = std::task::Context::from_waker(&waker);
    let mut fut = pin!(fut);
    let mut on_pending = Some(on_pending);
    let deadline = Instant::now() + DEFAULT_TIMEOUT;
    let mut polls = 0;
    loop {
        let seen = state.wakes.load(Ordering::SeqCst);
        polls += 1;
        if let Poll::Ready(output) = fut.as_mut().poll(&mut cx) {
            return Polled {
                output,
                polls,
                wakes: state.wakes.load(Ordering::SeqCst),
            };
        }
        if let Some(f) = on_pending.take() {
            f();
        }
        while state.wakes.load(Ordering::SeqCst) == seen {
            let now = Instant::now();
            assert!(now < deadline, "the future returned Pending and never woke its task");
            std::thread::park_timeout(deadline - now);
        }
    }
}

#[test]
fn b048_await_registers_a_real_waker() {
    // R: `.await` does not block the polling thread; the value is set by another thread only
    // after the first poll returned `Pending`, and the waker brings the task back.
    let (promise, future) = Promise::new();
    let (polled_tx, polled_rx) = mpsc::channel::<()>();
    let setter = spawn("setter", move || {
        polled_rx
            .recv_timeout(DEFAULT_TIMEOUT)
            .expect("the first poll happened");
        promise.set(42);
    });
    let polled = block_on(async move { future.await }, move || polled_tx.send(()).unwrap());
    assert_eq!(polled.output, Ok(42));
    assert!(polled.polls >= 2, "{polled:?}");
    assert!(polled.wakes >= 1, "{polled:?}");
    setter.join().unwrap();
}

#[test]
fn b048_await_an_actor_reply() {
    struct Gatekeeper;
    impl Actor for Gatekeeper {
        type Message = Latch;
        type Reply = &'static str;
        fn on_receive(&mut self, _ctx: &Context<Self>, gate: Latch) -> Result<&'static str, Unhandled> {
            gate.wait();
            Ok("through")
        }
    }
    let actor = Gatekeeper.start();
    let gate = Latch::new();
    let reply = actor.ask_future(gate.clone());
    let polled = block_on(async move { reply.await }, move || gate.open());
    assert_eq!(polled.output, Ok("through"));
    assert!(polled.wakes >= 1, "{polled:?}");
    assert!(actor.stop());
}

#[test]
fn b048_await_ready_failed_and_derived_futures() {
    assert_eq!(block_on(async { Future::ready(1).await }, || ()).output, Ok(1));
    let failed = block_on(async { Future::<u32>::failed(Error::custom("no")).await }, || ());
    assert_eq!(failed.output, Err(Error::custom("no")));
    let mapped = block_on(async { Future::ready(2).map(|v| v * 10).await }, || ());
    assert_eq!(mapped.output, Ok(20));
}

// --- Get hooks (B050) -------------------------------------------------------------------------

#[test]
fn b050_get_hook_runs_once_even_if_it_returns_unit_and_sees_the_timeout() {
    let calls = Calls::default();
    let future = hooked(&calls, ());
    assert_eq!(future.get_timeout(Duration::from_secs(3)), Ok(()));
    assert_eq!(future.get(), Ok(()));
    assert_eq!(future.clone().get_timeout(Duration::ZERO), Ok(()));
    assert_eq!(calls.get(), vec![Some(Duration::from_secs(3))]);
}

#[test]
fn timed_get_on_a_derived_future_honours_its_timeout_while_another_reader_computes_it() {
    // U18 / B056: a reader with a timeout must not wait behind another reader that is
    // computing the value without one.
    let (source_p, source) = Promise::<u32>::new();
    let entered = Latch::new();
    let derived = {
        let entered = entered.clone();
        Future::with_get_hook(move |timeout| {
            entered.open();
            source.get_opt(timeout)
        })
    };
    let blocking_reader = {
        let derived = derived.clone();
        spawn("reader", move || derived.get_timeout(DEFAULT_TIMEOUT))
    };
    entered.wait();
    let timed = derived.clone();
    let result = within("a timed get on a derived future", move || timed.get_timeout(SHORT));
    assert!(result.unwrap_err().is_timeout());
    source_p.set(8);
    assert_eq!(blocking_reader.join().unwrap(), Ok(8));
    assert_eq!(derived.get_timeout(DEFAULT_TIMEOUT), Ok(8));
}

#[test]
fn reader_waiting_for_a_hook_that_times_out_runs_the_hook_itself() {
    // U18: a timeout is not kept, so a reader that waited behind it computes the value.
    let calls = Arc::new(AtomicUsize::new(0));
    let (entered, release) = (Latch::new(), Latch::new());
    let derived = {
        let (calls, entered, release) = (calls.clone(), entered.clone(), release.clone());
        Future::with_get_hook(move |timeout| {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                entered.open();
                release.wait();
                return Err(Error::Timeout {
                    actor: None,
                    after: timeout.unwrap_or_default(),
                });
            }
            Ok(7)
        })
    };
    let first = {
        let derived = derived.clone();
        spawn("first-reader", move || derived.get_timeout(SHORT))
    };
    entered.wait();
    let second = {
        let derived = derived.clone();
        spawn("second-reader", move || derived.get_timeout(DEFAULT_TIMEOUT))
    };
    release.open();
    assert!(first.join().unwrap().unwrap_err().is_timeout());
    assert_eq!(second.join().unwrap(), Ok(7));
    assert_eq!(derived.get(), Ok(7));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

// --- filter (B054-B057) -----------------------------------------------------------------------

#[test]
fn b054_filter_keeps_the_items_matching_the_predicate() {
    let (p, f) = Promise::<Vec<u32>>::new();
    let even = f.filter(|x| x % 2 == 0);
    p.set(vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(even.get_timeout(DEFAULT_TIMEOUT), Ok(vec![2, 4, 6]));
}

#[test]
fn b056_filter_passes_the_timeout_to_its_source() {
    let (p, f) = Promise::<Vec<u32>>::new();
    let filtered = f.filter(|_| true);
    assert!(filtered.get_timeout(Duration::ZERO).unwrap_err().is_timeout());
    p.set(vec![1]);
    // A timeout is not the answer: a later read computes the value.
    assert_eq!(filtered.get_timeout(DEFAULT_TIMEOUT), Ok(vec![1]));

    let calls = Calls::default();
    let filtered = hooked(&calls, vec![1, 2]).filter(|_| true);
    assert_eq!(filtered.get_timeout(Duration::from_secs(4)), Ok(vec![1, 2]));
    assert_eq!(calls.get(), vec![Some(Duration::from_secs(4))]);
}

#[test]
fn b057_filter_computes_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let filtered = Future::ready(vec![1, 2, 3]).filter(move |x| {
        counted.fetch_add(1, Ordering::SeqCst);
        *x > 1
    });
    assert_eq!(filtered.get(), Ok(vec![2, 3]));
    assert_eq!(filtered.get(), Ok(vec![2, 3]));
    assert_eq!(runs.load(Ordering::SeqCst), 3, "once per item, on the first get only");
}

// --- join (B058-B059) -------------------------------------------------------------------------

#[test]
fn b058_join_combines_futures_in_argument_order() {
    let (pa, a) = Promise::new();
    let (pb, b) = Promise::new();
    let (pc, c) = Promise::new();
    let joined = a.join([b, c]);
    pc.set("c");
    pa.set("a");
    pb.set("b");
    assert_eq!(joined.get_timeout(DEFAULT_TIMEOUT), Ok(vec!["a", "b", "c"]));
}

#[test]
fn b059_join_passes_the_timeout_on() {
    let (_unset, pending) = Promise::<u32>::new();
    let joined = Future::ready(1).join([pending]);
    assert!(joined.get_timeout(Duration::ZERO).unwrap_err().is_timeout());

    let calls = Calls::default();
    let joined = Future::ready(1).join([hooked(&calls, 2)]);
    assert_eq!(joined.get_timeout(Duration::from_secs(5)).unwrap(), vec![1, 2]);
    let seen = calls.get();
    assert!(seen[0].is_some_and(|t| t <= Duration::from_secs(5)), "{seen:?}");
}

// --- map (B060-B064) --------------------------------------------------------------------------

#[test]
fn b060_map_applies_the_function_to_the_value() {
    let (p, f) = Promise::new();
    let mapped = f.map(|v: u32| v * 2 + 1);
    p.set(20);
    assert_eq!(mapped.get_timeout(DEFAULT_TIMEOUT), Ok(41));
}

#[test]
fn b061_map_gets_a_map_value_whole() {
    let value = HashMap::from([("foo", 1), ("bar", 2)]);
    let mapped = Future::ready(value).map(|m| m["foo"] + m["bar"] * 10);
    assert_eq!(mapped.get(), Ok(21));
}

#[test]
fn b061_map_gets_a_list_value_whole() {
    // The other half of B062: `map` never maps element by element.
    let mapped = Future::ready(vec![1, 2, 3]).map(|v| v.len());
    assert_eq!(mapped.get(), Ok(3));
}

#[test]
fn b063_map_passes_the_timeout_on() {
    let (p, f) = Promise::<u32>::new();
    let mapped = f.map(|v| v + 1);
    assert!(mapped.get_timeout(Duration::ZERO).unwrap_err().is_timeout());
    p.set(1);
    assert_eq!(mapped.get_timeout(DEFAULT_TIMEOUT), Ok(2));

    let calls = Calls::default();
    assert_eq!(
        hooked(&calls, 1).map(|v| v + 1).get_timeout(Duration::from_secs(6)),
        Ok(2)
    );
    assert_eq!(calls.get(), vec![Some(Duration::from_secs(6))]);
}

#[test]
fn b064_map_computes_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let mapped = Future::ready(5).map(move |v| {
        counted.fetch_add(1, Ordering::SeqCst);
        v + 1
    });
    assert_eq!(mapped.get(), Ok(6));
    assert_eq!(mapped.clone().get(), Ok(6));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

// --- reduce (B065-B069) -----------------------------------------------------------------------

#[test]
fn b065_reduce_folds_from_the_left() {
    let (p, f) = Promise::<Vec<i32>>::new();
    let reduced = f.reduce(|a, b| a - b);
    p.set(vec![10, 1, 2, 3]);
    assert_eq!(reduced.get_timeout(DEFAULT_TIMEOUT), Ok(((10 - 1) - 2) - 3));
    let words = Future::ready(vec!["a", "b", "c"].into_iter().map(String::from).collect::<Vec<_>>());
    assert_eq!(words.reduce(|a, b| format!("({a}{b})")).get(), Ok("((ab)c)".to_owned()));
}

#[test]
fn b066_reduce_with_an_initial_value() {
    let reduced = Future::ready(vec![1, 2, 3]).reduce_with(String::from("x"), |acc, n| format!("{acc}{n}"));
    assert_eq!(reduced.get(), Ok("x123".to_owned()));
    let empty: Future<Vec<u32>> = Future::ready(Vec::new());
    assert_eq!(empty.reduce_with(7, |a, b| a + b).get(), Ok(7));
    assert!(matches!(empty.reduce(|a, b| a + b).get(), Err(Error::Custom { .. })));
}

#[test]
fn b068_reduce_passes_the_timeout_on() {
    let (p, f) = Promise::<Vec<u32>>::new();
    let reduced = f.reduce(|a, b| a + b);
    assert!(reduced.get_timeout(Duration::ZERO).unwrap_err().is_timeout());
    p.set(vec![1, 2]);
    assert_eq!(reduced.get_timeout(DEFAULT_TIMEOUT), Ok(3));

    let calls = Calls::default();
    assert_eq!(
        hooked(&calls, vec![1, 2])
            .reduce(|a, b| a * b)
            .get_timeout(Duration::from_secs(7)),
        Ok(2)
    );
    assert_eq!(calls.get(), vec![Some(Duration::from_secs(7))]);
}

#[test]
fn b069_reduce_computes_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let reduced = Future::ready(vec![1, 2, 3]).reduce(move |a, b| {
        counted.fetch_add(1, Ordering::SeqCst);
        a + b
    });
    assert_eq!(reduced.get(), Ok(6));
    assert_eq!(reduced.get(), Ok(6));
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "two steps for three items, on the first get only"
    );
}

// --- `.await` on derived futures never blocks (issue 11, section 4) ---------------------------

/// Awaits `derived` on this thread with [`block_on`]; `set` makes its sources ready and runs
/// on a helper thread once the first poll returned `Pending` (or after [`DEFAULT_TIMEOUT`] if
/// the poll blocked instead, so a blocking poll fails the test rather than hanging it).
/// Returns what `block_on` saw and whether `set` ran after a first `Pending`.
fn await_with_sources_set_after_the_first_poll<T: Send + 'static>(
    derived: Future<T>,
    set: impl FnOnce() + Send + 'static,
) -> (Polled<pykka::Result<T>>, bool) {
    let (polled_tx, polled_rx) = mpsc::channel::<()>();
    let setter = spawn("setter", move || {
        let after_pending = polled_rx.recv_timeout(DEFAULT_TIMEOUT).is_ok();
        set();
        after_pending
    });
    let polled = block_on(derived.into_future(), move || {
        let _ = polled_tx.send(());
    });
    (polled, setter.join().unwrap())
}

#[test]
fn awaiting_a_mapped_future_of_a_pending_promise_returns_pending_then_its_value() {
    let (promise, future) = Promise::new();
    let mapped = future.map(|v: u32| v + 1);
    let (polled, after_pending) = await_with_sources_set_after_the_first_poll(mapped, move || promise.set(41));
    assert!(after_pending, "the first poll blocked instead of returning Pending");
    assert_eq!(polled.output, Ok(42));
    assert_eq!(
        polled.polls, 2,
        "Pending once, then Ready after the wake-up: {polled:?}"
    );
    assert!(polled.wakes >= 1, "{polled:?}");
}

#[test]
fn awaiting_any_derived_future_of_pending_sources_returns_pending_at_once() {
    // Every combinator, and chains of them, compose through wakers.
    let (pa, a) = Promise::<Vec<u32>>::new();
    let (pb, b) = Promise::<Vec<u32>>::new();
    let (pc, c) = Promise::<Future<u32>>::new();
    let (pd, d) = Promise::<u32>::new();
    let derived = Future::all([
        a.filter(|x| x % 2 == 0).map(|v| v.len() as u32),
        a.reduce(|x, y| x + y),
        b.reduce_with(100, |x, y| x + y),
        c.flatten().map(|v| v * 2),
        Future::ready(7).join([a.map(|v| v[0])]).map(|v| v.iter().sum()),
    ]);
    let (polled, after_pending) = await_with_sources_set_after_the_first_poll(derived, move || {
        pa.set(vec![1, 2, 3, 4]);
        pb.set(vec![5]);
        pc.set(d);
        pd.set(21);
    });
    assert!(after_pending, "the first poll blocked instead of returning Pending");
    assert_eq!(polled.output, Ok(vec![2, 10, 105, 42, 8]));
    assert!(polled.polls >= 2, "{polled:?}");
}

#[test]
fn awaiting_a_derived_future_while_a_blocking_reader_computes_it_does_not_block() {
    // The blocking reader holds the turn at computing the value and waits for the source
    // inside it; the awaiting reader must return Pending and be woken when that turn ends.
    let (inner_p, inner) = Promise::<u32>::new();
    let entered = Latch::new();
    let source = {
        let entered = entered.clone();
        Future::with_get_hook(move |timeout| {
            entered.open();
            inner.get_opt(timeout)
        })
    };
    let mapped = source.map(|v| v * 3);
    let blocking = {
        let mapped = mapped.clone();
        spawn("blocking-reader", move || mapped.get_timeout(DEFAULT_TIMEOUT))
    };
    entered.wait();
    // Awaiting moves the value out, so await a future read from `mapped` (which leaves
    // `mapped`'s value for the blocking reader): its poll races for `mapped`'s turn.
    let reread = mapped.map(|v| v);
    let (polled, after_pending) = await_with_sources_set_after_the_first_poll(reread, move || inner_p.set(5));
    assert!(after_pending, "the first poll blocked instead of returning Pending");
    assert_eq!(polled.output, Ok(15));
    assert_eq!(blocking.join().unwrap(), Ok(15));
}

#[test]
fn awaiting_a_join_reports_the_first_error_in_input_order() {
    let (pa, a) = Promise::<u32>::new();
    let joined = a.join([Future::failed(Error::custom("second"))]);
    let (polled, after_pending) = await_with_sources_set_after_the_first_poll(joined, move || {
        pa.set_error(Error::custom("first"));
    });
    assert!(after_pending);
    assert_eq!(polled.output, Err(Error::custom("first")));
}

// --- flatten ----------------------------------------------------------------------------------

#[test]
fn flatten_reads_the_value_of_the_inner_future() {
    let (outer_p, outer) = Promise::<Future<u32>>::new();
    let (inner_p, inner) = Promise::new();
    let flat = outer.flatten();
    assert!(flat.get_timeout(Duration::ZERO).unwrap_err().is_timeout());
    outer_p.set(inner);
    assert!(
        flat.get_timeout(Duration::ZERO).unwrap_err().is_timeout(),
        "the inner future is not set yet"
    );
    inner_p.set(9);
    assert_eq!(flat.get_timeout(DEFAULT_TIMEOUT), Ok(9));
    assert_eq!(flat.get(), Ok(9));
}

#[test]
fn flatten_hands_on_an_error_of_either_future() {
    let outer_failed = Future::<Future<u32>>::failed(Error::custom("outer"));
    assert_eq!(outer_failed.flatten().get(), Err(Error::custom("outer")));
    let inner_failed = Future::ready(Future::<u32>::failed(Error::custom("inner")));
    assert_eq!(inner_failed.flatten().get(), Err(Error::custom("inner")));
}

// --- A panic in a combinator's closure (issue 11, section 2) ----------------------------------

fn is_closure_panic(result: &pykka::Result<u32>, combinator: &str) -> bool {
    matches!(result, Err(Error::Custom { message })
        if message.contains(combinator) && message.contains("kaboom"))
}

#[test]
fn a_panic_in_a_map_closure_fails_every_reader_with_the_same_error() {
    let mapped = Future::ready(1u32).map(|_| -> u32 { panic!("kaboom") });
    let first = mapped.get();
    assert!(is_closure_panic(&first, "Future::map"), "{first:?}");
    assert_eq!(mapped.get(), first);
    assert_eq!(mapped.get_timeout(Duration::ZERO), first);
    assert_eq!(block_on(mapped.clone().into_future(), || ()).output, first);
    assert_eq!(mapped.wait(), first);
}

#[test]
fn a_panic_in_filter_or_reduce_fails_every_reader_with_the_same_error() {
    let source = Future::ready(vec![1u32, 2]);
    let filtered = source.filter(|_| panic!("kaboom")).map(|v| v.len() as u32);
    let reduced = source.reduce(|_, _| panic!("kaboom"));
    let folded = source.reduce_with(0u32, |_, _| panic!("kaboom"));
    for (future, combinator) in [
        (filtered, "Future::filter"),
        (reduced, "Future::reduce"),
        (folded, "Future::reduce_with"),
    ] {
        let first = future.get();
        assert!(is_closure_panic(&first, combinator), "{combinator}: {first:?}");
        assert_eq!(future.get(), first, "{combinator}");
    }
}

#[test]
fn readers_racing_on_a_panicking_map_all_get_the_same_error() {
    for _ in 0..50 {
        let (promise, source) = Promise::<u32>::new();
        let mapped = source.map(|_| -> u32 { panic!("kaboom") });
        let barrier = Arc::new(std::sync::Barrier::new(4));
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let (mapped, barrier) = (mapped.clone(), barrier.clone());
                spawn("reader", move || {
                    barrier.wait();
                    mapped.get_timeout(DEFAULT_TIMEOUT)
                })
            })
            .collect();
        barrier.wait();
        promise.set(1);
        for reader in readers {
            let result = reader.join().unwrap();
            assert!(is_closure_panic(&result, "Future::map"), "{result:?}");
        }
    }
}

// --- get_all_settled (issue 11, section 5) ----------------------------------------------------

#[test]
fn get_all_settled_returns_every_outcome_under_one_deadline() {
    let (_never, slow) = Promise::<u32>::new();
    let (late_p, late) = Promise::<u32>::new();
    late_p.set(5);
    let futures = [
        Future::ready(1),
        Future::failed(Error::custom("broken backend")),
        slow,
        late,
    ];
    let outcomes = get_all_settled(&futures, Some(Duration::from_millis(20)));
    assert_eq!(outcomes.len(), 4);
    assert_eq!(outcomes[0], Ok(1));
    assert_eq!(outcomes[1], Err(Error::custom("broken backend")));
    assert!(outcomes[2].as_ref().unwrap_err().is_timeout(), "{outcomes:?}");
    assert!(
        matches!(&outcomes[2], Err(Error::Timeout { after, .. }) if *after == Duration::from_millis(20)),
        "a timeout reports the caller's whole timeout: {outcomes:?}"
    );
    assert_eq!(
        outcomes[3],
        Ok(5),
        "a value already there after the deadline is still returned"
    );
}

#[test]
fn get_all_settled_without_a_timeout_waits_for_every_future() {
    let (promises, futures): (Vec<_>, Vec<_>) = (0..3).map(|_| Promise::<u32>::new()).unzip();
    let setter = spawn("setter", move || {
        for (n, p) in promises.into_iter().enumerate().rev() {
            if n == 1 {
                p.set_error(Error::custom("one"));
            } else {
                p.set(u32::try_from(n).unwrap());
            }
        }
    });
    let outcomes = get_all_settled(&futures, None);
    assert_eq!(outcomes, vec![Ok(0), Err(Error::custom("one")), Ok(2)]);
    setter.join().unwrap();
}

// --- An unread reply whose Drop panics (issue 11, section 2) ----------------------------------

/// A reply that panics when dropped, if told to.
#[derive(Debug)]
struct Touchy {
    explode: bool,
}

impl Drop for Touchy {
    fn drop(&mut self) {
        if self.explode && !std::thread::panicking() {
            panic!("touchy reply dropped");
        }
    }
}

/// Replies with a [`Touchy`] once its gate opens; counts its failures.
struct TouchyReplier {
    failures: Arc<AtomicUsize>,
}

impl Actor for TouchyReplier {
    type Message = (Latch, bool);
    type Reply = Touchy;
    fn on_receive(&mut self, _ctx: &Context<Self>, (gate, explode): (Latch, bool)) -> Result<Touchy, Unhandled> {
        gate.wait();
        Ok(Touchy { explode })
    }
    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &pykka::Failure) {
        self.failures.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_reply_whose_drop_panics_after_the_asker_gave_up_is_contained_and_logged() {
    let logs = crate::support::logs();
    let registry = ActorRegistry::new();
    let failures = Arc::new(AtomicUsize::new(0));
    let actor = TouchyReplier {
        failures: failures.clone(),
    }
    .start_in(&registry);
    let gate = Latch::new();
    // The asker gives up: once by dropping its future, once by timing out and dropping it.
    drop(actor.ask_future((gate.clone(), true)));
    let timed_out = actor.ask_future((gate.clone(), true));
    assert!(timed_out.clone().wait_timeout(Duration::ZERO).unwrap_err().is_timeout());
    drop(timed_out);
    gate.open();
    let opened = Latch::new();
    opened.open();
    let later = actor.ask_future((opened, false)).wait_timeout(DEFAULT_TIMEOUT);
    assert!(matches!(later, Ok(Touchy { explode: false })), "{later:?}");
    assert!(actor.is_alive());
    let errors = logs.at(actor.urn(), tracing::Level::ERROR);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for record in &errors {
        assert_eq!(record.target, "pykka");
        assert_eq!(record.actor.as_deref(), Some(actor.to_string().as_str()));
        assert!(record.message.contains("touchy reply dropped"), "{record:?}");
    }
    assert!(actor.stop());
    assert_eq!(failures.load(Ordering::SeqCst), 0, "on_failure must not run");
}

#[test]
fn get_all_reports_the_callers_whole_timeout() {
    let (_never, slow) = Promise::<u32>::new();
    let (_never_either, slower) = Promise::<u32>::new();
    let timeout = Duration::from_millis(20);
    let futures = [Future::ready(1), slow, slower];
    let error = get_all(&futures, Some(timeout)).unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == timeout),
        "{error:?}"
    );
    // Both unset futures report the whole timeout, though the second had nothing left of it.
    let outcomes = get_all_settled(&futures, Some(timeout));
    for outcome in &outcomes[1..] {
        assert!(
            matches!(outcome, Err(Error::Timeout { after, .. }) if *after == timeout),
            "{outcomes:?}"
        );
    }
}
