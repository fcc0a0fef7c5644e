//! The operations on full bounded inboxes: `try_tell`, proxies with a timeout
//! (`with_timeout`), `ask_timeout`, and `Context::stop_all` from a handler whose own inbox is
//! full.
//!
//! To fill an inbox for sure, the driver first *holds* the actor: it sends a message whose
//! handler reports that it runs and then waits until the driver releases it. While the actor
//! is held nothing leaves its inbox, so `try_tell` must report `Full` within a few messages,
//! and a timed call must time out.
//!
//! What they must guarantee:
//! - `try_tell` never blocks (it returns within [`SLACK`]); on `Full` or `Dead` it hands back
//!   the very message it was given (same sender and sequence number), which is then never
//!   handled; on an unbounded inbox it never reports `Full`;
//! - a call through `proxy.with_timeout(t)` (ask form and `defer()` form) and `ask_timeout(t)`
//!   on a held actor with a full inbox fail with `Error::Timeout` (or `ActorDead`) within `t`
//!   plus [`SLACK`], the call and its future's `get()` together;
//! - `stop_timeout(t)` on a held actor with a full inbox times out within `t` plus [`SLACK`]
//!   (the stop request needs no room), and the actor stops once released;
//! - `Context::stop_all()` from a handler, with the actor's own inbox full, returns: the actor
//!   then stops (`join_timeout(HANG)` succeeds).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

use pykka::{Actor, ActorRef, Error};

use crate::actors::{Answer, Kind, Msg, Probe};
use crate::checks::{HANG, SLACK, violation};
use crate::ops::{Entry, Handle, Op, World, describe};
use crate::rng::Rng;

/// How many `try_tell`s answered `Full` (shown in the summary: the checks on full inboxes ran).
pub(crate) static FULL: AtomicU64 = AtomicU64::new(0);
/// How many timed calls (and `stop_timeout`s) were made on a held actor with a full inbox.
pub(crate) static TIMED_ON_FULL: AtomicU64 = AtomicU64::new(0);

/// An actor held inside a handler; dropping it releases the actor.
struct Held {
    _gate: Sender<()>,
}

/// Sends a hold message (then, once released, `Context::stop_all` if `stop_all`) and waits
/// until the actor runs it. `None` if the actor ended before.
fn hold<A: Actor<Message = Msg, Reply = Answer>>(
    desc: &str,
    d: usize,
    probe: &Probe,
    r: &ActorRef<A>,
    stop_all: bool,
) -> Option<Held> {
    let (entered, started) = channel();
    let (gate_tx, gate) = channel();
    let msg = Msg {
        tag: probe.tag(d),
        kind: Kind::Hold {
            entered,
            gate,
            stop_all,
            value: 0,
        },
    };
    if let Err(e) = r.tell(msg) {
        if !e.is_actor_dead() {
            violation(format!("{desc}: the hold message's tell failed with {e:?}"));
        }
        return None;
    }
    match started.recv_timeout(HANG) {
        Ok(()) => Some(Held { _gate: gate_tx }),
        // The message was dropped unhandled: the actor is ending.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => None,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            violation(format!(
                "HANG: {desc}: the hold message was not handled within {HANG:?}"
            ));
            None
        }
    }
}

/// How filling an inbox with `try_tell` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filled {
    Full,
    Dead,
    /// Every try was accepted.
    Room,
}

/// `try_tell`s work until the inbox is full (at most `tries`), checking each call.
fn fill<A: Actor<Message = Msg, Reply = Answer>>(
    desc: &str,
    d: usize,
    probe: &Probe,
    r: &ActorRef<A>,
    tries: usize,
) -> Filled {
    for _ in 0..tries {
        let tag = probe.tag(d);
        let msg = Msg {
            tag,
            kind: Kind::Work(tag.seq),
        };
        let began = Instant::now();
        let result = r.try_tell(msg);
        let took = began.elapsed();
        if took > SLACK {
            violation(format!("{desc}: try_tell blocked for {took:?} (it must never wait)"));
        }
        let error = match result {
            Ok(()) => continue,
            Err(e) => e,
        };
        if error.actor() != r.id() {
            violation(format!(
                "{desc}: try_tell's error names {}, not {}",
                error.actor(),
                r.id()
            ));
        }
        let full = error.is_full();
        if full && A::INBOX_CAPACITY.is_none() {
            violation(format!("{desc}: try_tell reported Full on an unbounded inbox"));
        }
        let back = error.into_inner();
        if back.tag.sender != tag.sender
            || back.tag.seq != tag.seq
            || !matches!(back.kind, Kind::Work(s) if s == tag.seq)
        {
            violation(format!(
                "{desc}: try_tell handed back {back:?}, not the message {tag:?} it was given"
            ));
        }
        probe.rejected(tag);
        if full {
            FULL.fetch_add(1, Ordering::Relaxed);
            return Filled::Full;
        }
        return Filled::Dead;
    }
    Filled::Room
}

