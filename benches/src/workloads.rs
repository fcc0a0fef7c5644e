//! The workloads, on pykka actors.
//!
//! The first nine are ports of the `raw` baseline of the shared anchors (`peers/src/raw.rs`:
//! one thread per actor, a crossbeam inbox, a fresh oneshot per ask): same calibration bounds,
//! same counts, same checks, with pykka's [`Actor`], [`ActorRef`] and [`Future`] in place of
//! hand-made threads and channels. Every workload starts its actors through
//! [`Runtime`], so the same code runs on threads or on the pool (`--runtime`). `restart` is pykka's own (the baseline has no restarts), and
//! so are `timers` and `delayed_sends`: 100k timers scheduled, half of them cancelled, the rest
//! fired (see [`timers`]).

use std::time::{Duration, Instant};

use pykka::{Actor, ActorRef, Context, Future, Promise, RestartPolicy, TimerHandle, Unhandled};

use super::common::{
    Config, FANOUT_K, MEMORY_ACTORS, RING_SIZE, Recorder, SPAWN_BATCH, Sample, TIMERS_N, TimerSample, bench_latency,
    bench_many, bench_memory, bench_rate, bench_timers, secs,
};
use super::runtime::Runtime;

/// Every workload, in the order a run without arguments goes through them.
pub(crate) const WORKLOADS: [&str; 12] = [
    "tell_throughput",
    "ask_roundtrip",
    "proxy_call_roundtrip",
    "spawn_stop",
    "fanout",
    "pingpong",
    "memory",
    "ring",
    "many_actors",
    "restart",
    "timers",
    "delayed_sends",
];

