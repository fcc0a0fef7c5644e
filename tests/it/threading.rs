//! The thread-per-actor runtime: thread names, one thread per actor, waiting for actors.
//!
//! Covers B138 and B139 of shared/reference/pykka-behaviors.md. B139 is reshaped: Rust has no
//! daemon threads, so "the interpreter waits for the actor" becomes "`ActorRegistry::join_all`
//! waits for it". B140 is reshaped the same way: `Actor::DAEMON = true` means `join_all` does not
//! wait for the actor.

use std::collections::HashSet;
use std::thread::ThreadId;
use std::time::Duration;

use pykka::{Actor, ActorRegistry, Context, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, threads_named, within};

/// Tells where it runs.
struct Named;

impl Actor for Named {
    type Message = ();
    type Reply = (Option<String>, ThreadId);

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
