//! The pooled runtime: many actors on a few worker threads with the same blocking API (issue 15).
//!
//! Each test builds its own [`Pool`] and scoped registry, so tests run in parallel and their
//! thread counts are their own. Blocking chains, managed blocking and the thread cap are
//! exercised with channels and latches (never sleeps); every wait is bounded, so a pool that
//! deadlocks fails the test instead of hanging it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

use pykka::debug;
use pykka::{
    Actor, ActorId, ActorRef, ActorRegistry, Context, Error, Failure, ManualClock, Pool, RestartPolicy, Unhandled,
};

use crate::support::{DEFAULT_TIMEOUT, Events, Latch, LogRecord, logs, spawn};

/// A wait long enough for thousands of thread starts in a debug build on a loaded machine;
/// only ever reached when something is wrong.
const LONG_TIMEOUT: Duration = Duration::from_secs(120);

/// Polls `pred` until it holds (bounded): for pool counters, which have no event to wait on.
fn eventually(what: &str, timeout: Duration, mut pred: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !pred() {
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Shuts `pool` down and waits until its threads have ended.
fn shut_down(pool: &Pool) -> Vec<bool> {
    let stopped = pool.shutdown();
    eventually("the pool's threads have ended", DEFAULT_TIMEOUT, || pool.threads() == 0);
    stopped
}

// ---------------------------------------------------------------------------------------------
// A chain of blocking asks

/// A link of a chain: asks the next link and blocks on its reply; the last answers 0.
struct Link {
    next: Option<ActorRef<Link>>,
}

impl Actor for Link {
    type Message = ();
    type Reply = Result<u32, Error>;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<Self::Reply, Unhandled> {
        Ok(match &self.next {
            Some(next) => next.ask(()).and_then(|depth| depth).map(|depth| depth + 1),
            None => Ok(0),
        })
    }
}

/// Starts a chain of `len` links on `pool`; returns its head.
fn chain(pool: &Pool, registry: &ActorRegistry, len: u32) -> ActorRef<Link> {
    let mut next = None;
    for _ in 0..len {
        next = Some(pool.start_in(registry, Link { next }));
    }
    next.expect("a chain of at least one link")
}

fn a_get_chain_completes_on_a_two_worker_pool(len: u32) {
    let pool = Pool::builder()
        .workers(2)
        .max_threads(len as usize + 100)
        .name("pool-chain")
        .build();
    let registry = ActorRegistry::new();
    let head = chain(&pool, &registry, len);
    assert_eq!(head.ask_timeout((), LONG_TIMEOUT), Ok(Ok(len - 1)));
    // Each blocked link held a thread of its own: the pool grew past its workers, within its cap.
    assert!(pool.peak_threads() > pool.workers(), "{pool:?}");
    assert!(pool.peak_threads() <= pool.max_threads(), "{pool:?}");
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
    assert!(registry.is_empty());
}

/// Every link of the chain blocks a thread: the pool hands each blocked worker's place to a
/// spare, so 10,000 nested `get()`s complete on 2 workers.
#[test]
fn a_get_chain_ten_thousand_actors_deep_completes_on_a_two_worker_pool() {
    a_get_chain_completes_on_a_two_worker_pool(10_000);
}

// ---------------------------------------------------------------------------------------------
// Many actors blocked on one slow actor, at the thread cap

/// Holds its first message until the gate opens, then answers every ask.
struct Slow;

#[derive(Debug)]
enum SlowMsg {
    Hold(Latch),
    Work(u32),
}

impl Actor for Slow {
    type Message = SlowMsg;
    type Reply = u32;

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: SlowMsg) -> Result<u32, Unhandled> {
        match msg {
            // A plain (unmanaged) wait: this actor keeps its worker while it holds.
            SlowMsg::Hold(gate) => {
                gate.wait();
                Ok(0)
            }
            SlowMsg::Work(n) => Ok(n),
        }
    }
}

/// Asks the slow actor and blocks on it.
struct Waiter {
    slow: ActorRef<Slow>,
}

impl Actor for Waiter {
    type Message = u32;
    type Reply = Result<u32, Error>;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: u32) -> Result<Self::Reply, Unhandled> {
        Ok(self.slow.ask(SlowMsg::Work(n)))
    }
}

