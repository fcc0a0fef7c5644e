//! The operations on the waits for an actor's end: `join`/`join_timeout` (typed and through
//! `AnyActorRef`), `join_all`, `stop_all_timeout`, and blocking on oneself from a handler.
//!
//! What they must guarantee:
//! - `join` returns `Ok` only once `is_terminated()` is true and the actor's hooks and `Drop`
//!   are done; `join_timeout` times out only if the actor had not terminated when it was
//!   called, and within its timeout plus [`SLACK`];
//! - `join_all`, `stop_all` and `stop_all_timeout` never return `Ok` while an actor that was
//!   in the registry when they were called is still inside `on_stop`/`on_failure`;
//! - `join`, `join_timeout` and `join_all` from the actor's own thread return `Error::Deadlock`.

use std::time::{Duration, Instant};

use pykka::{Error, Result, get_all_settled};

use crate::actors::{Answer, Kind, Msg, expected};
use crate::checks::{HANG, SLACK, violation};
use crate::ops::{Entry, Handle, Op, SHARED_SCOPES, World, check_scope_done, describe, short_timeout};
use crate::rng::Rng;

/// Checks what a `join`/`join_timeout(timeout)` (`None`: `join`) answered, given whether the
/// actor had terminated before the call and how long the call took.
fn check_join(
    desc: &str,
    entry: Option<&Entry>,
    terminated: impl Fn() -> bool,
    before: bool,
    result: Result<()>,
    timeout: Option<Duration>,
    took: Duration,
) {
    match result {
        Ok(()) => {
            if !terminated() {
                violation(format!("{desc}: joined, yet is_terminated() is false"));
            }
            if let Some(e) = entry
                && (e.probe.in_end_hook() || !e.probe.is_finished())
            {
                violation(format!("{desc}: joined before the actor's hooks and Drop were done"));
            }
        }
        Err(Error::Timeout { .. }) if timeout.is_some_and(|t| t < HANG) => {
            if before {
                violation(format!("{desc}: timed out although is_terminated() was already true"));
            }
            let t = timeout.unwrap_or_default();
            if took > t + SLACK {
                violation(format!("{desc}: join_timeout({t:?}) took {took:?}"));
            }
        }
        other => violation(format!(
            "{desc}: expected Ok (or Timeout for a short timeout), got {other:?}"
        )),
    }
}

/// `join()` or `join_timeout(HANG)` on an actor that is stopping (it must end), or
/// `join_timeout(short)` on any actor.
pub(crate) fn join(world: &World, d: usize, rng: &mut Rng, entry: &Entry) {
    let variant = rng.below(3);
    let short = short_timeout(rng);
    let desc = describe(Op::Join, Some(entry), &format!("variant {variant}, short {short:?}"));
    let _ = world.guarded(d, &desc, false, || {
        with_ref!(&entry.handle, r => {
            let before = r.is_terminated();
            let stopping = !r.is_alive();
            let timeout = match variant {
                0 if stopping => None,
                1 if stopping => Some(HANG),
                _ => Some(short),
            };
            let began = Instant::now();
            let result = match timeout {
                None => r.join(),
                Some(t) => r.join_timeout(t),
            };
            check_join(&desc, Some(entry), || r.is_terminated(), before, result, timeout, began.elapsed());
        });
    });
}

/// `stop_future()` (dropped), then `join()`: it returns, and the actor is done.
pub(crate) fn stop_join(world: &World, d: usize, entry: &Entry) {
    let desc = describe(Op::StopJoin, Some(entry), "");
    let _ = world.guarded(d, &desc, false, || {
        with_ref!(&entry.handle, r => {
            drop(r.stop_future());
            let began = Instant::now();
            let result = r.join();
            check_join(&desc, Some(entry), || r.is_terminated(), false, result, None, began.elapsed());
        });
    });
}

/// Stops or joins an actor found in a registry, through `AnyActorRef`.
pub(crate) fn stop_any(world: &World, d: usize, rng: &mut Rng) -> bool {
    let scope = rng.index(world.scopes.len());
    let actors = world.scopes[scope].get_all();
    if actors.is_empty() {
        return false;
    }
    let actor = actors[rng.index(actors.len())].clone();
    let entry = crate::actors::lock(&world.pool)
        .iter()
        .find(|e| e.id() == actor.id())
        .cloned();
    let variant = rng.below(4);
    let short = short_timeout(rng);
    let desc = format!(
        "stop_any variant {variant} (short {short:?}) on {actor:?} ({})",
        entry.as_ref().map_or("not in the pool", |e| e.probe.label.as_str())
    );
    // A supervised actor may be found here before its first `on_start` made it known.
    let _stopping = world.sup.shared.epochs.stopping(scope);
    world.sup.stop_requested(actor.urn());
    let _ = world.guarded(d, &desc, false, || {
        let before = actor.is_terminated();
        let began = Instant::now();
        let (result, timeout) = match variant {
            0 => match actor.stop_timeout(HANG) {
                Ok(_) => (Ok(()), Some(HANG)),
                Err(e) => (Err(e), Some(HANG)),
            },
            1 => {
                drop(actor.stop_future());
                (actor.join(), None)
            }
            2 => (actor.join_timeout(short), Some(short)),
            _ => {
                drop(actor.stop_future());
                (actor.join_timeout(HANG), Some(HANG))
            }
        };
        check_join(
            &desc,
            entry.as_ref(),
            || actor.is_terminated(),
            before,
            result,
            timeout,
            began.elapsed(),
        );
    });
    true
}

