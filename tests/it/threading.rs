//! The thread-per-actor runtime: thread names, one thread per actor, waiting for actors, and the
//! ceiling on actor threads.
//!
//! Covers B138 and B139 of shared/reference/pykka-behaviors.md. B139 is reshaped: Rust has no
//! daemon threads, so "the interpreter waits for the actor" becomes "`ActorRegistry::join_all`
//! waits for it". B140 is reshaped the same way: `Actor::DAEMON = true` means `join_all` does not
//! wait for the actor.

use std::collections::HashSet;
use std::thread::ThreadId;
use std::time::Duration;

use pykka::{Actor, ActorRegistry, Context, Error, Runtime, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, threads_named, within};

/// Tells where it runs.
struct Named;

impl Actor for Named {
    type Message = ();
    type Reply = (Option<String>, ThreadId);
    // This file tests the thread runtime, whatever PYKKA_RUNTIME says.
    const RUNTIME: Runtime = Runtime::Thread;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<Self::Reply, Unhandled> {
        let me = std::thread::current();
        Ok((me.name().map(str::to_owned), me.id()))
    }
}

fn numbered(name: &str, prefix: &str) -> Option<u64> {
    name.strip_prefix(prefix)?.strip_prefix('-')?.parse().ok()
}

#[test]
fn b138_actor_thread_is_named_after_the_actor_type() {
    let first = Named.start();
    let second = Named.start();
    let (name1, _) = first.ask(()).unwrap();
    let (name2, _) = second.ask(()).unwrap();
    let (name1, name2) = (name1.expect("a named thread"), name2.expect("a named thread"));
    let n1 = numbered(&name1, "Named").unwrap_or_else(|| panic!("not Named-N: {name1}"));
    let n2 = numbered(&name2, "Named").unwrap_or_else(|| panic!("not Named-N: {name2}"));
    assert!(n1 < n2, "numbered in start order: {name1}, {name2}");
    assert!(first.stop());
    assert!(second.stop());
}

/// An actor type used by one test only, so its threads can be counted by name.
struct OneThreadEach;

impl Actor for OneThreadEach {
    type Message = ();
    type Reply = ThreadId;
    // This file tests the thread runtime, whatever PYKKA_RUNTIME says.
    const RUNTIME: Runtime = Runtime::Thread;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<ThreadId, Unhandled> {
        Ok(std::thread::current().id())
    }
}

#[test]
fn b139_each_actor_has_exactly_one_thread_of_its_own() {
    let registry = ActorRegistry::new();
    let actors: Vec<_> = (0..3).map(|_| OneThreadEach.start_in(&registry)).collect();
    let ids: HashSet<ThreadId> = actors.iter().map(|a| a.ask(()).unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&std::thread::current().id()));
    // Every message of one actor runs on the same thread.
    assert!(actors.iter().all(|a| ids.contains(&a.ask(()).unwrap())));
    // Reading /proc/self/task can skip entries while other tests' threads come and go, so
    // read it until the three actor threads are all seen (bounded).
    let mut counted = threads_named("OneThreadEach-");
    for _ in 0..1000 {
        if counted.as_ref().is_none_or(|t| t.len() == 3) {
            break;
        }
        std::thread::yield_now();
        counted = threads_named("OneThreadEach-");
    }
    assert!(
        counted.is_some() || !cfg!(target_os = "linux"),
        "/proc/self/task is readable on Linux"
    );
    if let Some(threads) = counted {
        assert_eq!(threads.len(), 3, "{threads:?}");
    }
    assert_eq!(registry.stop_all(), vec![true; 3]);
    for actor in &actors {
        let actor = actor.clone();
        within("join", move || actor.join()).unwrap();
    }
    if let Some(threads) = threads_named("OneThreadEach-") {
        assert!(threads.is_empty(), "{threads:?}");
    }
}

/// Stops itself when told to.
struct Quitter;

impl Actor for Quitter {
    type Message = ();
    type Reply = ();
    // This file tests the thread runtime, whatever PYKKA_RUNTIME says.
    const RUNTIME: Runtime = Runtime::Thread;

    fn on_receive(&mut self, ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
        ctx.stop();
        Ok(())
    }
}

#[test]
fn b139_join_all_waits_for_running_actors() {
    // R: the port's replacement of non-daemon threads is an explicit wait for the actors.
    let registry = ActorRegistry::new();
    assert_eq!(registry.join_all(Some(Duration::ZERO)), Ok(()));
    let actor = Quitter.start_in(&registry);
    // The actor runs until it is told to stop, so a bounded wait gives up.
    let err = registry.join_all(Some(Duration::from_millis(5))).unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.actor(), Some(actor.id()));
    assert!(actor.is_alive());
    actor.tell(()).unwrap();
    let result = within("join_all", {
        let registry = registry.clone();
        move || registry.join_all(None)
    });
    assert_eq!(result, Ok(()));
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
    assert_eq!(registry.join_all(Some(DEFAULT_TIMEOUT)), Ok(()));
}

/// An actor that declares itself a daemon (B140).
struct Background;

impl Actor for Background {
    type Message = ();
    type Reply = ();
    // This file tests the thread runtime, whatever PYKKA_RUNTIME says.
    const RUNTIME: Runtime = Runtime::Thread;
    const DAEMON: bool = true;
}

