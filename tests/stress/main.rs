//! `pykka-stress`: a seeded, time-bounded randomized stress test of pykka.
//!
//! ```text
//! cargo xtask stress --seconds N [--seed S]
//! cargo run --release -p pykka-tests --bin pykka-stress -- --seconds N [--seed S]
//! ```
//!
//! Four driver threads run random operations for `N` seconds (default 10): they start actors
//! (plain and `#[pykka::actor]` ones, bounded and unbounded inboxes, `start_in`,
//! `start_with_in` and their fallible `try_start*` forms, in two shared registries and one
//! private registry per driver), tell, `try_tell`, ask (`ask`, `ask_timeout`, `ask_future`),
//! call proxies (asks, `defer()`, and with a default timeout through `with_timeout`), read
//! many futures at once (`get_all_settled`, `Future::all`, `flatten`), stop and wait for actors
//! (`stop`, `stop_future`, `stop_timeout`, `join`, `join_timeout`, the same through
//! `AnyActorRef`, `registry.stop_all()`, `stop_all_timeout`, `stop_all_nowait`, `join_all`,
//! `Context::stop_all` from a handler), block on an actor from its own thread, hold actors
//! inside a handler to fill their bounded inboxes, and make things panic: handlers (an asker
//! gets `Error::Panicked`, a tell fails the actor), `on_start`, `on_stop`, `on_failure`, the
//! actor's `Drop`, a message's `Drop` (sent to any actor at any time, also while its inbox is
//! drained at stop) and a reply's `Drop` (also left to the runtime to drop). Mixed with
//! those, they start supervised actors (see [`supervised`]): with a restart policy of each
//! type (small intensities that give up, large ones, with and without a short backoff, with and
//! without `ask_panics_fail`, some alone in a registry of their own) and as children of
//! supervisors of each strategy, flat or nested once; and tell, ask, make them panic (in a
//! tell, an ask, `on_start` of the next restart), check `is_alive()`, and stop them and their
//! supervisors.
//!
//! It checks that:
//! - every wait ends: a call still blocked after 30 s is reported as a hang (then the process
//!   exits at once, since a stuck thread cannot be recovered); every bounded call returns
//!   within its timeout plus a slack of 5 s, and `try_tell` within the slack;
//! - replies are right (each is computed from its request) and errors are the ones the request
//!   allows (`ActorDead`, `Panicked` with the intended message, `Unhandled`, `Timeout` only for
//!   short timeouts, `Deadlock` for blocking on oneself);
//! - each sender's messages to an actor are handled in order, with no queued one skipped, and a
//!   message `try_tell` handed back (the same one, by sequence number) is never handled;
//! - `on_start`, `on_stop`, `on_failure` and `Drop` run at most once each, in a consistent
//!   combination (exactly one of `on_stop`/`on_failure` after a clean start), and an actor fails
//!   only from an intended panic;
//! - once a stop or a join has answered, the actor's hooks and `Drop` are done, and after
//!   `stop`, `stop_timeout` and `join`, `is_terminated()` is true; a `join_timeout` times out
//!   only on an actor that had not terminated;
//! - `stop_all`, `stop_all_timeout` and `join_all` never return `Ok` while an actor that was in
//!   the registry is still inside `on_stop`/`on_failure` (each actor raises a flag there);
//! - `join`, `join_timeout` and `join_all` from the actor's own thread answer
//!   `Error::Deadlock`, and `Context::stop_all` from a handler whose bounded inbox is full
//!   returns;
//! - a timed call on an actor held with its bounded inbox full fails with `Timeout`;
//! - `get_all_settled` returns one allowed outcome per future, and `Future::all` and `flatten`
//!   agree with the futures they read;
//! - an actor never fails because a reply's `Drop` panicked on its thread;
//! - for supervised actors: every ask resolves (the right value, or `ActorDead`, or `Panicked`
//!   for a panic); each sender's messages are handled in order with none skipped across
//!   restarts (a failure loses only the message that failed, which was handled), each by the
//!   live incarnation, and replies to a sender never come from an older incarnation than the
//!   one before; incarnations start in increasing order, each built only once the previous
//!   one's `on_stop`/`on_failure` and `Drop` are done; in a restart the actor is alive, in its
//!   registry (whose size is unchanged) and not terminated; a requested stop never restarts;
//!   the termination is `Stopped` only after a requested stop (for an actor with a policy),
//!   `Failed` only for a temporary one that failed, `GaveUp` only past the intensity (with the
//!   policy's restart count), and a policy actor is rebuilt exactly once per admitted
//!   failure; a `Context::watch` watcher is told exactly once, the actor's termination; a
//!   supervisor's `stop()` returns only once its children have ended;
//! - at the end no registry entry, no actor value, no actor debug record and no actor thread is
//!   left (threads counted from `/proc/self/status` where it exists).
//!
//! With `PYKKA_RUNTIME=pool` in the environment, the same operations and checks run with the
//! actors of `start_in` and `try_start*` on the global pool (`start_with*` and
//! `start_restarting*` ones stay on threads), so plain and pooled actors talk to each other.
//!
//! On a violation it prints the seed, the operation and what was expected, and exits non-zero;
//! otherwise it prints a one-line summary. The seed fixes each driver's sequence of operations;
//! the interleaving of threads is the machine's, so a failure may need a few runs to repeat.
//!
//! Intended panics carry the message prefix `stress: intended`; the panic hook drops those and
//! prints every other panic as usual.

mod actors;
mod checks;
#[macro_use]
mod ops;
mod backpressure;
mod combine;
mod phoenix;
mod rng;
mod supervised;
mod waits;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pykka::ActorRegistry;

use crate::actors::{LIVE, MARKER, SENDERS, lock};
use crate::checks::{Activity, HANG, violation};
use crate::ops::{Op, World};

