//! Measurement plumbing: calibration, repetitions, statistics and the JSON lines.
//!
//! This is the same method as the shared actor anchors (`bench/peers/src/common.rs` and
//! `pykka_bench.py`), so pykka-rs figures can be set side by side with theirs:
//!
//! - **Calibration.** A workload is run with a small N, and N is grown until one run takes
//!   at least 30% of the target time; N is then scaled so a run lasts about the target. These
//!   runs are the warm-up.
//! - **Repetitions.** The workload is then run `reps` times with that N. The reported value
//!   is the median over the repetitions; every repetition is listed too.
//! - **Output.** One JSON line per workload on stdout, in exactly the anchors' schema.

use std::time::Instant;

use super::runtime::Runtime;

/// Actors that the `fanout` driver sends to round-robin.
pub(crate) const FANOUT_K: usize = 100;

/// Actors started, then all stopped, in each `spawn_stop` cycle.
pub(crate) const SPAWN_BATCH: usize = 1000;

/// Actors added per repetition of the `memory` workload.
pub(crate) const MEMORY_ACTORS: usize = 1000;

/// Actors in the `ring` workload.
pub(crate) const RING_SIZE: usize = 1000;

/// The default K of the `many_actors` workload (`--actors K`).
pub(crate) const MANY_ACTORS: usize = 10_000;

/// What a benchmark run is asked for.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The `system` field of every JSON line.
    pub(crate) system: &'static str,
    /// Seconds one calibrated run should last.
    pub(crate) target: f64,
    /// Timed runs after calibration.
    pub(crate) reps: usize,
    /// K of `many_actors` (`--actors`); no other workload reads it.
    pub(crate) actors: usize,
    /// The runtime the workloads start their actors on (`--runtime`).
    pub(crate) runtime: Runtime,
}

/// Latency figures of one run, in microseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Latency {
    mean_us: f64,
    p50_us: f64,
    p99_us: f64,
}

/// The outcome of one run of a workload.
#[derive(Debug)]
pub(crate) struct Sample {
    /// Wall-clock seconds of the timed part.
    elapsed: f64,
    /// Messages, round trips or actors the run handled.
    n: u64,
    /// Per-call latency figures, for the round-trip workloads.
    latency: Option<Latency>,
}

impl Sample {
    /// A throughput sample: `n` things done in `elapsed` seconds.
    pub(crate) fn rate(elapsed: f64, n: u64) -> Self {
        Sample {
            elapsed,
            n,
            latency: None,
        }
    }

    /// A latency sample from per-call latencies in nanoseconds.
    pub(crate) fn latencies(mut ns: Vec<u64>, elapsed: f64) -> Self {
        ns.sort_unstable();
        let total: f64 = ns.iter().map(|&v| v as f64).sum();
        let mean = total / ns.len() as f64;
        Sample {
            elapsed,
            n: ns.len() as u64,
            latency: Some(Latency {
                mean_us: mean / 1000.0,
                p50_us: percentile(&ns, 50.0) / 1000.0,
                p99_us: percentile(&ns, 99.0) / 1000.0,
            }),
        }
    }

    fn latency(&self) -> Latency {
        self.latency.expect("a latency workload returns latency samples")
    }
}

/// The nearest-rank percentile `p` (0–100) of sorted values.
fn percentile(sorted: &[u64], p: f64) -> f64 {
    let last = sorted.len() - 1;
    let idx = ((p / 100.0) * last as f64).round() as usize;
    sorted[idx.min(last)] as f64
}

/// The median; the mean of the two middle values for an even count.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Seconds elapsed since `start`.
pub(crate) fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Finds the N for which one run lasts about the target, within `n0..=max_n`.
fn calibrate(config: &Config, n0: u64, max_n: u64, run: &mut impl FnMut(u64) -> Sample) -> u64 {
    let mut n = n0;
    let elapsed = loop {
        let t = run(n).elapsed;
        if t >= 0.3 * config.target || n >= max_n {
            break t;
        }
        // Grow by at most 50x per step, so one noisy short run cannot overshoot wildly.
        let factor = (config.target / t.max(1e-4)).min(50.0);
        n = ((n as f64 * factor) as u64).min(max_n);
    };
    let scaled = (n as f64 * config.target / elapsed.max(1e-6)) as u64;
    scaled.clamp(n0, max_n)
}

/// Calibrates, then runs `config.reps` times.
fn repeat(config: &Config, n0: u64, max_n: u64, mut run: impl FnMut(u64) -> Sample) -> (u64, Vec<Sample>) {
    let n = calibrate(config, n0, max_n, &mut run);
    let samples = (0..config.reps).map(|_| run(n)).collect();
    (n, samples)
}

/// Formats per-repetition values as a JSON array with three decimals.
fn json_list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:.3}")).collect();
    format!("[{}]", items.join(", "))
}