/// Runs one workload by name and prints its JSON line.
///
/// # Panics
///
/// If `workload` is not one of [`WORKLOADS`].
pub(crate) fn run(config: &Config, workload: &str) {
    match workload {
        "tell_throughput" => tell_throughput(config),
        "ask_roundtrip" => ask_roundtrip(config),
        "proxy_call_roundtrip" => proxy_call_roundtrip(config),
        "spawn_stop" => spawn_stop(config),
        "fanout" => fanout(config),
        "pingpong" => pingpong(config),
        "memory" => memory(config),
        "ring" => ring(config),
        "many_actors" => many_actors(config),
        "restart" => restart(config),
        "timers" => timers(config),
        "delayed_sends" => delayed_sends(config),
        other => panic!("unknown workload {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The counter actor used by every workload but pingpong.

/// A counter that can also echo: the actor of the baseline.
#[pykka::actor]
#[derive(Debug, Default)]
struct Counter {
    count: u64,
}

#[pykka::actor]
impl Counter {
    /// The method the proxy workload calls through the generated `CounterProxy`.
    pub(crate) fn add(&mut self, x: u64) -> u64 {
        x + 1
    }
}

/// The counter's plain messages.
#[derive(Debug)]
enum CounterMsg {
    /// Count one (sent by tell; the reply is dropped).
    Inc,
    /// Reply with the count.
    Get,
    /// Reply with the number plus one.
    Echo(u64),
}

impl Actor for Counter {
    type Message = CounterMsg;
    type Reply = u64;

    fn on_receive(&mut self, _ctx: &Context<Self>, message: CounterMsg) -> Result<u64, Unhandled> {
        Ok(match message {
            CounterMsg::Inc => {
                self.count += 1;
                self.count
            }
            CounterMsg::Get => self.count,
            CounterMsg::Echo(x) => x + 1,
        })
    }
}

/// Counters that are stopped together when dropped: every stop is sent before any is
/// awaited.
#[derive(Debug)]
struct Fleet {
    actors: Vec<ActorRef<Counter>>,
}

impl Fleet {
    /// Starts `k` counters on `runtime`.
    fn start(runtime: Runtime, k: usize) -> Self {
        Fleet {
            actors: start_counters(runtime, k),
        }
    }

    /// The first counter, for the single-actor workloads.
    fn first(&self) -> &ActorRef<Counter> {
        &self.actors[0]
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        stop_all(&self.actors);
    }
}

fn start_counters(runtime: Runtime, k: usize) -> Vec<ActorRef<Counter>> {
    (0..k).map(|_| runtime.start(Counter::default())).collect()
}

/// Sends every actor a stop without waiting, then waits for each to stop and joins its thread.
fn stop_all<A: Actor>(actors: &[ActorRef<A>]) {
    let stops: Vec<Future<bool>> = actors.iter().map(ActorRef::stop_future).collect();
    for (actor, stop) in actors.iter().zip(stops) {
        assert!(matches!(stop.wait(), Ok(true)), "{actor} did not stop cleanly");
        actor.join().expect("joined from outside the actor");
    }
}

// ---------------------------------------------------------------------------------------------
// Workloads.

/// One actor; the driver tells N increments, then one ask waits for all of them.
fn tell_throughput(config: &Config) {
    let fleet = Fleet::start(config.runtime, 1);
    let counter = fleet.first();
    bench_rate(config, "tell_throughput", "msgs/s", 1000, 50_000_000, |n| {
        let t = Instant::now();
        for _ in 0..n {
            counter.tell(CounterMsg::Inc).expect("the counter is alive");
        }
        counter.ask(CounterMsg::Get).expect("the counter replies");
        Sample::rate(secs(t), n)
    });
}

/// N sequential blocking asks: send `i`, get `i + 1` back.
fn ask_roundtrip(config: &Config) {
    let fleet = Fleet::start(config.runtime, 1);
    let counter = fleet.first();
    bench_latency(config, "ask_roundtrip", 1000, 20_000_000, |n| {
        let mut recorder = Recorder::new(n);
        for i in 0..n {
            let start = Instant::now();
            let reply = counter.ask(CounterMsg::Echo(i)).expect("the counter replies");
            recorder.push(start);
            assert_eq!(reply, i + 1);
        }
        recorder.finish()
    });
}

/// N sequential `proxy.add(i).get()` calls.
fn proxy_call_roundtrip(config: &Config) {
    let fleet = Fleet::start(config.runtime, 1);
    let proxy = fleet.first().proxy().expect("the counter is alive");
    bench_latency(config, "proxy_call_roundtrip", 1000, 20_000_000, |n| {
        let mut recorder = Recorder::new(n);
        for i in 0..n {
            let start = Instant::now();
            let reply = proxy.add(i).get().expect("the counter replies");
            recorder.push(start);
            assert_eq!(reply, i + 1);
        }
        recorder.finish()
    });
}

/// Cycles of: start SPAWN_BATCH actors, then stop them all and wait until every one has
/// stopped.
fn spawn_stop(config: &Config) {
    bench_rate(config, "spawn_stop", "actors/s", 1, 100_000, |cycles| {
        let t = Instant::now();
        for _ in 0..cycles {
            let actors = start_counters(config.runtime, SPAWN_BATCH);
            stop_all(&actors);
        }
        Sample::rate(secs(t), cycles * SPAWN_BATCH as u64)
    });
}

/// FANOUT_K actors started beforehand; the driver tells N increments round-robin, then asks
/// each actor once.
fn fanout(config: &Config) {
    let fleet = Fleet::start(config.runtime, FANOUT_K);
    bench_rate(config, "fanout", "msgs/s", 1000, 50_000_000, |n| {
        let per_actor = (n / FANOUT_K as u64).max(1);
        let t = Instant::now();
        for _ in 0..per_actor {
            for counter in &fleet.actors {
                counter.tell(CounterMsg::Inc).expect("the counter is alive");
            }
        }
        for counter in &fleet.actors {
            counter.ask(CounterMsg::Get).expect("the counter replies");
        }
        Sample::rate(secs(t), per_actor * FANOUT_K as u64)
    });
}

// ---------------------------------------------------------------------------------------------
// Pingpong: two actors bouncing a counter by tell.

/// Counts the completed round trips; resolves `done` after the last one.
#[derive(Debug)]
struct Ping {
    rounds: u64,
    pong: Option<ActorRef<Pong>>,
    done: Option<Promise<u64>>,
}

#[derive(Debug)]
enum PingMsg {
    /// The partner to bounce to (sent once, before the ball).
    Partner(ActorRef<Pong>),
    /// The number of round trips completed so far.
    Ball(u64),
}

impl Actor for Ping {
    type Message = PingMsg;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, message: PingMsg) -> Result<(), Unhandled> {
        match message {
            PingMsg::Partner(pong) => self.pong = Some(pong),
            PingMsg::Ball(k) if k < self.rounds => {
                let pong = self.pong.as_ref().expect("the partner is set before the ball");
                pong.tell(k).expect("pong is alive");
            }
            PingMsg::Ball(k) => {
                if let Some(done) = self.done.take() {
                    done.set(k);
                }
            }
        }
        Ok(())
    }
}

/// Answers every ball `k` with `k + 1`.
#[derive(Debug)]
struct Pong {
    ping: ActorRef<Ping>,
}

impl Actor for Pong {
    type Message = u64;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, k: u64) -> Result<(), Unhandled> {
        // Ping may already be stopping once the last ball is back; that is fine.
        let _ = self.ping.tell(PingMsg::Ball(k + 1));
        Ok(())
    }
}

/// Two fresh actors per run bounce a counter until N round trips are done; the driver waits
/// on a pykka future.
fn pingpong(config: &Config) {
    bench_rate(config, "pingpong", "roundtrips/s", 100, 50_000_000, |n| {
        let (done, finished) = Promise::new();
        let ping = config.runtime.start(Ping {
            rounds: n,
            pong: None,
            done: Some(done),
        });
        let pong = config.runtime.start(Pong { ping: ping.clone() });
        ping.tell(PingMsg::Partner(pong.clone())).expect("ping is alive");
        let t = Instant::now();
        ping.tell(PingMsg::Ball(0)).expect("ping is alive");
        let got = finished.wait().expect("ping finishes");
        let elapsed = secs(t);
        assert_eq!(got, n);
        ping.stop();
        pong.stop();
        Sample::rate(elapsed, n)
    });
}

// ---------------------------------------------------------------------------------------------
// Memory.

/// RSS growth per idle actor: each repetition adds MEMORY_ACTORS counters that have each
/// handled one ask, keeping the earlier ones alive.
fn memory(config: &Config) {
    bench_memory(config, |m| {
        debug_assert_eq!(m, MEMORY_ACTORS);
        let fleet = Fleet::start(config.runtime, m);
        for (i, counter) in fleet.actors.iter().enumerate() {
            let i = i as u64;
            assert_eq!(counter.ask(CounterMsg::Echo(i)).expect("the counter replies"), i + 1);
        }
        fleet
    });
}

// ---------------------------------------------------------------------------------------------
// Ring: the classic Erlang ring, every hop wakes a different actor.

/// One node of the ring: passes the token on to the next node, one hop less.
#[derive(Debug)]
struct RingNode {
    /// Where the node stands in the ring (what it answers when the token ends with it).
    index: usize,
    /// The next node, set once by [`RingMsg::Link`] before any token.
    next: Option<ActorRef<RingNode>>,
    /// Completed with `index` when the token ends here; set by [`RingMsg::Arm`].
    done: Option<Promise<usize>>,
}

#[derive(Debug)]
enum RingMsg {
    /// The next node of the ring.
    Link(ActorRef<RingNode>),
    /// The promise to complete when the token ends at this node (sent by ask, so it is acked).
    Arm(Promise<usize>),
    /// The token with its remaining hops: passed on as `k - 1`, or, at 0, the end.
    Token(u64),
}

impl Actor for RingNode {
    type Message = RingMsg;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, message: RingMsg) -> Result<(), Unhandled> {
        match message {
            RingMsg::Token(0) => match self.done.take() {
                Some(done) => done.set(self.index),
                // Cannot happen with the driver below; if it did, the driver's bounded wait
                // would fail the run rather than hang.
                None => panic!("the token ended at node {}, which was not armed", self.index),
            },
            RingMsg::Token(k) => {
                let next = self.next.as_ref().expect("the ring is linked before any token");
                next.tell(RingMsg::Token(k - 1)).expect("the next node is alive");
            }
            RingMsg::Link(next) => self.next = Some(next),
            RingMsg::Arm(done) => self.done = Some(done),
        }
        Ok(())
    }
}