/// The WARN records of the pool named `name` (pool records carry no actor field).
fn pool_warnings(name: &str) -> Vec<LogRecord> {
    let prefix = format!("Pool {name} ");
    logs().matching(|r| r.level == tracing::Level::WARN && r.message.starts_with(&prefix))
}

#[test]
fn ten_thousand_pooled_actors_blocked_on_one_slow_actor_complete_within_the_thread_cap() {
    const NAME: &str = "pool-cap-test";
    logs();
    let pool = Pool::builder().workers(2).max_threads(16).name(NAME).build();
    let registry = ActorRegistry::new();
    let slow = pool.start_in(&registry, Slow);
    let gate = Latch::new();
    slow.tell(SlowMsg::Hold(gate.clone())).unwrap();
    let waiters: Vec<_> = (0..10_000)
        .map(|_| pool.start_in(&registry, Waiter { slow: slow.clone() }))
        .collect();
    let replies: Vec<_> = waiters.iter().zip(0..).map(|(w, n)| w.ask_future(n)).collect();
    // The waiters block their threads until the pool is at its cap and says so.
    eventually("the pool has warned about its cap", DEFAULT_TIMEOUT, || {
        !pool_warnings(NAME).is_empty()
    });
    assert_eq!(pool.peak_threads(), pool.max_threads(), "{pool:?}");
    gate.open();
    for (reply, n) in replies.into_iter().zip(0..) {
        let got = reply.get_timeout(LONG_TIMEOUT);
        let (blocked, queued) = (pool.blocked_threads(), slow.inbox_len());
        assert_eq!(
            got,
            Ok(Ok(n)),
            "{pool:?}: {blocked} threads blocked, {queued} asks queued at the slow actor"
        );
    }
    assert!(pool.peak_threads() <= pool.max_threads(), "{pool:?}");
    let warnings = pool_warnings(NAME);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].message.contains("it has 16 of its at most 16 threads"),
        "{warnings:?}"
    );
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}

/// Meets the other waiters at a barrier (so every worker is busy), then asks the slow actor.
struct Gathered {
    slow: ActorRef<Slow>,
    met: Arc<Barrier>,
}

impl Actor for Gathered {
    type Message = u32;
    type Reply = Result<u32, Error>;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: u32) -> Result<Self::Reply, Unhandled> {
        self.met.wait();
        Ok(self.slow.ask(SlowMsg::Work(n)))
    }
}

/// The smallest case of the cap: every thread of the pool blocks on an actor whose turn is
/// queued behind them. Nobody is left to run it unless the pool goes past its cap (or runs it
/// on a blocked thread), so this deadlocks the pool: see the report of issue 15's tests.
#[test]
fn pooled_actors_that_fill_the_thread_cap_waiting_on_an_idle_actor_complete() {
    let pool = Pool::builder().workers(2).max_threads(2).name("pool-cap-min").build();
    let registry = ActorRegistry::new();
    let slow = pool.start_in(&registry, Slow);
    assert_eq!(slow.ask_timeout(SlowMsg::Work(0), DEFAULT_TIMEOUT), Ok(0));
    let met = Arc::new(Barrier::new(2));
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let (slow, met) = (slow.clone(), met.clone());
            pool.start_in(&registry, Gathered { slow, met })
        })
        .collect();
    let replies: Vec<_> = waiters.iter().zip(1..).map(|(w, n)| w.ask_future(n)).collect();
    for (reply, n) in replies.into_iter().zip(1..) {
        let got = reply.get_timeout(DEFAULT_TIMEOUT);
        let blocked = pool.blocked_threads();
        assert_eq!(got, Ok(Ok(n)), "{pool:?}: {blocked} threads blocked");
    }
    assert!(pool.peak_threads() <= pool.max_threads(), "{pool:?}");
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}

// ---------------------------------------------------------------------------------------------
// Deadlock detection

/// Asks its peer and blocks on it.
struct Peer {
    peer: Option<ActorRef<Peer>>,
}

#[derive(Debug)]
enum PeerMsg {
    Meet(ActorRef<Peer>),
    Hop,
}