fn median_elapsed(samples: &[Sample]) -> f64 {
    median(samples.iter().map(|s| s.elapsed).collect())
}

/// Runs a throughput workload and prints its line: value = n / elapsed, median over reps.
///
/// `run(n)` performs one run of size `n` and reports what it did.
pub(crate) fn bench_rate(
    config: &Config,
    workload: &str,
    unit: &str,
    n0: u64,
    max_n: u64,
    run: impl FnMut(u64) -> Sample,
) {
    let (_, samples) = repeat(config, n0, max_n, run);
    let rates: Vec<f64> = samples.iter().map(|s| s.n as f64 / s.elapsed).collect();
    println!(
        "{{\"system\": \"{}\", \"workload\": \"{}\", \"value\": {}, \"unit\": \"{}\", \"n\": {}, \"reps\": {}, \"elapsed_s\": {:.3}{}}}",
        config.system,
        workload,
        median(rates.clone()),
        unit,
        samples[0].n,
        json_list(&rates),
        median_elapsed(&samples),
        config.runtime.json_fields(),
    );
}

/// Runs a latency workload and prints its line: value = mean latency in µs (median over
/// reps), plus the medians of the per-run p50 and p99.
pub(crate) fn bench_latency(config: &Config, workload: &str, n0: u64, max_n: u64, run: impl FnMut(u64) -> Sample) {
    let (n, samples) = repeat(config, n0, max_n, run);
    let over_runs = |field: fn(&Latency) -> f64| median(samples.iter().map(|s| field(&s.latency())).collect());
    let means: Vec<f64> = samples.iter().map(|s| s.latency().mean_us).collect();
    println!(
        "{{\"system\": \"{}\", \"workload\": \"{}\", \"value\": {}, \"unit\": \"us mean\", \"n\": {}, \"reps\": {}, \"elapsed_s\": {:.3}, \"p50_us\": {}, \"p99_us\": {}{}}}",
        config.system,
        workload,
        median(means.clone()),
        n,
        json_list(&means),
        median_elapsed(&samples),
        over_runs(|l| l.p50_us),
        over_runs(|l| l.p99_us),
        config.runtime.json_fields(),
    );
}

/// Runs the memory workload and prints its line: RSS growth per idle actor.
///
/// Each repetition calls `spawn_batch(MEMORY_ACTORS)`, which must return only once every new
/// actor has handled one message, and keeps the guard it returns until the end, so memory
/// freed by one repetition cannot hide the growth of the next.
pub(crate) fn bench_memory<G>(config: &Config, mut spawn_batch: impl FnMut(usize) -> G) {
    let mut alive = Vec::with_capacity(config.reps);
    let mut per_actor = Vec::with_capacity(config.reps);
    for _ in 0..config.reps {
        let before = rss_kib();
        let guard = spawn_batch(MEMORY_ACTORS);
        let after = rss_kib();
        alive.push(guard);
        per_actor.push((after as f64 - before as f64) / MEMORY_ACTORS as f64);
    }
    println!(
        "{{\"system\": \"{}\", \"workload\": \"memory\", \"value\": {}, \"unit\": \"KiB/actor\", \"n\": {}, \"reps\": {}{}}}",
        config.system,
        median(per_actor.clone()),
        MEMORY_ACTORS,
        json_list(&per_actor),
        config.runtime.json_fields(),
    );
    drop(alive);
}

/// Runs the `many_actors` workload and prints its line. No calibration and no warm-up: each
/// of the `reps` repetitions builds up K = `config.actors` actors from nothing and stops them
/// again.
///
/// `start(K)` starts the K actors, tells and asks each once, and returns once every reply is
/// in, with a guard holding them (timed: value = K / seconds, median over reps); `stop(guard)`
/// stops them all and returns once every one has stopped (timed: `stop_s`, median). The RSS
/// growth across the build-up / K of the first repetition is `kib_per_actor` (later ones reuse
/// the memory the previous stop freed; all are in `kib_reps`). If `start` cannot create K
/// actors it returns the ones it did start and the reason: those are stopped and the line is
/// an `"error"` line instead.
pub(crate) fn bench_many<G>(
    config: &Config,
    mut start: impl FnMut(usize) -> Result<G, (G, String)>,
    mut stop: impl FnMut(G),
) {
    let k = config.actors;
    let mut rates = Vec::with_capacity(config.reps);
    let mut elapsed = Vec::with_capacity(config.reps);
    let mut kibs = Vec::with_capacity(config.reps);
    let mut stops = Vec::with_capacity(config.reps);
    for rep in 1..=config.reps {
        let before = rss_kib();
        let t = Instant::now();
        let guard = match start(k) {
            Ok(guard) => guard,
            Err((guard, reason)) => {
                stop(guard);
                println!(
                    "{{\"system\": \"{}\", \"workload\": \"many_actors\", \"actors\": {}, \"error\": {}{}}}",
                    config.system,
                    k,
                    json_string(&format!("rep {rep}: {reason}")),
                    config.runtime.json_fields(),
                );
                return;
            }
        };
        let build_up = secs(t);
        let after = rss_kib();
        let t = Instant::now();
        stop(guard);
        stops.push(secs(t));
        rates.push(k as f64 / build_up);
        elapsed.push(build_up);
        kibs.push((after as f64 - before as f64) / k as f64);
    }
    println!(
        "{{\"system\": \"{}\", \"workload\": \"many_actors\", \"value\": {}, \"unit\": \"actors/s\", \"n\": {}, \"reps\": {}, \"elapsed_s\": {:.3}, \"actors\": {}, \"kib_per_actor\": {}, \"kib_reps\": {}, \"stop_s\": {}{}}}",
        config.system,
        median(rates.clone()),
        k,
        json_list(&rates),
        median(elapsed),
        k,
        kibs[0],
        json_list(&kibs),
        median(stops),
        config.runtime.json_fields(),
    );
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The resident set size of this process (`VmRSS`), in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .map(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .expect("VmRSS is a number of kB")
        })
        .expect("/proc/self/status has a VmRSS line")
}