/// RING_SIZE nodes started and linked once (not timed); each run arms node N mod RING_SIZE
/// (by ask, not timed), tells node 0 the token N, and waits for the armed node to answer with
/// its index, which must be N mod RING_SIZE.
fn ring(config: &Config) {
    let ring: Vec<ActorRef<RingNode>> = (0..RING_SIZE)
        .map(|index| {
            config.runtime.start(RingNode {
                index,
                next: None,
                done: None,
            })
        })
        .collect();
    for (i, node) in ring.iter().enumerate() {
        let next = ring[(i + 1) % RING_SIZE].clone();
        node.ask(RingMsg::Link(next)).expect("the node is alive");
    }
    // A bound on one run that no working ring comes near (a run lasts about the target), so
    // that a lost token fails the run instead of hanging it.
    let bound = Duration::from_secs_f64(60.0 + 100.0 * config.target);
    bench_rate(config, "ring", "hops/s", 1000, 50_000_000, |n| {
        let last = (n % RING_SIZE as u64) as usize;
        let (done, finished) = Promise::new();
        ring[last].ask(RingMsg::Arm(done)).expect("the node is alive");
        let t = Instant::now();
        ring[0].tell(RingMsg::Token(n)).expect("node 0 is alive");
        let got = finished.wait_timeout(bound).expect("the token comes back");
        let elapsed = secs(t);
        assert_eq!(got, last, "the token ended at node N mod {RING_SIZE}");
        Sample::rate(elapsed, n)
    });
    stop_all(&ring);
}

