//! A million actors in one process: the pooled runtime.
//!
//! ```text
//! cargo run --release -p examples --example many_actors -- 1000000
//! ```
//!
//! Starts `COUNT` actors (default 20,000; the first argument sets it) on a [`Pool`] with a
//! worker per core, tells each one message, then asks each one once: every ask is sent before
//! any reply is awaited, so all of them are in flight together. Then it shuts the pool down,
//! which stops the actors last started first. An idle pooled actor has no thread, so the
//! process holds all of them with a few threads; with one thread per actor it would stop a
//! little above 15,000 (see the manual's chapter on runtimes).
//!
//! Standard output carries only lines that do not depend on the machine, so that
//! `cargo xtask examples` can compare them; the progress and the figures (actors started per
//! second, memory per actor from `VmRSS` on Linux, the time to stop them all) go to standard
//! error.

use std::io::Write;
use std::time::{Duration, Instant};

use pykka::{Actor, ActorRegistry, Context, Future, Pool, Unhandled};

/// How many actors without an argument: small enough for a debug build to run in a few
/// seconds under `cargo xtask examples`.
const DEFAULT_COUNT: usize = 20_000;

/// An actor with one number: a message adds to it, and the reply is the new total.
struct Tally {
    total: u64,
}

impl Actor for Tally {
    type Message = u64;
    type Reply = u64;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: u64) -> Result<u64, Unhandled> {
        self.total += n;
        Ok(self.total)
    }
}

/// The process's resident memory in KiB (`VmRSS`), where `/proc` has it.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn per_second(n: usize, took: Duration) -> f64 {
    n as f64 / took.as_secs_f64().max(1e-9)
}

fn main() -> pykka::Result<()> {
    let count = match std::env::args().nth(1) {
        Some(arg) => arg.parse().unwrap_or_else(|_| {
            eprintln!("usage: many_actors [COUNT]   (COUNT: a number of actors, default {DEFAULT_COUNT})");
            std::process::exit(2);
        }),
        None => DEFAULT_COUNT,
    };
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let pool = Pool::new(workers);
    // A registry of their own: the global one stays empty.
    let registry = ActorRegistry::new();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "starting {count} actors on a pool of {workers} workers");

    // Start them, each told one message; a progress line every tenth of the way.
    let rss_before = resident_kib();
    let started_at = Instant::now();
    let step = (count / 10).max(1);
    let mut actors = Vec::with_capacity(count);
    for i in 1..=count {
        let actor = pool.start_in(&registry, Tally { total: 0 });
        actor.tell(1)?;
        actors.push(actor);
        if i % step == 0 || i == count {
            let _ = write!(err, "\rstarted {i} of {count} actors, {} threads", pool.threads());
        }
    }
    let started = started_at.elapsed();
    let rss_after = resident_kib();
    let _ = writeln!(err);
    println!("started {} actors, each told one message", pool.actors());

    // Every ask in flight, then wait for the replies.
    let asked_at = Instant::now();
    let replies: Vec<Future<u64>> = actors.iter().map(|actor| actor.ask_future(2)).collect();
    let mut all_three = 0;
    for reply in replies {
        if reply.get_timeout(Duration::from_secs(60))? == 3 {
            all_three += 1;
        }
    }
    let asked = asked_at.elapsed();
    println!("asked each once: {all_three} of {count} replied 3 (told 1, then asked to add 2)");

    // Shut the pool down: every actor stops, last started first.
    let stopping_at = Instant::now();
    let stopped = pool.shutdown().into_iter().filter(|&stopped| stopped).count();
    let stop = stopping_at.elapsed();
    println!("shut the pool down: {stopped} actors stopped, {} left", pool.actors());
    println!("registry entries left: {}", registry.len());

    let _ = writeln!(
        err,
        "start + tell: {started:.2?} ({:.0} actors/s); {count} asks in flight: {asked:.2?} ({:.0} asks/s); \
         stop: {stop:.2?} ({:.0} actors/s); peak threads: {}",
        per_second(count, started),
        per_second(count, asked),
        per_second(count, stop),
        pool.peak_threads(),
    );
    match (rss_before, rss_after) {
        (Some(before), Some(after)) => {
            let _ = writeln!(
                err,
                "memory: VmRSS {before} KiB before, {after} KiB with every actor started: {:.2} KiB per actor \
                 (its cell, inbox, registry entries and this program's ref to it)",
                after.saturating_sub(before) as f64 / count.max(1) as f64,
            );
        }
        _ => {
            let _ = writeln!(err, "memory: no /proc/self/status here, so no VmRSS figure");
        }
    }
    Ok(())
}