/// `join_all(Some(short))` on any registry, or, on the driver's private registry (where no
/// other driver starts actors), `stop_all_nowait()` and then `join_all(Some(HANG))`, which
/// must succeed.
pub(crate) fn join_all(world: &World, d: usize, rng: &mut Rng) -> bool {
    let stop_first = rng.one_in(2);
    let scope = if stop_first {
        SHARED_SCOPES + d
    } else {
        rng.index(world.scopes.len())
    };
    let short = short_timeout(rng);
    let before = world.in_scope(scope);
    let desc = format!(
        "join_all on scope {scope} ({} actors in the pool), {}",
        before.len(),
        if stop_first {
            "after stop_all_nowait, timeout HANG".to_owned()
        } else {
            format!("timeout {short:?}")
        }
    );
    let registry = &world.scopes[scope];
    let _stopping = stop_first.then(|| world.sup.shared.epochs.stopping(scope));
    let _ = world.guarded(d, &desc, false, || {
        let began = Instant::now();
        if stop_first {
            let stops = registry.stop_all_nowait();
            let answers = get_all_settled(&stops, Some(HANG));
            if answers.len() != stops.len() {
                violation(format!(
                    "{desc}: get_all_settled of {} stop futures gave {} outcomes",
                    stops.len(),
                    answers.len()
                ));
            }
            for answer in answers {
                if !matches!(answer, Ok(_) | Err(Error::ActorDead { .. })) {
                    violation(format!("{desc}: a stop future answered {answer:?}"));
                }
            }
            match registry.join_all(Some(HANG)) {
                Ok(()) => check_scope_done(&desc, &before),
                Err(e) => violation(format!("{desc}: expected Ok, got {e:?}")),
            }
        } else {
            match registry.join_all(Some(short)) {
                Ok(()) => check_scope_done(&desc, &before),
                Err(Error::Timeout { .. }) => {
                    let took = began.elapsed();
                    if took > short + SLACK {
                        violation(format!("{desc}: timed out after {took:?}"));
                    }
                }
                Err(e) => violation(format!("{desc}: expected Ok or Timeout, got {e:?}")),
            }
        }
    });
    true
}

/// `stop_all_timeout(short or HANG)` on any registry: `Ok` means every actor of the registry
/// is done; a timeout only for a short one.
pub(crate) fn stop_all_timeout(world: &World, d: usize, rng: &mut Rng) -> bool {
    let scope = rng.index(world.scopes.len());
    let timeout = if rng.one_in(2) { HANG } else { short_timeout(rng) };
    let before = world.in_scope(scope);
    let desc = format!(
        "stop_all_timeout({timeout:?}) on scope {scope} ({} actors in the pool)",
        before.len()
    );
    let _stopping = world.sup.shared.epochs.stopping(scope);
    let _ = world.guarded(d, &desc, false, || {
        let began = Instant::now();
        match world.scopes[scope].stop_all_timeout(timeout) {
            Ok(_) => check_scope_done(&desc, &before),
            Err(Error::Timeout { .. }) if timeout < HANG => {
                let took = began.elapsed();
                if took > timeout + SLACK {
                    violation(format!("{desc}: timed out after {took:?}"));
                }
            }
            Err(e) => violation(format!("{desc}: expected Ok (or Timeout for a short one), got {e:?}")),
        }
    });
    true
}

/// Asks the actor to `join` itself (and `join_all` its registry) from its own thread: each
/// must answer `Error::Deadlock` (checked on the actor's thread), and the ask must be answered.
pub(crate) fn join_self(world: &World, d: usize, rng: &mut Rng, entry: &Entry) {
    let value = rng.next_u64();
    let registry = rng.one_in(2).then(|| world.scopes[entry.scope].clone());
    let tag = entry.probe.tag(d);
    let desc = describe(
        Op::JoinSelf,
        Some(entry),
        &format!("{tag:?}, join_all too: {}", registry.is_some()),
    );
    let _ = world.guarded(d, &desc, false, || {
        let msg = Msg {
            tag,
            kind: Kind::JoinSelf { registry, value },
        };
        let result = with_ref!(&entry.handle, r => r.ask_timeout(msg, HANG));
        match result {
            Ok(Answer { value: v, bomb: None }) if v == expected(value) => {}
            Err(Error::ActorDead { .. }) => {}
            other => {
                let shown = format!("{other:?}");
                if let Ok(answer) = other {
                    std::mem::forget(answer);
                }
                violation(format!("{desc}: expected the reply or ActorDead, got {shown}"));
            }
        }
    });
}