// ---------------------------------------------------------------------------------------------
// Many actors.

/// Each repetition builds up K counters from nothing (`--actors K`): start each and tell it
/// one increment, then ask every one for its count (all K asks in flight, then every reply
/// awaited, each 1); then stops them all. A start that fails (thread or memory limits) ends
/// the workload with an error line, after stopping the actors already started.
fn many_actors(config: &Config) {
    bench_many(
        config,
        |k| {
            let mut actors = Vec::with_capacity(k);
            for _ in 0..k {
                match config.runtime.try_start(Counter::default()) {
                    Ok(counter) => {
                        counter.tell(CounterMsg::Inc).expect("the counter is alive");
                        actors.push(counter);
                    }
                    Err(error) => {
                        let reason = format!("start failed after {} actors: {error}", actors.len());
                        return Err((Fleet { actors }, reason));
                    }
                }
            }
            let replies: Vec<Future<u64>> = actors.iter().map(|c| c.ask_future(CounterMsg::Get)).collect();
            for reply in replies {
                assert_eq!(reply.wait().expect("the counter replies"), 1);
            }
            Ok(Fleet { actors })
        },
        drop,
    );
}

// ---------------------------------------------------------------------------------------------
// Restart in place.

/// An actor restarted in place: it panics on `Fail` and tells which incarnation it is.
#[derive(Debug)]
struct Phoenix {
    incarnation: u64,
}

#[derive(Debug)]
enum PhoenixMsg {
    /// Panics: a failure when told.
    Fail,
    /// Replies with the incarnation number.
    Incarnation,
}

impl Actor for Phoenix {
    type Message = PhoenixMsg;
    type Reply = u64;

    fn on_receive(&mut self, _ctx: &Context<Self>, message: PhoenixMsg) -> Result<u64, Unhandled> {
        match message {
            PhoenixMsg::Fail => panic!("failing on purpose"),
            PhoenixMsg::Incarnation => Ok(self.incarnation),
        }
    }
}

/// N sequential restarts of one actor started with `start_restarting`: each measures the time
/// from a failing tell to the reply of the new incarnation to an ask sent right behind it
/// (the panic, `on_failure`, dropping the state, the policy's decision, the factory and
/// `on_start`, then the ask).
fn restart(config: &Config) {
    // The panics are pykka's to handle: keep the default hook from printing each one.
    pykka::quiet_handled_panics();
    // A zero window forgets each restart at once: no intensity limit, and no backoff.
    let policy = RestartPolicy::permanent().intensity(u32::MAX, Duration::ZERO);
    let mut incarnations = 0;
    let actor = config.runtime.start_restarting(policy, move || {
        incarnations += 1;
        Phoenix {
            incarnation: incarnations,
        }
    });
    let mut expected = actor.ask(PhoenixMsg::Incarnation).expect("the actor replies");
    bench_latency(config, "restart", 100, 5_000_000, |n| {
        let mut recorder = Recorder::new(n);
        for _ in 0..n {
            let start = Instant::now();
            actor.tell(PhoenixMsg::Fail).expect("the actor is alive");
            let incarnation = actor.ask(PhoenixMsg::Incarnation).expect("the new incarnation replies");
            recorder.push(start);
            expected += 1;
            assert_eq!(incarnation, expected, "one restart per failure");
        }
        recorder.finish()
    });
    stop_all(&[actor]);
}