const USAGE: &str = "\
usage: pykka-stress [--seconds N] [--seed S]

  --seconds N   run the random operations for N seconds (default 10)
  --seed S      the seed (default: from the clock; printed in every report)
";

/// The command line.
#[derive(Debug)]
struct Args {
    seconds: u64,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seconds: 10,
        seed: clock_seed(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let number =
            |name: &str, v: String| -> Result<u64, String> { v.parse().map_err(|e| format!("{name} {v}: {e}")) };
        match arg.as_str() {
            "--seconds" => args.seconds = number("--seconds", value("--seconds")?)?,
            "--seed" => args.seed = number("--seed", value("--seed")?)?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

fn clock_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    rng::derive(
        u64::try_from(nanos & u128::from(u64::MAX)).unwrap_or(0),
        u64::from(std::process::id()),
    )
}

/// Keeps intended panics quiet; every other panic goes to the default hook.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().is_some_and(|m| m.starts_with(MARKER)) {
            return;
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("pykka-stress: {e}\n");
            }
            eprint!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    // With `PYKKA_RUNTIME=pool`, the actors started by `start*`/`try_start*` run on the global
    // pool, whose worker threads live as long as the process: they belong to the baseline.
    // Its spare threads retire when idle (within 10 s), inside the final wait for the count.
    let pooled = std::env::var("PYKKA_RUNTIME").is_ok_and(|v| v.eq_ignore_ascii_case("pool"));
    let env = if pooled { "PYKKA_RUNTIME=pool " } else { "" };
    let repro = format!(
        "{env}cargo xtask stress --seconds {} --seed {}",
        args.seconds, args.seed
    );
    checks::init(args.seed, repro);
    install_panic_hook();

    let activities: Vec<Arc<Activity>> = (0..=SENDERS).map(|_| Arc::default()).collect();
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = checks::watchdog(activities.clone(), done.clone());
    if pooled {
        let _ = pykka::Pool::global();
    }
    let baseline_threads = checks::thread_count();
    let world = World::new(activities.clone());

    let began = Instant::now();
    let deadline = began + Duration::from_secs(args.seconds);
    std::thread::scope(|s| {
        for d in 0..SENDERS {
            let world = &world;
            let seed = rng::derive(args.seed, d as u64 + 1);
            std::thread::Builder::new()
                .name(format!("stress-driver-{d}"))
                .spawn_scoped(s, move || ops::drive(world, d, seed, deadline))
                .expect("cannot start a driver thread");
        }
    });
    let ran = began.elapsed();

    finish(&world, &activities[SENDERS], baseline_threads);
    done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();

    let counts: Vec<String> = Op::NAMES
        .iter()
        .zip(&world.counts)
        .map(|(name, n)| format!("{name} {}", n.load(Ordering::Relaxed)))
        .collect();
    let total: u64 = world.counts.iter().map(|n| n.load(Ordering::Relaxed)).sum();
    let verdict = if checks::failed() {
        format!("FAILED ({} violations)", checks::violations())
    } else {
        "ok".to_owned()
    };
    println!(
        "stress: {verdict}: seed {}, {:.1} s, {SENDERS} drivers, {} runtime, {} actors, {total} ops ({}); full inboxes: {} try_tell Full, {} timed calls on a held full inbox; {}",
        args.seed,
        ran.as_secs_f64(),
        if pooled { "pool" } else { "thread" },
        world.started(),
        counts.join(", "),
        backpressure::FULL.load(Ordering::Relaxed),
        backpressure::TIMED_ON_FULL.load(Ordering::Relaxed),
        world.sup.summary(),
    );
    if checks::failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Stops every registry, then waits (at most [`HANG`]) until no actor, registry entry or actor
/// thread is left, and checks every actor.
fn finish(world: &World, activity: &Activity, baseline_threads: Option<usize>) {
    for (i, scope) in world.scopes.iter().enumerate() {
        let before = world.in_scope(i);
        let desc = format!("final stop_all of scope {i}");
        let _stopping = world.sup.shared.epochs.stopping(i);
        activity.begin(desc.clone());
        scope.stop_all();
        activity.end();
        ops::check_scope_done(&desc, &before);
    }
    activity.begin("the final checks of the supervised actors".to_owned());
    world.sup.finish();
    activity.end();
    let scopes = || world.scopes.iter().chain(std::iter::once(ActorRegistry::global()));
    let settled = || {
        lock(&world.pool).iter().all(|e| e.probe.is_finished())
            && LIVE.load(Ordering::SeqCst) == 0
            && scopes().all(ActorRegistry::is_empty)
            && checks::thread_count() == baseline_threads
            && pykka::debug::actor_states().is_empty()
    };
    let until = Instant::now() + HANG;
    while !settled() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    for entry in lock(&world.pool).iter().filter(|e| !e.probe.is_finished()) {
        violation(format!(
            "after the final stop_all and {HANG:?}: {} never finished",
            entry.probe.label
        ));
    }
    let live = LIVE.load(Ordering::SeqCst);
    if live != 0 {
        violation(format!(
            "at the end {live} actor values were never dropped (expected 0)"
        ));
    }
    for (i, scope) in scopes().enumerate() {
        if !scope.is_empty() {
            violation(format!("at the end registry {i} still holds {:?}", scope.get_all()));
        }
    }
    let records = pykka::debug::actor_states();
    if !records.is_empty() {
        violation(format!(
            "at the end {} actor debug records are left (expected none), first: {:?}",
            records.len(),
            &records[..records.len().min(3)]
        ));
    }
    let threads = checks::thread_count();
    if threads != baseline_threads {
        violation(format!(
            "at the end the process has {threads:?} threads, expected {baseline_threads:?} (actor threads left)"
        ));
    }
    world.prune();
}
