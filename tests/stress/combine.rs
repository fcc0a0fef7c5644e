//! The operation on many futures at once: `get_all_settled`, `Future::all` and `flatten`, over
//! proxy calls to random proxied actors (some answering, some panicking, some through a proxy
//! with a short timeout).
//!
//! What they must guarantee:
//! - `get_all_settled` returns one outcome per future, in input order, each one the outcome
//!   its call allows;
//! - reading a settled future again answers the same (for calls without a timed proxy);
//! - `Future::all` answers every value in order, or the first error in input order;
//! - `flatten` (of `Future::ready(f)`, and of `f.map(|v| Future::ready(v + 1))`) answers what
//!   `f` answers (plus one).

use std::time::Duration;

use pykka::{Error, Future, Result, get_all_settled};

use crate::actors::MARKER;
use crate::checks::{HANG, violation};
use crate::ops::{Handle, Target, World, short_timeout};
use crate::rng::Rng;

/// What one call must answer.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// `add`: the sum; a timeout only for a timed proxy.
    Sum(u64, bool),
    /// `explode`: `Panicked`; a timeout only for a timed proxy.
    Panic(bool),
}

impl Expect {
    /// Whether `outcome` is allowed, the futures having been read with a timeout that `short`
    /// says was short.
    fn allows(self, outcome: &Result<u64>, short: bool) -> bool {
        match (self, outcome) {
            (_, Err(Error::ActorDead { .. })) => true,
            (Expect::Sum(_, timed) | Expect::Panic(timed), Err(Error::Timeout { .. })) => timed || short,
            (Expect::Sum(sum, _), Ok(v)) => *v == sum,
            (Expect::Panic(_), Err(Error::Panicked { message, .. })) => message.starts_with(MARKER),
            _ => false,
        }
    }
}

/// Makes 2 to 6 proxy calls and reads them with `get_all_settled`, `Future::all` and `flatten`.
pub(crate) fn settled(world: &World, d: usize, rng: &mut Rng) -> bool {
    let n = 2 + rng.index(5);
    let short = rng.one_in(3);
    let timeout = if short { short_timeout(rng) } else { HANG };
    let mut calls = Vec::new();
    for _ in 0..n {
        let Some(entry) = world.choose(rng, Target::Proxied) else {
            return false;
        };
        let panic = rng.one_in(5);
        let timed = rng.one_in(4).then(|| Duration::from_millis(rng.below(20)));
        calls.push((entry, panic, timed, rng.next_u64(), rng.next_u64()));
    }
    let desc = format!(
        "get_all_settled({timeout:?}) of {n} proxy calls: {:?}",
        calls
            .iter()
            .map(|(e, panic, timed, _, _)| format!("{} {panic} {timed:?}", e.probe.label))
            .collect::<Vec<_>>()
    );
    let _ = world.guarded(d, &desc, false, || {
        let mut futures = Vec::new();
        let mut expects = Vec::new();
        for (entry, panic, timed, a, b) in &calls {
            let tag = entry.probe.tag(d);
            if timed.is_some() {
                entry.probe.uncertain(tag);
            }
            /// The call through `$r`'s proxy (timed if `timed`); a dead actor's future has
            /// failed with `ActorDead`.
            macro_rules! call {
                ($r:expr) => {
                    match $r.proxy() {
                        Err(e) => Future::failed(e),
                        Ok(proxy) => {
                            let proxy = match timed {
                                Some(t) => proxy.with_timeout(*t),
                                None => proxy,
                            };
                            if *panic {
                                proxy.explode(d, tag.seq)
                            } else {
                                proxy.add(d, tag.seq, *a, *b)
                            }
                        }
                    }
                };
            }
            let future = match &entry.handle {
                Handle::Calc(r) => call!(r),
                Handle::BoundedCalc(r) => call!(r),
                Handle::Echo(_) | Handle::BoundedEcho(_) => unreachable!("the target has a proxy"),
            };
            futures.push(future);
            expects.push(if *panic {
                Expect::Panic(timed.is_some())
            } else {
                Expect::Sum(a.wrapping_add(*b), timed.is_some())
            });
        }
        let outcomes = get_all_settled(&futures, Some(timeout));
        if outcomes.len() != futures.len() {
            violation(format!(
                "{desc}: {} outcomes for {} futures",
                outcomes.len(),
                futures.len()
            ));
            return;
        }
        for (i, (outcome, expect)) in outcomes.iter().zip(&expects).enumerate() {
            if !expect.allows(outcome, short) {
                violation(format!("{desc}: outcome {i} is {outcome:?}, expected {expect:?}"));
            }
        }
        if short {
            return;
        }
        // Every future without a timed proxy is settled now, for good: reading again,
        // `Future::all` and `flatten` must agree with it. (A timed one may have timed out at
        // its deadline and got its value since.)
        let (futures, outcomes): (Vec<Future<u64>>, Vec<Result<u64>>) = futures
            .into_iter()
            .zip(outcomes)
            .zip(&calls)
            .filter(|(_, (_, _, timed, _, _))| timed.is_none())
            .map(|(pair, _)| pair)
            .unzip();
        let each: Vec<Result<u64>> = futures.iter().map(|f| f.get_timeout(HANG)).collect();
        if each != outcomes {
            violation(format!(
                "{desc}: reading again gave {each:?}, get_all_settled gave {outcomes:?}"
            ));
        }
        let first_error = each.iter().find_map(|o| o.as_ref().err().cloned());
        let expected_all = match first_error {
            Some(e) => Err(e),
            None => Ok(each.iter().map(|o| *o.as_ref().unwrap_or(&0)).collect::<Vec<u64>>()),
        };
        let all = Future::all(futures.iter().cloned()).get_timeout(HANG);
        if all != expected_all {
            violation(format!("{desc}: Future::all gave {all:?}, expected {expected_all:?}"));
        }
        for (f, o) in futures.iter().zip(&each) {
            let flat = Future::ready(f.clone()).flatten().get_timeout(HANG);
            if &flat != o {
                violation(format!(
                    "{desc}: Future::ready(f).flatten() gave {flat:?}, f gave {o:?}"
                ));
            }
            let mapped = f.map(|v| Future::ready(v.wrapping_add(1))).flatten().get_timeout(HANG);
            let want = o.clone().map(|v| v.wrapping_add(1));
            if mapped != want {
                violation(format!(
                    "{desc}: f.map(ready(v + 1)).flatten() gave {mapped:?}, expected {want:?}"
                ));
            }
        }
    });
    true
}