impl Actor for Peer {
    type Message = PeerMsg;
    type Reply = Result<u32, Error>;

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: PeerMsg) -> Result<Self::Reply, Unhandled> {
        Ok(match msg {
            PeerMsg::Meet(peer) => {
                self.peer = Some(peer);
                Ok(0)
            }
            PeerMsg::Hop => match &self.peer {
                Some(peer) => peer.ask(PeerMsg::Hop).and_then(|n| n).map(|n| n + 1),
                None => Ok(0),
            },
        })
    }
}

#[test]
fn an_ask_cycle_between_two_pooled_actors_is_reported_as_a_deadlock() {
    let pool = Pool::builder().workers(2).name("pool-deadlock").build();
    let registry = ActorRegistry::new();
    let a = pool.start_in(&registry, Peer { peer: None });
    let b = pool.start_in(&registry, Peer { peer: None });
    for actor in [&a, &b] {
        debug::set_actor_deadlock_detection(actor.id(), Some(true));
    }
    a.ask_timeout(PeerMsg::Meet(b.clone()), DEFAULT_TIMEOUT)
        .unwrap()
        .unwrap();
    b.ask_timeout(PeerMsg::Meet(a.clone()), DEFAULT_TIMEOUT)
        .unwrap()
        .unwrap();
    let err = match a.ask_timeout(PeerMsg::Hop, DEFAULT_TIMEOUT) {
        Ok(Err(e)) | Err(e) => e,
        Ok(Ok(n)) => panic!("expected a deadlock error, got {n}"),
    };
    let Error::Deadlock { cycle } = &err else {
        panic!("expected Error::Deadlock, got {err:?}");
    };
    let mut members: Vec<&ActorId> = cycle.iter().collect();
    members.sort_by(|x, y| x.urn().cmp(y.urn()));
    let mut expected = vec![a.id(), b.id()];
    expected.sort_by(|x, y| x.urn().cmp(y.urn()));
    assert_eq!(members, expected, "{err}");
    assert!(err.to_string().starts_with("deadlock: Peer ("), "{err}");
    // Both are still alive and answer.
    assert_eq!(b.ask_timeout(PeerMsg::Meet(b.clone()), DEFAULT_TIMEOUT), Ok(Ok(0)));
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}

// ---------------------------------------------------------------------------------------------
// Per-actor FIFO and no concurrent handlers

/// Checks, per sender, that sequence numbers arrive in order, and that no handler of it ever
/// starts while another runs.
struct Sink {
    in_handler: Arc<AtomicBool>,
    next: HashMap<u32, u32>,
    overlaps: u32,
    out_of_order: Vec<(u32, u32, u32)>,
    handled: u64,
}

#[derive(Debug)]
enum SinkMsg {
    /// From sender `.0`, its `.1`-th message.
    Seq(u32, u32),
    /// Replies with (handled, overlaps, out-of-order records).
    Report,
}

type SinkReport = (u64, u32, Vec<(u32, u32, u32)>);

impl Actor for Sink {
    type Message = SinkMsg;
    type Reply = Option<SinkReport>;

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: SinkMsg) -> Result<Self::Reply, Unhandled> {
        if self.in_handler.swap(true, Ordering::SeqCst) {
            self.overlaps += 1;
        }
        let reply = match msg {
            SinkMsg::Seq(sender, seq) => {
                let expected = self.next.entry(sender).or_insert(0);
                if seq != *expected {
                    self.out_of_order.push((sender, *expected, seq));
                }
                *expected = seq + 1;
                self.handled += 1;
                // A little work, so a second handler would have time to overlap.
                for _ in 0..(seq % 8) {
                    std::hint::spin_loop();
                }
                None
            }
            SinkMsg::Report => Some((self.handled, self.overlaps, self.out_of_order.clone())),
        };
        self.in_handler.store(false, Ordering::SeqCst);
        Ok(reply)
    }
}

/// A pooled sender: on `n`, sends `n` numbered messages to the sink as sender `id`.
struct Sender {
    id: u32,
    sink: ActorRef<Sink>,
}

impl Actor for Sender {
    type Message = u32;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, n: u32) -> Result<(), Unhandled> {
        for seq in 0..n {
            self.sink.tell(SinkMsg::Seq(self.id, seq)).unwrap();
        }
        Ok(())
    }
}