#[test]
fn b140_join_all_does_not_wait_for_daemon_actors() {
    let registry = ActorRegistry::new();
    let daemon = Background.start_in(&registry);
    // A running daemon does not hold `join_all` back, even with no timeout.
    let result = within("join_all with a daemon", {
        let registry = registry.clone();
        move || registry.join_all(None)
    });
    assert_eq!(result, Ok(()));
    assert!(daemon.is_alive());
    let worker = Quitter.start_in(&registry);
    let err = registry.join_all(Some(Duration::from_millis(5))).unwrap_err();
    assert_eq!(
        err.actor(),
        Some(worker.id()),
        "only the non-daemon actor is waited for"
    );
    registry.stop_all();
}

// --- The ceiling on actor threads ----------------------------------------------------------------

/// The variable that tells a child process of this test binary which test it runs alone.
const CHILD: &str = "PYKKA_IT_CHILD_TEST";

/// Returns true in the child process running `test` alone. In the parent, runs this test
/// binary again with only `test` (so that its process-wide setting disturbs no other test),
/// asserts that the child ran exactly that test and passed, and returns false.
fn in_own_process(test: &str) -> bool {
    if std::env::var(CHILD).as_deref() == Ok(test) {
        return true;
    }
    let output = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{test} failed in its own process:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "{test} did not run in its own process:\n{stdout}"
    );
    false
}

/// The message of the start failure in `err`.
fn start_failure(err: &Error) -> &str {
    match err {
        Error::StartFailed { reason, .. } => reason,
        other => panic!("expected StartFailed, got {other:?}"),
    }
}

#[test]
fn start_past_max_actor_threads_fails_with_a_clear_error() {
    if !in_own_process("threading::start_past_max_actor_threads_fails_with_a_clear_error") {
        return;
    }
    let registry = ActorRegistry::new();
    let before = pykka::actor_threads();
    pykka::set_max_actor_threads(Some(before + 2));
    let first = Named.try_start_in(&registry).unwrap();
    let _second = Named.try_start_in(&registry).unwrap();
    assert_eq!(pykka::actor_threads(), before + 2);

    let err = Named.try_start_in(&registry).unwrap_err();
    let reason = start_failure(&err);
    let limit = format!("pykka::max_actor_threads() = {}", before + 2);
    for says in [&limit, "vm.max_map_count", "4 memory maps", "fewer actors"] {
        assert!(reason.contains(says), "the error says {says:?}: {reason}");
    }
    assert_eq!(err.actor().map(pykka::ActorId::name), Some("Named"));
    assert_eq!(registry.len(), 2, "the refused actor left no entry");
    let id = err.actor().cloned();
    assert!(
        pykka::debug::actor_states()
            .iter()
            .all(|s| Some(&s.actor) != id.as_ref())
    );

    // `start` refuses the same way, with a panic carrying the same explanation.
    let in_registry = registry.clone();
    let payload = std::panic::catch_unwind(move || Named.start_in(&in_registry)).expect_err("start panics");
    let message = payload.downcast_ref::<String>().expect("a formatted message");
    assert!(message.contains("vm.max_map_count"), "{message}");

    // A stop (which joins the thread) gives the place back.
    assert!(first.stop());
    assert_eq!(pykka::actor_threads(), before + 1);
    let third = Named.try_start_in(&registry).unwrap();
    assert_eq!(registry.stop_all().len(), 2);
    assert!(third.is_terminated());
    assert_eq!(pykka::actor_threads(), before);

    pykka::set_max_actor_threads(None);
    assert!(pykka::max_actor_threads() > before + 2);
}

#[test]
fn an_ended_actor_thread_counts_until_it_is_joined() {
    if !in_own_process("threading::an_ended_actor_thread_counts_until_it_is_joined") {
        return;
    }
    // A thread that ended keeps its stack (its memory maps) until it is joined, so it keeps
    // its place too.
    let registry = ActorRegistry::new();
    pykka::set_max_actor_threads(Some(pykka::actor_threads() + 1));
    let quitter = Quitter.start_in(&registry);
    quitter.tell(()).unwrap();
    while !quitter.is_terminated() {
        std::thread::yield_now();
    }
    assert!(start_failure(&Named.try_start_in(&registry).unwrap_err()).contains("vm.max_map_count"));
    quitter.join().unwrap();
    let named = Named.try_start_in(&registry).unwrap();
    assert!(named.stop());
    // Dropping the last reference to an ended actor, never joined, releases its thread as well
    // (the runtime's own references go when the thread ends, just after it is terminated).
    let before = pykka::actor_threads();
    let quitter = Quitter.start_in(&registry);
    quitter.tell(()).unwrap();
    while !quitter.is_terminated() {
        std::thread::yield_now();
    }
    assert_eq!(pykka::actor_threads(), before + 1, "ended, not joined: still counted");
    drop(quitter);
    let deadline = std::time::Instant::now() + DEFAULT_TIMEOUT;
    while pykka::actor_threads() > before {
        assert!(std::time::Instant::now() < deadline, "the thread was never released");
        std::thread::yield_now();
    }
    let named = Named.try_start_in(&registry).unwrap();
    assert!(named.stop());
    pykka::set_max_actor_threads(None);
}

#[test]
fn the_default_ceiling_leaves_room_under_the_system_s_map_cap() {
    let Some(cap) = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
    else {
        return; // not Linux: no ceiling is computed
    };
    let default = pykka::max_actor_threads();
    assert!(default > 0, "{default}");
    assert!(default * 4 < cap, "{default} threads of 4 maps each fit under {cap}");
}