/// `try_tell` on any actor; on a bounded one, often while it is held, until it is full.
pub(crate) fn try_tell(world: &World, d: usize, rng: &mut Rng, entry: &Entry) {
    let held = entry.is_bounded() && rng.one_in(2);
    let desc = describe(Op::TryTell, Some(entry), if held { "held" } else { "" });
    let _ = world.guarded(d, &desc, false, || {
        with_ref!(&entry.handle, r => {
            if !held {
                let _ = fill(&desc, d, &entry.probe, r, if entry.is_bounded() { 8 } else { 1 });
                return;
            }
            let Some(hold) = hold(&desc, d, &entry.probe, r, false) else { return };
            let filled = fill(&desc, d, &entry.probe, r, 64);
            if filled == Filled::Room {
                violation(format!("{desc}: 64 try_tells to a held actor with a bounded inbox never reported Full"));
            }
            drop(hold);
        });
    });
}

/// A timed call on a held actor whose bounded inbox is full: through `with_timeout` on a
/// proxied actor, `ask_timeout` on a plain one. Also, unheld, a timed proxy call on any
/// proxied actor, whose `get()` is bounded too.
pub(crate) fn timed_proxy(world: &World, d: usize, rng: &mut Rng, entry: &Entry) {
    let t = [
        Duration::from_millis(1),
        Duration::from_millis(5),
        Duration::from_millis(20),
    ][rng.index(3)];
    let defer = rng.one_in(3);
    let held = rng.below(4) != 0;
    let (a, b) = (rng.next_u64(), rng.next_u64());
    let desc = describe(
        Op::TimedProxy,
        Some(entry),
        &format!("timeout {t:?}, defer {defer}, held {held}"),
    );
    let probe = &entry.probe;
    let _ = world.guarded(d, &desc, false, || {
        let hold_and_fill = |hold: Option<Held>, filled: Filled| {
            let full = hold.filter(|_| filled == Filled::Full);
            if full.is_some() {
                TIMED_ON_FULL.fetch_add(1, Ordering::Relaxed);
            }
            full
        };
        let bounded = |took: Duration| {
            if took > t + SLACK {
                violation(format!("{desc}: the timed call took {took:?}"));
            }
        };
        match &entry.handle {
            Handle::BoundedCalc(r) => {
                let held = if held {
                    let h = hold(&desc, d, probe, r, false);
                    let filled = if h.is_some() {
                        fill(&desc, d, probe, r, 64)
                    } else {
                        Filled::Dead
                    };
                    hold_and_fill(h, filled)
                } else {
                    None
                };
                let Ok(proxy) = r.proxy() else { return };
                let proxy = proxy.with_timeout(t);
                let tag = probe.tag(d);
                probe.uncertain(tag);
                let began = Instant::now();
                let result = if defer {
                    proxy.defer().note(d, tag.seq).map(|()| a.wrapping_add(b))
                } else {
                    proxy.add(d, tag.seq, a, b).get()
                };
                bounded(began.elapsed());
                match result {
                    Err(Error::Timeout { .. } | Error::ActorDead { .. }) => {}
                    Ok(sum) if held.is_none() && sum == a.wrapping_add(b) => {}
                    other => violation(format!(
                        "{desc}: expected {}Timeout or ActorDead, got {other:?}",
                        if held.is_some() { "" } else { "the sum, " }
                    )),
                }
                drop(held);
            }
            Handle::BoundedEcho(r) => {
                if !held {
                    return;
                }
                let h = hold(&desc, d, probe, r, false);
                let filled = if h.is_some() {
                    fill(&desc, d, probe, r, 64)
                } else {
                    Filled::Dead
                };
                let Some(h) = hold_and_fill(h, filled) else { return };
                let tag = probe.tag(d);
                probe.uncertain(tag);
                let began = Instant::now();
                let result = r.ask_timeout(
                    Msg {
                        tag,
                        kind: Kind::Work(a),
                    },
                    t,
                );
                bounded(began.elapsed());
                match result {
                    Err(Error::Timeout { .. } | Error::ActorDead { .. }) => {}
                    other => {
                        let shown = format!("{other:?}");
                        if let Ok(answer) = other {
                            std::mem::forget(answer);
                        }
                        violation(format!("{desc}: expected Timeout or ActorDead, got {shown}"));
                    }
                }
                drop(h);
            }
            Handle::Calc(r) => {
                let Ok(proxy) = r.proxy() else { return };
                let tag = probe.tag(d);
                let began = Instant::now();
                let result = proxy.with_timeout(t).add(d, tag.seq, a, b).get();
                bounded(began.elapsed());
                match result {
                    Ok(sum) if sum == a.wrapping_add(b) => {}
                    Err(Error::Timeout { .. } | Error::ActorDead { .. }) => {}
                    other => violation(format!("{desc}: expected the sum, Timeout or ActorDead, got {other:?}")),
                }
            }
            Handle::Echo(_) => {}
        }
    });
}