// ---------------------------------------------------------------------------------------------
// Timers.
//
// Each repetition has two phases, both with TIMERS_N timers at random due times (scheduled in
// random due order, so the heap does real work):
// 1. cost: TIMERS_N timers due in an hour are scheduled (timed), every other one is cancelled
//    (timed), then the rest are cancelled (not timed);
// 2. lateness: TIMERS_N timers due over a window of `config.target` seconds (starting after a
//    margin of twice phase 1's cost plus 20 ms, so that none is due before all are scheduled)
//    are scheduled, every other one cancelled, and each of the others records, when it is
//    handled, how long after its due time that was. A cancelled timer that fires fails the
//    run.
// The due time a timer records is read just before it is scheduled, so the lateness measured
// includes the scheduling call (a few hundred nanoseconds at most).

/// A xorshift generator: random due times without a dependency.
#[derive(Debug)]
struct Xorshift(u64);

impl Xorshift {
    /// A random duration in `0..window`.
    fn below(&mut self, window: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Duration::from_nanos(self.0 % window.as_nanos().max(1) as u64)
    }
}

/// The margin before the first due time of phase 2: twice phase 1's cost, plus 20 ms.
fn margin(schedule_ns: u64, cancel_ns: u64) -> Duration {
    Duration::from_nanos(2 * (schedule_ns + cancel_ns)) + Duration::from_millis(20)
}

/// Records the lateness of the timers that fire; resolves `done` once `expected` have.
#[derive(Debug, Default)]
struct Lateness {
    late_ns: Vec<u64>,
    expected: usize,
    done: Option<Promise<Vec<u64>>>,
}

impl Lateness {
    /// Records a timer that was due at `due`.
    fn fired(&mut self, due: Instant) {
        self.late_ns
            .push(Instant::now().saturating_duration_since(due).as_nanos() as u64);
        self.check();
    }

    /// Waits for `expected` firings, and resolves `done` with their lateness.
    fn expect(&mut self, expected: usize, done: Promise<Vec<u64>>) {
        self.expected = expected;
        self.done = Some(done);
        self.check();
    }

    fn check(&mut self) {
        if self.late_ns.len() == self.expected
            && let Some(done) = self.done.take()
        {
            done.set(std::mem::take(&mut self.late_ns));
        }
    }
}

/// The actor of the `timers` workload: schedules and cancels its own timers.
#[derive(Debug, Default)]
struct TimerOwner {
    lateness: Lateness,
    random: u64,
}

#[derive(Debug)]
enum TimerMsg {
    /// Phase 1: replies with the nanoseconds to schedule TIMERS_N timers and to cancel half.
    Cost,
    /// Phase 2: schedules TIMERS_N timers due after `margin` over `window`, cancels half, and
    /// resolves `done` once the others have fired.
    Lateness {
        margin: Duration,
        window: Duration,
        done: Promise<Vec<u64>>,
    },
    /// A timer fired: it was `key`, due at `due`.
    Fire { key: u64, due: Instant },
}

impl Actor for TimerOwner {
    type Message = TimerMsg;
    type Reply = (u64, u64);

    fn on_receive(&mut self, ctx: &Context<Self>, message: TimerMsg) -> Result<(u64, u64), Unhandled> {
        let timers = ctx.timers();
        let mut random = Xorshift(self.random | 1);
        let reply = match message {
            TimerMsg::Cost => {
                let hour = Duration::from_secs(3600);
                let now = Instant::now();
                let t = Instant::now();
                for key in 0..TIMERS_N as u64 {
                    let delay = hour + random.below(Duration::from_secs(1));
                    timers.start_single(key, delay, TimerMsg::Fire { key, due: now + delay });
                }
                let schedule = t.elapsed().as_nanos() as u64;
                let t = Instant::now();
                for key in (1..TIMERS_N as u64).step_by(2) {
                    assert!(timers.cancel(&key), "timer {key} was pending");
                }
                let cancel = t.elapsed().as_nanos() as u64;
                assert_eq!(timers.len(), TIMERS_N / 2);
                timers.cancel_all();
                (schedule, cancel)
            }
            TimerMsg::Lateness { margin, window, done } => {
                for key in 0..TIMERS_N as u64 {
                    let delay = margin + random.below(window);
                    let due = Instant::now() + delay;
                    timers.start_single(key, delay, TimerMsg::Fire { key, due });
                }
                for key in (1..TIMERS_N as u64).step_by(2) {
                    assert!(timers.cancel(&key), "timer {key} was pending");
                }
                self.lateness.expect(TIMERS_N / 2, done);
                (0, 0)
            }
            TimerMsg::Fire { key, due } => {
                assert_eq!(key % 2, 0, "cancelled timer {key} fired");
                self.lateness.fired(due);
                (0, 0)
            }
        };
        self.random = random.0;
        Ok(reply)
    }
}

