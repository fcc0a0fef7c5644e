//! The workloads, on pykka actors.
//!
//! The first seven are ports of the `raw` baseline of the shared anchors (`peers/src/raw.rs`:
//! one thread per actor, a crossbeam inbox, a fresh oneshot per ask): same calibration bounds,
//! same counts, same checks, with pykka's [`Actor`], [`ActorRef`] and [`Future`] in place of
//! hand-made threads and channels. `restart` is pykka's own (the baseline has no restarts).

use std::time::{Duration, Instant};

use pykka::{Actor, ActorRef, Context, Future, Promise, RestartPolicy, Unhandled};

use super::common::{
    Config, FANOUT_K, MEMORY_ACTORS, Recorder, SPAWN_BATCH, Sample, bench_latency, bench_memory, bench_rate, secs,
};

/// Every workload, in the order a run without arguments goes through them.
pub(crate) const WORKLOADS: [&str; 8] = [
    "tell_throughput",
    "ask_roundtrip",
    "proxy_call_roundtrip",
    "spawn_stop",
    "fanout",
    "pingpong",
    "memory",
    "restart",
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
        "restart" => restart(config),
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
    /// Starts `k` counters.
    fn start(k: usize) -> Self {
        Fleet {
            actors: start_counters(k),
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

fn start_counters(k: usize) -> Vec<ActorRef<Counter>> {
    (0..k).map(|_| Counter::default().start()).collect()
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
    let fleet = Fleet::start(1);
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
    let fleet = Fleet::start(1);
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
    let fleet = Fleet::start(1);
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
            let actors = start_counters(SPAWN_BATCH);
            stop_all(&actors);
        }
        Sample::rate(secs(t), cycles * SPAWN_BATCH as u64)
    });
}

/// FANOUT_K actors started beforehand; the driver tells N increments round-robin, then asks
/// each actor once.
fn fanout(config: &Config) {
    let fleet = Fleet::start(FANOUT_K);
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
        let ping = Ping {
            rounds: n,
            pong: None,
            done: Some(done),
        }
        .start();
        let pong = Pong { ping: ping.clone() }.start();
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
        let fleet = Fleet::start(m);
        for (i, counter) in fleet.actors.iter().enumerate() {
            let i = i as u64;
            assert_eq!(counter.ask(CounterMsg::Echo(i)).expect("the counter replies"), i + 1);
        }
        fleet
    });
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
    let actor = Phoenix::start_restarting(policy, move || {
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