#[test]
fn a_pooled_actor_keeps_per_sender_order_and_never_runs_two_handlers_at_once_under_contention() {
    const ROUNDS: u32 = 100;
    const THREADS: u32 = 4;
    const ACTORS: u32 = 16;
    const PER_SENDER: u32 = 500;
    // A small budget: the sink yields and is rescheduled often.
    let pool = Pool::builder().workers(3).budget(4).name("pool-fifo").build();
    let registry = ActorRegistry::new();
    for round in 0..ROUNDS {
        let sink = pool.start_in(
            &registry,
            Sink {
                in_handler: Arc::new(AtomicBool::new(false)),
                next: HashMap::new(),
                overlaps: 0,
                out_of_order: Vec::new(),
                handled: 0,
            },
        );
        let senders: Vec<_> = (0..ACTORS)
            .map(|id| {
                pool.start_in(
                    &registry,
                    Sender {
                        id: THREADS + id,
                        sink: sink.clone(),
                    },
                )
            })
            .collect();
        let start = Arc::new(Barrier::new(THREADS as usize + 1));
        let threads: Vec<_> = (0..THREADS)
            .map(|id| {
                let (sink, start) = (sink.clone(), start.clone());
                spawn("fifo-sender", move || {
                    start.wait();
                    for seq in 0..PER_SENDER {
                        sink.tell(SinkMsg::Seq(id, seq)).unwrap();
                    }
                })
            })
            .collect();
        start.wait();
        let sent: Vec<_> = senders.iter().map(|s| s.ask_future(PER_SENDER)).collect();
        for thread in threads {
            thread.join().unwrap();
        }
        for done in sent {
            done.get_timeout(DEFAULT_TIMEOUT).unwrap();
        }
        let (handled, overlaps, out_of_order) = sink
            .ask_timeout(SinkMsg::Report, DEFAULT_TIMEOUT)
            .unwrap()
            .expect("a report");
        assert_eq!(overlaps, 0, "round {round}: handlers overlapped");
        assert_eq!(out_of_order, [], "round {round}: (sender, expected, got)");
        assert_eq!(handled, u64::from((THREADS + ACTORS) * PER_SENDER), "round {round}");
        assert!(sink.stop());
        for sender in senders {
            assert!(sender.stop());
        }
    }
    assert!(registry.is_empty());
    assert!(shut_down(&pool).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Many actors

struct Echo;

impl Actor for Echo {
    type Message = u32;
    type Reply = u32;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: u32) -> Result<u32, Unhandled> {
        Ok(n)
    }
}

#[test]
fn a_hundred_thousand_pooled_actors_start_answer_and_stop_leaving_nothing_behind() {
    const ACTORS: u32 = 100_000;
    let pool = Pool::builder().workers(2).name("pool-many").build();
    let registry = ActorRegistry::new();
    let actors: Vec<_> = (0..ACTORS).map(|_| pool.start_in(&registry, Echo)).collect();
    assert_eq!(pool.actors(), ACTORS as usize);
    assert_eq!(registry.len(), ACTORS as usize);
    let replies: Vec<_> = actors.iter().zip(0..).map(|(a, n)| a.ask_future(n)).collect();
    for (reply, n) in replies.into_iter().zip(0..) {
        assert_eq!(reply.get_timeout(DEFAULT_TIMEOUT), Ok(n));
    }
    // Idle pooled actors hold no thread: the pool never grew past its workers.
    assert_eq!(pool.peak_threads(), pool.workers(), "{pool:?}");
    // 100,000 stops one after another: bounded generously, for a debug build on a loaded machine.
    let (tx, rx) = mpsc::channel();
    spawn("shutdown", {
        let pool = pool.clone();
        move || tx.send(pool.shutdown())
    });
    let stopped = rx.recv_timeout(LONG_TIMEOUT).expect("Pool::shutdown returned");
    assert_eq!(stopped.len(), ACTORS as usize);
    assert!(stopped.into_iter().all(|stopped| stopped));
    assert_eq!(pool.actors(), 0);
    assert!(registry.is_empty(), "{} left", registry.len());
    assert!(actors.iter().all(|a| !a.is_alive()));
    eventually("the pool's threads have ended", DEFAULT_TIMEOUT, || pool.threads() == 0);
}

// ---------------------------------------------------------------------------------------------
// Managed blocking

/// `Wait(rx)` blocks in `pykka::blocking` until `rx` yields; `Send(tx)` sends on `tx`.
struct Channel;

#[derive(Debug)]
enum ChannelMsg {
    Wait(Latch, mpsc::Receiver<u32>),
    Send(mpsc::Sender<u32>, u32),
}

impl Actor for Channel {
    type Message = ChannelMsg;
    type Reply = Option<u32>;

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: ChannelMsg) -> Result<Option<u32>, Unhandled> {
        Ok(match msg {
            ChannelMsg::Wait(entered, rx) => {
                entered.open();
                pykka::blocking(|| rx.recv_timeout(DEFAULT_TIMEOUT).ok())
            }
            ChannelMsg::Send(tx, n) => {
                tx.send(n).unwrap();
                None
            }
        })
    }
}