/// Timers owned by one actor (`Context::timers`), scheduled and cancelled from its handler,
/// served by its receive loop.
fn timers(config: &Config) {
    let owner = config.runtime.start(TimerOwner {
        random: 0x9e37_79b9_7f4a_7c15,
        ..TimerOwner::default()
    });
    let window = Duration::from_secs_f64(config.target.max(0.05));
    bench_timers(config, "timers", || {
        let t = Instant::now();
        let (schedule_ns, cancel_ns) = owner.ask(TimerMsg::Cost).expect("the owner replies");
        let (done, fired) = Promise::new();
        owner
            .tell(TimerMsg::Lateness {
                margin: margin(schedule_ns, cancel_ns),
                window,
                done,
            })
            .expect("the owner is alive");
        let lateness_ns = fired.wait().expect("every timer that was not cancelled fires");
        TimerSample {
            schedule_ns,
            cancel_ns,
            lateness_ns,
            elapsed: secs(t),
        }
    });
    stop_all(&[owner]);
}

/// The target of the `delayed_sends` workload: records when each send arrives.
#[derive(Debug, Default)]
struct Sink {
    lateness: Lateness,
}

#[derive(Debug)]
enum SinkMsg {
    /// Resolve the promise once this many sends have arrived.
    Expect(usize, Promise<Vec<u64>>),
    /// A delayed send due at this time.
    Fire(Instant),
}

impl Actor for Sink {
    type Message = SinkMsg;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, message: SinkMsg) -> Result<(), Unhandled> {
        match message {
            SinkMsg::Expect(n, done) => self.lateness.expect(n, done),
            SinkMsg::Fire(due) => self.lateness.fired(due),
        }
        Ok(())
    }
}

/// Delayed sends (`ActorRef::tell_after`) from the driver's thread to one actor, served by the
/// shared timer thread; cancelled through their handles.
fn delayed_sends(config: &Config) {
    let sink = config.runtime.start(Sink::default());
    let window = Duration::from_secs_f64(config.target.max(0.05));
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    bench_timers(config, "delayed_sends", || {
        let t = Instant::now();
        // 1. Cost.
        let hour = Duration::from_secs(3600);
        let now = Instant::now();
        let start = Instant::now();
        let handles: Vec<TimerHandle> = (0..TIMERS_N)
            .map(|_| {
                let delay = hour + random.below(Duration::from_secs(1));
                sink.tell_after(delay, SinkMsg::Fire(now + delay))
            })
            .collect();
        let schedule_ns = start.elapsed().as_nanos() as u64;
        let start = Instant::now();
        for handle in handles.iter().skip(1).step_by(2) {
            assert!(handle.cancel(), "the send was pending");
        }
        let cancel_ns = start.elapsed().as_nanos() as u64;
        for handle in handles.iter().step_by(2) {
            assert!(handle.cancel(), "the send was pending");
        }
        // 2. Lateness: the timer thread may start delivering before all are cancelled, if
        // the margin was short; count what was cancelled.
        let margin = margin(schedule_ns, cancel_ns);
        let handles: Vec<TimerHandle> = (0..TIMERS_N)
            .map(|_| {
                let delay = margin + random.below(window);
                let due = Instant::now() + delay;
                sink.tell_after(delay, SinkMsg::Fire(due))
            })
            .collect();
        let cancelled = handles.iter().skip(1).step_by(2).filter(|h| h.cancel()).count();
        let (done, fired) = Promise::new();
        sink.tell(SinkMsg::Expect(TIMERS_N - cancelled, done))
            .expect("the sink is alive");
        let lateness_ns = fired.wait().expect("every send that was not cancelled arrives");
        TimerSample {
            schedule_ns,
            cancel_ns,
            lateness_ns,
            elapsed: secs(t),
        }
    });
    stop_all(&[sink]);
}