/// `stop_timeout(t)` on a held actor whose bounded inbox is full: the stop request needs no
/// room, but the actor cannot finish while held, so it must time out within `t` plus
/// [`SLACK`]; released, the actor then stops (`join_timeout(HANG)` succeeds).
pub(crate) fn stop_full(world: &World, d: usize, rng: &mut Rng, entry: &Entry) {
    let t = [Duration::ZERO, Duration::from_millis(1), Duration::from_millis(20)][rng.index(3)];
    let desc = describe(Op::StopFull, Some(entry), &format!("timeout {t:?}"));
    let _ = world.guarded(d, &desc, false, || {
        with_ref!(&entry.handle, r => {
            let Some(h) = hold(&desc, d, &entry.probe, r, false) else { return };
            if fill(&desc, d, &entry.probe, r, 64) != Filled::Full {
                return;
            }
            TIMED_ON_FULL.fetch_add(1, Ordering::Relaxed);
            let began = Instant::now();
            let result = r.stop_timeout(t);
            let took = began.elapsed();
            if took > t + SLACK {
                violation(format!("{desc}: stop_timeout on a full inbox took {took:?}"));
            }
            if !matches!(result, Err(Error::Timeout { .. })) {
                violation(format!("{desc}: the actor is held, expected Timeout, got {result:?}"));
            }
            drop(h);
            if let Err(e) = r.join_timeout(HANG) {
                violation(format!("{desc}: the actor did not end once released: {e:?}"));
            }
        });
    });
}

/// Holds the actor, fills its inbox if bounded, then releases it into `Context::stop_all()`:
/// that must return, so the actor stops, and `join_timeout(HANG)` succeeds.
pub(crate) fn ctx_stop_all(world: &World, d: usize, entry: &Entry) {
    let desc = describe(Op::CtxStopAll, Some(entry), "");
    let _stopping = world.sup.shared.epochs.stopping(entry.scope);
    let _ = world.guarded(d, &desc, false, || {
        with_ref!(&entry.handle, r => {
            if let Some(h) = hold(&desc, d, &entry.probe, r, true) {
                if entry.is_bounded() {
                    let _ = fill(&desc, d, &entry.probe, r, 64);
                }
                drop(h);
            }
            match r.join_timeout(HANG) {
                Ok(()) if r.is_terminated() && entry.probe.is_finished() && !entry.probe.in_end_hook() => {}
                Ok(()) => violation(format!("{desc}: joined before the actor was done")),
                Err(e) => violation(format!("{desc}: the actor did not end after Context::stop_all: {e:?}")),
            }
        });
    });
}