/// On one worker, A's wait can only end if B runs while A blocks: `pykka::blocking` hands
/// the worker's place to a spare thread.
#[test]
fn a_managed_blocking_wait_on_a_one_worker_pool_lets_the_actor_it_waits_for_run() {
    let pool = Pool::builder().workers(1).name("pool-handoff").build();
    let registry = ActorRegistry::new();
    let a = pool.start_in(&registry, Channel);
    let b = pool.start_in(&registry, Channel);
    for round in 0..20 {
        let (tx, rx) = mpsc::channel();
        let entered = Latch::new();
        let waited = a.ask_future(ChannelMsg::Wait(entered.clone(), rx));
        // A is inside its handler (holding the only permit) before B gets its message.
        entered.wait();
        b.tell(ChannelMsg::Send(tx, round)).unwrap();
        assert_eq!(waited.get_timeout(LONG_TIMEOUT), Ok(Some(round)), "round {round}");
    }
    assert!(pool.peak_threads() >= 2, "{pool:?}");
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}

// ---------------------------------------------------------------------------------------------
// Timers and restarts

/// Records what it handles (and reports ticks on `ticks`); `Arm` starts a single-shot timer.
struct Clocked {
    clock: ManualClock,
    log: Vec<String>,
    ticks: mpsc::Sender<String>,
}

#[derive(Clone, Debug)]
enum ClockedMsg {
    Arm(u64),
    Tick,
    Log,
}

impl Actor for Clocked {
    type Message = ClockedMsg;
    type Reply = Vec<String>;

    fn on_receive(&mut self, ctx: &Context<Self>, msg: ClockedMsg) -> Result<Vec<String>, Unhandled> {
        match msg {
            ClockedMsg::Arm(ms) => ctx
                .timers()
                .start_single("once", Duration::from_millis(ms), ClockedMsg::Tick),
            ClockedMsg::Tick => {
                let at = self.clock.elapsed().as_millis();
                self.log.push(format!("tick@{at}"));
                let _ = self.ticks.send(format!("tick@{at}"));
            }
            ClockedMsg::Log => return Ok(self.log.clone()),
        }
        Ok(Vec::new())
    }
}

#[test]
fn a_pooled_actors_single_shot_timer_fires_on_a_manual_clock() {
    let pool = Pool::builder().workers(2).name("pool-timers").build();
    let clock = ManualClock::new();
    let registry = ActorRegistry::with_clock(clock.clone());
    let (ticks, ticked) = mpsc::channel();
    let actor = pool.start_in(
        &registry,
        Clocked {
            clock: clock.clone(),
            log: Vec::new(),
            ticks,
        },
    );
    let log = || actor.ask_timeout(ClockedMsg::Log, DEFAULT_TIMEOUT).unwrap();
    actor.ask_timeout(ClockedMsg::Arm(10), DEFAULT_TIMEOUT).unwrap();
    clock.advance(Duration::from_millis(9));
    assert_eq!(log(), Vec::<String>::new());
    // The idle actor (no thread, nothing queued) is woken by the clock: the tick arrives
    // without anything else sent to it.
    clock.advance(Duration::from_millis(1));
    assert_eq!(ticked.recv_timeout(DEFAULT_TIMEOUT).as_deref(), Ok("tick@10"));
    assert_eq!(log(), ["tick@10"]);
    clock.advance(Duration::from_millis(100));
    assert_eq!(log(), ["tick@10"]);
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}