/// Collects the latency of each call of a sequential round-trip run.
#[derive(Debug)]
pub(crate) struct Recorder {
    nanos: Vec<u64>,
    start: Instant,
}

impl Recorder {
    /// Starts the run's clock, with room for `n` calls.
    pub(crate) fn new(n: u64) -> Self {
        Recorder {
            nanos: Vec::with_capacity(n as usize),
            start: Instant::now(),
        }
    }

    /// Records one call that began at `since`.
    #[inline]
    pub(crate) fn push(&mut self, since: Instant) {
        self.nanos.push(since.elapsed().as_nanos() as u64);
    }

    /// Stops the clock and turns the recorded calls into a sample.
    pub(crate) fn finish(self) -> Sample {
        let elapsed = secs(self.start);
        Sample::latencies(self.nanos, elapsed)
    }
}

/// Pending timers per repetition of the `timers` workload.
pub(crate) const TIMERS_N: usize = 100_000;

/// One repetition of the `timers` workload.
#[derive(Debug)]
pub(crate) struct TimerSample {
    /// Nanoseconds to schedule [`TIMERS_N`] timers, in all.
    pub(crate) schedule_ns: u64,
    /// Nanoseconds to cancel half of them, in all.
    pub(crate) cancel_ns: u64,
    /// How late each timer that was not cancelled fired, beyond its due time, in nanoseconds.
    pub(crate) lateness_ns: Vec<u64>,
    /// Wall-clock seconds of the whole repetition.
    pub(crate) elapsed: f64,
}

/// Runs the timers workload `config.reps` times (after one warm-up run) and prints its line:
/// value = schedule cost per timer in ns (median over reps), plus the cancel cost per
/// cancelled timer and the medians of the per-run p50 and p99 of the firing lateness, in µs.
pub(crate) fn bench_timers(config: &Config, workload: &str, mut run: impl FnMut() -> TimerSample) {
    drop(run());
    let samples: Vec<TimerSample> = (0..config.reps).map(|_| run()).collect();
    let n = TIMERS_N as f64;
    let schedule: Vec<f64> = samples.iter().map(|s| s.schedule_ns as f64 / n).collect();
    let cancel: Vec<f64> = samples.iter().map(|s| s.cancel_ns as f64 / (n / 2.0)).collect();
    let lateness = |p: f64| -> Vec<f64> {
        samples
            .iter()
            .map(|s| {
                let mut ns = s.lateness_ns.clone();
                ns.sort_unstable();
                percentile(&ns, p) / 1000.0
            })
            .collect()
    };
    let (p50, p99) = (lateness(50.0), lateness(99.0));
    println!(
        "{{\"system\": \"{}\", \"workload\": \"{}\", \"value\": {:.1}, \"unit\": \"ns/timer scheduled\", \"n\": {}, \"reps\": {}, \"elapsed_s\": {:.3}, \"schedule_ns\": {:.1}, \"cancel_ns\": {:.1}, \"cancel_ns_reps\": {}, \"lateness_p50_us\": {:.1}, \"lateness_p99_us\": {:.1}, \"lateness_p50_us_reps\": {}, \"lateness_p99_us_reps\": {}{}}}",
        config.system,
        workload,
        median(schedule.clone()),
        TIMERS_N,
        json_list(&schedule),
        median(samples.iter().map(|s| s.elapsed).collect()),
        median(schedule.clone()),
        median(cancel.clone()),
        json_list(&cancel),
        median(p50.clone()),
        median(p99.clone()),
        json_list(&p50),
        json_list(&p99),
        config.runtime.json_fields(),
    );
}
