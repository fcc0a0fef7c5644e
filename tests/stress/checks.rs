//! The invariants: violations reported with the seed, the per-actor checks, the hang watchdog
//! and the thread count.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::actors::{Probe, lock};

/// How long any single wait may take before it counts as a hang.
pub(crate) const HANG: Duration = Duration::from_secs(30);

/// How much longer than its timeout (or than nothing, for a call documented not to wait) a
/// bounded call may take on a loaded machine before it counts as not bounded.
pub(crate) const SLACK: Duration = Duration::from_secs(5);

static SEED: AtomicU64 = AtomicU64::new(0);
static REPRO: OnceLock<String> = OnceLock::new();
static FAILED: AtomicBool = AtomicBool::new(false);
static COUNT: AtomicU64 = AtomicU64::new(0);

/// Remembers the seed and the command that repeats this run, for every report.
pub(crate) fn init(seed: u64, repro: String) {
    SEED.store(seed, Ordering::Relaxed);
    let _ = REPRO.set(repro);
}

/// Reports a broken invariant (the first few are printed in full) and fails the run.
pub(crate) fn violation(what: String) {
    FAILED.store(true, Ordering::SeqCst);
    let n = COUNT.fetch_add(1, Ordering::SeqCst);
    if n < 20 {
        eprintln!(
            "stress: VIOLATION (seed {}): {what}\n  repeat with: {}",
            SEED.load(Ordering::Relaxed),
            REPRO.get().map_or("", String::as_str)
        );
    }
}

/// Whether any invariant broke.
pub(crate) fn failed() -> bool {
    FAILED.load(Ordering::SeqCst)
}

/// How many violations were reported.
pub(crate) fn violations() -> u64 {
    COUNT.load(Ordering::SeqCst)
}

/// Checks one finished actor: hooks ran at most once and in a consistent combination, its
/// value was dropped once, and every message it skipped may legitimately not have been queued.
pub(crate) fn check_finished(probe: &Probe) {
    let label = &probe.label;
    let started = probe.started.load(Ordering::Acquire);
    let stopped = probe.stopped.load(Ordering::Acquire);
    let failed = probe.failed.load(Ordering::Acquire);
    let drops = probe.drops.load(Ordering::Acquire);
    let built = probe.built.load(Ordering::Acquire);
    let hooks = format!("on_start {started}, on_stop {stopped}, on_failure {failed}, drops {drops}");
    if !built {
        if started + stopped + failed + drops != 0 {
            violation(format!("{label}: never built, yet {hooks}"));
        }
        return;
    }
    if started != 1 || drops != 1 {
        violation(format!("{label}: expected on_start and Drop once each; {hooks}"));
    }
    let ends = stopped + failed;
    if probe.plan.on_start && ends != 0 {
        violation(format!(
            "{label}: on_start panicked, so neither on_stop nor on_failure may run; {hooks}"
        ));
    }
    if !probe.plan.on_start && ends != 1 {
        violation(format!("{label}: expected exactly one of on_stop, on_failure; {hooks}"));
    }
    let fifo = lock(&probe.fifo);
    for missing in &fifo.missing {
        if !fifo.uncertain.contains(missing) && !fifo.rejected.contains(missing) {
            violation(format!(
                "{label}: FIFO broken: message {} of sender {} was queued but skipped (a later one was handled)",
                missing.1, missing.0
            ));
        }
    }
}

/// How many threads this process has, from `/proc/self/status` (None where there is none).
pub(crate) fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// What one driver thread is doing, for the watchdog.
#[derive(Debug, Default)]
pub(crate) struct Activity {
    current: Mutex<Option<(Instant, String)>>,
}

impl Activity {
    /// Notes the start of the operation `op` (its description, shown if it hangs).
    pub(crate) fn begin(&self, op: String) {
        *lock(&self.current) = Some((Instant::now(), op));
    }

    /// Notes that the operation ended.
    pub(crate) fn end(&self) {
        *lock(&self.current) = None;
    }

    fn stuck(&self) -> Option<String> {
        let current = lock(&self.current);
        let (since, op) = current.as_ref()?;
        (since.elapsed() > HANG).then(|| op.clone())
    }
}

/// Watches the drivers: an operation still running after [`HANG`] is reported as a hang and
/// ends the process (a stuck thread cannot be recovered).
pub(crate) fn watchdog(activities: Vec<Arc<Activity>>, done: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("stress-watchdog".into())
        .spawn(move || {
            while !done.load(Ordering::SeqCst) {
                for (i, activity) in activities.iter().enumerate() {
                    if let Some(op) = activity.stuck() {
                        violation(format!("HANG: driver {i} still inside `{op}` after {HANG:?}"));
                        std::process::exit(1);
                    }
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        })
        .expect("cannot start the watchdog thread")
}