/// Real time: an idle pooled actor holds no thread, so its next timer arms a wake-up.
#[test]
fn a_pooled_actors_single_shot_timer_fires_in_real_time_while_it_is_idle() {
    let pool = Pool::builder().workers(2).name("pool-timers-rt").build();
    let registry = ActorRegistry::new();
    let (ticks, ticked) = mpsc::channel();
    let actor = pool.start_in(
        &registry,
        Clocked {
            clock: ManualClock::new(), // only for the log; never advanced
            log: Vec::new(),
            ticks,
        },
    );
    actor.ask_timeout(ClockedMsg::Arm(20), DEFAULT_TIMEOUT).unwrap();
    assert_eq!(ticked.recv_timeout(DEFAULT_TIMEOUT).as_deref(), Ok("tick@0"));
    assert_eq!(
        actor.ask_timeout(ClockedMsg::Log, DEFAULT_TIMEOUT),
        Ok(vec!["tick@0".to_owned()])
    );
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}

/// Panics on `true`; replies with its incarnation.
struct Fragile {
    incarnation: u32,
    events: Events,
}

impl Actor for Fragile {
    type Message = bool;
    type Reply = u32;

    fn on_start(&mut self, _ctx: &Context<Self>) {
        self.events.push(format!("start {}", self.incarnation));
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &Failure) {
        self.events.push(format!("failure {}", self.incarnation));
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, fail: bool) -> Result<u32, Unhandled> {
        assert!(!fail, "told to fail");
        Ok(self.incarnation)
    }
}

#[test]
fn a_failing_pooled_actor_is_restarted_in_place() {
    let pool = Pool::builder().workers(2).name("pool-restart").build();
    let registry = ActorRegistry::new();
    let events = Events::new();
    let count = Arc::new(AtomicU32::new(0));
    let actor = pool.start_restarting_in(&registry, RestartPolicy::permanent(), {
        let events = events.clone();
        move || Fragile {
            incarnation: count.fetch_add(1, Ordering::SeqCst) + 1,
            events: events.clone(),
        }
    });
    assert_eq!(actor.ask_timeout(false, DEFAULT_TIMEOUT), Ok(1));
    actor.tell(true).unwrap();
    // The same reference reaches the next incarnation, once it has started.
    events.wait_for("start 2");
    assert_eq!(actor.ask_timeout(false, DEFAULT_TIMEOUT), Ok(2));
    assert_eq!(events.snapshot(), ["start 1", "failure 1", "start 2"]);
    assert_eq!(registry.len(), 1);
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
    assert!(registry.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Shutdown

struct Recorded {
    n: u32,
    events: Events,
}

impl Actor for Recorded {
    type Message = ();
    type Reply = ();

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.events.push(format!("stop {}", self.n));
    }
}

#[test]
fn shutting_a_pool_down_stops_its_actors_last_started_first_and_refuses_new_ones() {
    let pool = Pool::builder().workers(2).name("pool-shutdown").build();
    let registry = ActorRegistry::new();
    let events = Events::new();
    for n in 0..5 {
        pool.start_in(
            &registry,
            Recorded {
                n,
                events: events.clone(),
            },
        );
    }
    assert_eq!(shut_down(&pool), [true; 5]);
    assert_eq!(events.snapshot(), ["stop 4", "stop 3", "stop 2", "stop 1", "stop 0"]);
    assert!(registry.is_empty());
    let refused = pool.try_start_in(
        &registry,
        Recorded {
            n: 5,
            events: events.clone(),
        },
    );
    match refused {
        Err(Error::StartFailed { actor, reason }) => {
            assert_eq!(actor.name(), "Recorded");
            assert!(reason.contains("pool-shutdown is shut down"), "{reason}");
        }
        other => panic!("expected Error::StartFailed, got {other:?}"),
    }
    assert!(registry.is_empty());
    assert_eq!(pool.actors(), 0);
}

// ---------------------------------------------------------------------------------------------
// A thread whose wait handed its worker's place to a spare

/// Blocks in `pykka::blocking` until the test sends it a line.
struct Listener {
    incoming: Arc<std::sync::Mutex<mpsc::Receiver<u32>>>,
}

impl Actor for Listener {
    type Message = ();
    type Reply = u32;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<u32, Unhandled> {
        let incoming = self.incoming.lock().unwrap();
        Ok(pykka::blocking(|| incoming.recv().unwrap()))
    }
}

/// After a wait hands a one-worker pool's place to a spare, the blocked thread finishes its
/// turn without a permit and waits for one. Work queued at that moment must still wake the
/// spare: the thread used to count itself as looking for work on its way out of the turn, so
/// a message sent then woke nobody and the pool stalled (seen as a hung doctest in CI).
#[test]
fn work_queued_while_a_blocked_thread_gives_up_its_turn_still_runs() {
    for round in 0..200 {
        let pool = Pool::builder().workers(1).name("pool-handed-back").build();
        let registry = ActorRegistry::new();
        let (tx, rx) = mpsc::channel();
        let listener = pool.start_in(
            &registry,
            Listener {
                incoming: Arc::new(std::sync::Mutex::new(rx)),
            },
        );
        let echo = pool.start_in(&registry, Echo);
        let line = listener.ask_future(());
        assert_eq!(echo.ask_timeout(1, DEFAULT_TIMEOUT), Ok(1), "round {round}");
        tx.send(round).unwrap();
        assert_eq!(line.get_timeout(DEFAULT_TIMEOUT), Ok(round), "round {round}");
        // Right after the listener's turn: the thread that ran it has no permit now.
        for n in 0..5 {
            assert_eq!(echo.ask_timeout(n, DEFAULT_TIMEOUT), Ok(n), "round {round}, ask {n}");
        }
        assert_eq!(
            registry.stop_all_timeout(DEFAULT_TIMEOUT),
            Ok(vec![true, true]),
            "round {round}"
        );
        pool.shutdown();
    }
}

// ---------------------------------------------------------------------------------------------
// Fairness

/// Counts what it handles into a shared counter; `Hold` blocks its worker until released.
struct Flood {
    handled: Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Debug)]
enum FloodMsg {
    Hold(Latch, mpsc::Receiver<()>),
    Inc,
}

impl Actor for Flood {
    type Message = FloodMsg;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: FloodMsg) -> Result<(), Unhandled> {
        match msg {
            FloodMsg::Hold(entered, release) => {
                entered.open();
                release.recv_timeout(LONG_TIMEOUT).expect("released");
            }
            FloodMsg::Inc => {
                self.handled.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}

/// Answers with how many messages the flooded actor had handled when its message came up.
struct Probe {
    handled: Arc<std::sync::atomic::AtomicU64>,
}

impl Actor for Probe {
    type Message = ();
    type Reply = u64;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<u64, Unhandled> {
        Ok(self.handled.load(Ordering::Relaxed))
    }
}

#[test]
fn an_actor_flooded_with_messages_lets_a_waiting_actor_run_after_one_budget() {
    const FLOOD: u64 = 100_000;
    const BUDGET: u32 = 64;
    let pool = Pool::builder().workers(1).budget(BUDGET).name("pool-fair").build();
    let registry = ActorRegistry::new();
    let handled = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let flood = pool.start_in(
        &registry,
        Flood {
            handled: handled.clone(),
        },
    );
    let probe = pool.start_in(
        &registry,
        Probe {
            handled: handled.clone(),
        },
    );
    for round in 0..5 {
        handled.store(0, Ordering::Relaxed);
        // The flooded actor holds the only worker while its flood and the probe queue up.
        let (release, held) = mpsc::channel();
        let entered = Latch::new();
        flood.tell(FloodMsg::Hold(entered.clone(), held)).unwrap();
        entered.wait();
        for _ in 0..FLOOD {
            flood.tell(FloodMsg::Inc).unwrap();
        }
        let seen = probe.ask_future(());
        release.send(()).unwrap();
        // The flooded actor's turn ends after its budget (the hold took one of it), because
        // the probe waits: it does not take its whole inbox at once.
        let seen = seen.get_timeout(LONG_TIMEOUT).expect("the probe answers");
        assert!(
            seen < u64::from(BUDGET),
            "round {round}: the probe ran after {seen} of {FLOOD}"
        );
        flood.ask(FloodMsg::Inc).unwrap();
        assert_eq!(handled.load(Ordering::Relaxed), FLOOD + 1, "round {round}");
    }
    assert!(shut_down(&pool).into_iter().all(|stopped| stopped));
}
