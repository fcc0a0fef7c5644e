//! `ActorRegistry`: registration, lookups, broadcast, `stop_all` and `join_all`, which wait for
//! the actors that are stopping too.
//!
//! Covers B116-B129 of shared/reference/pykka-behaviors.md. Every test uses its own
//! `ActorRegistry::new()`, so tests running in parallel never see each other's actors.

use std::sync::mpsc;
use std::time::Duration;

use pykka::{Actor, ActorRef, ActorRegistry, AnyActorRef, Context, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, Events, Latch, spawn, within};

/// Records what it is told, and its stop, in a shared event list.
struct Listener {
    tag: &'static str,
    events: Events,
}

impl Actor for Listener {
    type Message = String;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: String) -> Result<(), Unhandled> {
        self.events.push(format!("{} got {msg}", self.tag));
        Ok(())
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.events.push(format!("{} stop begins", self.tag));
        self.events.push(format!("{} stop ends", self.tag));
    }
}

/// Another actor type with the same message type.
struct Echoer {
    tag: &'static str,
    events: Events,
}

impl Actor for Echoer {
    type Message = String;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: String) -> Result<(), Unhandled> {
        self.events.push(format!("{} got {msg}", self.tag));
        Ok(())
    }
}

/// An actor type with another message type.
struct Counter;

impl Actor for Counter {
    type Message = u32;
    type Reply = u32;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: u32) -> Result<u32, Unhandled> {
        Ok(n)
    }
}

fn listener(registry: &ActorRegistry, tag: &'static str, events: &Events) -> pykka::ActorRef<Listener> {
    Listener {
        tag,
        events: events.clone(),
    }
    .start_in(registry)
}

fn urns(refs: &[AnyActorRef]) -> Vec<String> {
    refs.iter().map(|r| r.urn().to_owned()).collect()
}

#[test]
fn b116_started_actor_is_registered() {
    let registry = ActorRegistry::new();
    let actor = Counter.start_in(&registry);
    assert_eq!(registry.get_all(), vec![AnyActorRef::from(actor.clone())]);
    assert_eq!(registry.len(), 1);
    assert!(actor.stop());
}

#[test]
fn b116_start_registers_in_the_global_registry() {
    let actor = Counter.start();
    assert!(ActorRegistry::global().get_by_urn(actor.urn()).is_some());
    assert!(actor.stop());
    assert!(ActorRegistry::global().get_by_urn(actor.urn()).is_none());
}

#[test]
fn b117_stopped_actor_is_unregistered() {
    let registry = ActorRegistry::new();
    let actor = Counter.start_in(&registry);
    assert!(actor.stop());
    assert!(registry.get_all().is_empty());
    assert!(registry.is_empty());
}

#[test]
fn b118_actor_may_be_unregistered_and_registered_by_hand() {
    let registry = ActorRegistry::new();
    let actor = Counter.start_in(&registry);
    assert!(registry.unregister(&actor));
    assert!(registry.is_empty());
    assert!(actor.is_alive(), "unregistering does not stop the actor");
    registry.register(&actor);
    assert_eq!(registry.get_all(), vec![AnyActorRef::from(actor.clone())]);
    registry.register(&actor);
    assert_eq!(registry.len(), 1, "registering twice keeps one entry");
    assert!(actor.stop());
    assert!(registry.is_empty());
}

#[test]
fn b119_unregistering_twice_is_a_no_op() {
    let registry = ActorRegistry::new();
    let actor = Counter.start_in(&registry);
    assert!(registry.unregister(&actor));
    assert!(!registry.unregister(&actor));
    assert!(registry.is_empty());
    registry.register(&actor);
    assert_eq!(registry.len(), 1);
    assert!(actor.stop());
}

#[test]
fn registration_order_survives_unregistering_and_registering_again() {
    let registry = ActorRegistry::new();
    let actors: Vec<_> = (0..5).map(|_| Counter.start_in(&registry)).collect();
    let expect = |order: &[usize]| {
        urns(
            &order
                .iter()
                .map(|&i| AnyActorRef::from(actors[i].clone()))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(urns(&registry.get_all()), expect(&[0, 1, 2, 3, 4]));
    assert!(registry.unregister(&actors[1]));
    assert!(registry.unregister(&actors[3]));
    assert_eq!(urns(&registry.get_all()), expect(&[0, 2, 4]));
    // Registered again, an actor counts as the latest: it is stopped first.
    registry.register(&actors[1]);
    registry.register(&actors[0]);
    assert_eq!(
        urns(&registry.get_all()),
        expect(&[0, 2, 4, 1]),
        "registering twice keeps the first place"
    );
    assert_eq!(registry.len(), 4);
    assert_eq!(
        registry.get_by_urn(actors[2].urn()).map(|a| a.urn().to_owned()),
        Some(actors[2].urn().to_owned())
    );
    assert!(registry.get_by_urn(actors[3].urn()).is_none());
    assert_eq!(registry.stop_all(), vec![true; 4]);
    assert!(registry.is_empty());
    assert!(actors[3].stop(), "the unregistered actor still runs");
}

#[test]
fn b120_stop_all_stops_every_actor() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let listeners: Vec<_> = (0..4).map(|_| listener(&registry, "l", &events)).collect();
    let counters: Vec<_> = (0..4).map(|_| Counter.start_in(&registry)).collect();
    assert_eq!(registry.len(), 8);
    let answers = within("stop_all", {
        let registry = registry.clone();
        move || registry.stop_all()
    });
    assert_eq!(answers, vec![true; 8]);
    assert!(registry.get_all().is_empty());
    assert!(listeners.iter().all(|a| !a.is_alive()));
    assert!(counters.iter().all(|a| !a.is_alive()));
}

#[test]
fn b121_stop_all_stops_the_last_started_first_one_at_a_time() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let _a = listener(&registry, "a", &events);
    let _b = listener(&registry, "b", &events);
    let _c = listener(&registry, "c", &events);
    assert_eq!(registry.stop_all(), vec![true, true, true]);
    assert_eq!(
        events.snapshot(),
        [
            "c stop begins",
            "c stop ends",
            "b stop begins",
            "b stop ends",
            "a stop begins",
            "a stop ends"
        ]
    );
}

#[test]
fn b122_lookup_by_type_returns_exactly_that_type() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let l1 = listener(&registry, "l1", &events);
    let c1 = Counter.start_in(&registry);
    let l2 = listener(&registry, "l2", &events);
    assert_eq!(registry.get_by_type::<Listener>(), vec![l1, l2]);
    assert_eq!(registry.get_by_type::<Counter>(), vec![c1]);
    assert!(registry.get_by_type::<Echoer>().is_empty());
    registry.stop_all();
}

#[test]
fn b123_lookup_by_type_does_not_match_another_type_with_the_same_messages() {
    // R: Rust has no subclasses; the closest relative of a subclass is another actor type
    // with the same message and reply types, and it is not matched.
    let registry = ActorRegistry::new();
    let events = Events::new();
    let echoer = Echoer {
        tag: "e",
        events: events.clone(),
    }
    .start_in(&registry);
    let listener = listener(&registry, "l", &events);
    assert_eq!(registry.get_by_type::<Echoer>(), vec![echoer.clone()]);
    assert_eq!(registry.get_by_type::<Listener>(), vec![listener.clone()]);
    let any = registry.get_by_urn(echoer.urn()).unwrap();
    assert!(any.is::<Echoer>());
    assert!(!any.is::<Listener>());
    assert!(any.downcast::<Listener>().is_none());
    registry.stop_all();
}

#[test]
fn b124_lookup_by_name_matches_the_exact_type_name() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let l = listener(&registry, "l", &events);
    let c = Counter.start_in(&registry);
    assert_eq!(urns(&registry.get_by_name("Listener")), vec![l.urn().to_owned()]);
    assert_eq!(urns(&registry.get_by_name("Counter")), vec![c.urn().to_owned()]);
    assert!(registry.get_by_name("Listen").is_empty());
    assert!(registry.get_by_name("registry::Listener").is_empty());
    registry.stop_all();
}

#[test]
fn b125_lookup_by_urn_returns_an_equal_ref() {
    let registry = ActorRegistry::new();
    let actor = Counter.start_in(&registry);
    let found = registry.get_by_urn(actor.urn()).expect("registered");
    assert_eq!(found, actor);
    assert_eq!(found.downcast::<Counter>(), Some(actor.clone()));
    assert_eq!(found.downcast::<Counter>().unwrap().ask(4), Ok(4));
    assert!(actor.stop());
}

#[test]
fn b126_lookup_of_an_unknown_urn_is_none() {
    let registry = ActorRegistry::new();
    let actor = Counter.start_in(&registry);
    assert!(
        registry
            .get_by_urn("urn:uuid:00000000-0000-4000-8000-000000000000")
            .is_none()
    );
    assert!(ActorRegistry::new().get_by_urn(actor.urn()).is_none());
    assert!(actor.stop());
}

/// Waits until each actor has handled everything sent to it so far.
fn flush(registry: &ActorRegistry) {
    for actor in registry.get_all() {
        if let Some(l) = actor.downcast::<Listener>() {
            assert_eq!(l.ask_timeout(String::from("flush"), DEFAULT_TIMEOUT), Ok(()));
        } else if let Some(e) = actor.downcast::<Echoer>() {
            assert_eq!(e.ask_timeout(String::from("flush"), DEFAULT_TIMEOUT), Ok(()));
        } else if let Some(c) = actor.downcast::<Counter>() {
            assert_eq!(c.ask_timeout(0, DEFAULT_TIMEOUT), Ok(0));
        }
    }
}

fn got(events: &Events, msg: &str) -> Vec<String> {
    let mut who: Vec<String> = events
        .snapshot()
        .into_iter()
        .filter_map(|e| e.strip_suffix(&format!(" got {msg}")).map(String::from))
        .collect();
    who.sort();
    who
}

#[test]
fn b127_broadcast_reaches_every_actor_taking_the_message_type() {
    // R: a broadcast goes to every running actor whose message type is the broadcast's type.
    let registry = ActorRegistry::new();
    let events = Events::new();
    let _l = listener(&registry, "l", &events);
    let _e = Echoer {
        tag: "e",
        events: events.clone(),
    }
    .start_in(&registry);
    let _c = Counter.start_in(&registry);
    assert_eq!(registry.broadcast(&String::from("hello")), 2);
    flush(&registry);
    assert_eq!(got(&events, "hello"), ["e", "l"]);
    assert_eq!(registry.broadcast(&7_u32), 1);
    registry.stop_all();
}

#[test]
fn b128_broadcast_to_a_type() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let _l1 = listener(&registry, "l1", &events);
    let _l2 = listener(&registry, "l2", &events);
    let _e = Echoer {
        tag: "e",
        events: events.clone(),
    }
    .start_in(&registry);
    assert_eq!(registry.broadcast_to::<Listener>(&String::from("typed")), 2);
    flush(&registry);
    assert_eq!(got(&events, "typed"), ["l1", "l2"]);
    registry.stop_all();
}

#[test]
fn b129_broadcast_to_a_type_name() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let _l = listener(&registry, "l", &events);
    let _e = Echoer {
        tag: "e",
        events: events.clone(),
    }
    .start_in(&registry);
    assert_eq!(registry.broadcast_to_name("Echoer", &String::from("named")), 1);
    assert_eq!(registry.broadcast_to_name("Nobody", &String::from("named")), 0);
    flush(&registry);
    assert_eq!(got(&events, "named"), ["e"]);
    registry.stop_all();
}

#[test]
fn broadcast_skips_actors_that_stopped() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let l1 = listener(&registry, "l1", &events);
    let l2 = listener(&registry, "l2", &events);
    // Registered by hand after it stopped: still listed, but dead.
    assert!(l1.stop());
    registry.register(&l1);
    assert_eq!(registry.broadcast(&String::from("late")), 1);
    assert_eq!(l2.ask_timeout(String::from("flush"), DEFAULT_TIMEOUT), Ok(()));
    assert_eq!(got(&events, "late"), ["l2"]);
    registry.unregister(&l1);
    registry.stop_all();
}

#[test]
fn stop_all_returns_when_a_registered_actor_is_already_dead() {
    // Pykka's `stop_all` answers False for such an actor; it must not loop on it forever.
    let registry = ActorRegistry::new();
    let other = ActorRegistry::new();
    let dead = Counter.start_in(&other);
    assert!(dead.stop());
    registry.register(&dead);
    let live = Counter.start_in(&registry);
    let answers = within("stop_all with a dead actor registered", {
        let registry = registry.clone();
        move || registry.stop_all()
    });
    assert_eq!(answers, vec![true, false]);
    assert!(!live.is_alive());
}

/// Stops every actor of its registry from inside a handler.
struct Janitor {
    registry: ActorRegistry,
}

impl Actor for Janitor {
    type Message = ();
    type Reply = Vec<bool>;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<Vec<bool>, Unhandled> {
        Ok(self.registry.stop_all())
    }
}

#[test]
fn stop_all_from_an_actor_of_the_registry_returns() {
    let registry = ActorRegistry::new();
    let counter = Counter.start_in(&registry);
    let janitor = Janitor {
        registry: registry.clone(),
    }
    .start_in(&registry);
    // The janitor cannot wait for itself: its own stop is queued and answered true.
    assert_eq!(janitor.ask_timeout((), DEFAULT_TIMEOUT), Ok(vec![true, true]));
    assert!(!counter.is_alive());
    let joined = janitor.clone();
    within("join the janitor", move || joined.join()).unwrap();
    assert!(registry.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The waits see stopping actors

/// Holds its `on_stop` or `on_failure` until the test opens `release`.
struct Lingering {
    in_hook: Latch,
    release: Latch,
    events: Events,
}

impl Lingering {
    fn start_in(registry: &ActorRegistry) -> (ActorRef<Lingering>, Latch, Latch, Events) {
        let (in_hook, release, events) = (Latch::new(), Latch::new(), Events::new());
        let actor = Lingering {
            in_hook: in_hook.clone(),
            release: release.clone(),
            events: events.clone(),
        }
        .start_in(registry);
        (actor, in_hook, release, events)
    }

    fn linger(&self, hook: &str) {
        self.in_hook.open();
        self.release.wait();
        self.events.push(format!("{hook} returned"));
    }
}

impl Actor for Lingering {
    type Message = &'static str;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: &'static str) -> Result<(), Unhandled> {
        panic!("{msg}");
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.linger("on_stop");
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &pykka::Failure) {
        self.linger("on_failure");
    }
}

/// How long a test looks for a wait that must not have returned yet. A wait that returns early
/// is caught on a fast machine and on a slow one alike: it has nothing to wait for.
const NOT_YET: Duration = Duration::from_millis(100);

/// Runs `wait` on a helper thread; asserts that it does not return while `release` is closed,
/// then opens it and returns what `wait` returned, which must come after the hook `hook`.
fn returns_only_after_the_hook<T: Send + 'static>(
    wait: impl FnOnce() -> T + Send + 'static,
    release: &Latch,
    events: &Events,
    hook: &str,
) -> T {
    let (tx, rx) = mpsc::channel();
    let waiter_events = events.clone();
    let _waiter = spawn("waiter", move || {
        let value = wait();
        waiter_events.push("wait returned");
        let _ = tx.send(value);
    });
    assert_eq!(
        rx.recv_timeout(NOT_YET).err(),
        Some(mpsc::RecvTimeoutError::Timeout),
        "the wait returned while the actor was still inside {hook}"
    );
    release.open();
    let value = rx
        .recv_timeout(DEFAULT_TIMEOUT)
        .expect("the wait returns once the hook has");
    assert_eq!(
        events.snapshot(),
        [format!("{hook} returned"), "wait returned".to_owned()]
    );
    value
}

#[test]
fn join_all_waits_for_an_actor_inside_on_stop() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, events) = Lingering::start_in(&registry);
    let _ = actor.stop_future();
    in_hook.wait();
    assert!(!actor.is_alive());
    let waiting = registry.clone();
    let joined = returns_only_after_the_hook(move || waiting.join_all(None), &release, &events, "on_stop");
    assert_eq!(joined, Ok(()));
    assert!(actor.is_terminated());
}

#[test]
fn join_all_waits_for_an_actor_inside_on_failure() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, events) = Lingering::start_in(&registry);
    actor.tell("boom").unwrap();
    in_hook.wait();
    let waiting = registry.clone();
    let joined = returns_only_after_the_hook(move || waiting.join_all(None), &release, &events, "on_failure");
    assert_eq!(joined, Ok(()));
    assert!(actor.is_terminated());
}

#[test]
fn join_all_with_a_timeout_waits_for_an_actor_inside_on_stop() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, events) = Lingering::start_in(&registry);
    let _ = actor.stop_future();
    in_hook.wait();
    let waiting = registry.clone();
    let joined = returns_only_after_the_hook(
        move || waiting.join_all(Some(DEFAULT_TIMEOUT)),
        &release,
        &events,
        "on_stop",
    );
    assert_eq!(joined, Ok(()));
}

#[test]
fn stop_all_waits_for_actors_inside_on_stop() {
    let registry = ActorRegistry::new();
    let (stopping, in_hook, release, events) = Lingering::start_in(&registry);
    let running = Counter.start_in(&registry);
    let _ = stopping.stop_future();
    in_hook.wait();
    let waiting = registry.clone();
    let answers = returns_only_after_the_hook(move || waiting.stop_all(), &release, &events, "on_stop");
    // Only the registered actor answers; the stopping one was waited for.
    assert_eq!(answers, [true]);
    assert!(running.is_terminated() && stopping.is_terminated());
}

#[test]
fn stop_all_waits_for_an_actor_inside_on_failure() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, events) = Lingering::start_in(&registry);
    actor.tell("boom").unwrap();
    in_hook.wait();
    let waiting = registry.clone();
    let answers = returns_only_after_the_hook(move || waiting.stop_all(), &release, &events, "on_failure");
    assert!(answers.is_empty());
    assert!(actor.is_terminated());
}

#[test]
fn stop_all_waits_for_the_on_stop_of_the_actors_it_stops() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, events) = Lingering::start_in(&registry);
    let waiting = registry.clone();
    let (tx, rx) = mpsc::channel();
    let _waiter = spawn("stop_all", move || {
        let _ = tx.send(waiting.stop_all());
    });
    in_hook.wait();
    assert_eq!(rx.recv_timeout(NOT_YET).err(), Some(mpsc::RecvTimeoutError::Timeout));
    release.open();
    assert_eq!(rx.recv_timeout(DEFAULT_TIMEOUT), Ok(vec![true]));
    assert_eq!(events.snapshot(), ["on_stop returned"]);
    assert!(actor.is_terminated());
}

#[test]
fn lookups_leave_out_a_stopping_actor() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, _events) = Lingering::start_in(&registry);
    let _ = actor.stop_future();
    in_hook.wait();
    assert!(registry.get_all().is_empty());
    assert_eq!(registry.len(), 0);
    assert!(registry.get_by_type::<Lingering>().is_empty());
    assert!(registry.get_by_urn(actor.urn()).is_none());
    assert_eq!(registry.broadcast(&"hello"), 0);
    release.open();
    registry.join_all(Some(DEFAULT_TIMEOUT)).unwrap();
}

#[test]
fn any_actor_ref_tells_whether_the_thread_has_finished() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, _events) = Lingering::start_in(&registry);
    let any = registry.get_all().pop().expect("registered");
    assert!(any.is_alive() && !any.is_terminated());
    let _ = actor.stop_future();
    in_hook.wait();
    assert!(!any.is_alive() && !any.is_terminated());
    assert!(any.join_timeout(Duration::from_millis(10)).unwrap_err().is_timeout());
    release.open();
    any.join().unwrap();
    assert!(any.is_terminated());
}

#[test]
fn stop_all_timeout_stops_every_actor_last_started_first() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let first = listener(&registry, "l1", &events);
    let second = listener(&registry, "l2", &events);
    assert_eq!(registry.stop_all_timeout(DEFAULT_TIMEOUT), Ok(vec![true, true]));
    assert_eq!(
        events.snapshot(),
        ["l2 stop begins", "l2 stop ends", "l1 stop begins", "l1 stop ends"]
    );
    assert!(first.is_terminated() && second.is_terminated());
}

#[test]
fn stop_all_timeout_gives_up_on_an_actor_stuck_in_on_stop() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, _events) = Lingering::start_in(&registry);
    let waiting = registry.clone();
    let result = within("stop_all_timeout", move || {
        waiting.stop_all_timeout(Duration::from_millis(50))
    });
    let err = result.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.actor(), Some(actor.id()));
    assert!(in_hook.is_open());
    release.open();
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
}

#[test]
fn stop_all_timeout_gives_up_on_an_actor_already_stuck_in_on_failure() {
    let registry = ActorRegistry::new();
    let (actor, in_hook, release, _events) = Lingering::start_in(&registry);
    actor.tell("boom").unwrap();
    in_hook.wait();
    let waiting = registry.clone();
    let err = within("stop_all_timeout", move || {
        waiting.stop_all_timeout(Duration::from_millis(50))
    })
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.actor(), Some(actor.id()));
    release.open();
    registry.join_all(Some(DEFAULT_TIMEOUT)).unwrap();
}

/// Waits for every actor of its registry from inside a handler, or from `on_stop`.
struct Waiter {
    registry: ActorRegistry,
    from_on_stop: Option<mpsc::Sender<Result<(), pykka::Error>>>,
}

impl Actor for Waiter {
    type Message = ();
    type Reply = Result<(), pykka::Error>;

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<Self::Reply, Unhandled> {
        Ok(self.registry.join_all(None))
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        if let Some(tx) = self.from_on_stop.take() {
            let _ = tx.send(self.registry.join_all(None));
        }
    }
}

#[test]
fn join_all_from_an_actor_it_would_wait_for_is_a_deadlock_error() {
    let registry = ActorRegistry::new();
    let waiter = Waiter {
        registry: registry.clone(),
        from_on_stop: None,
    }
    .start_in(&registry);
    let answer = waiter.ask_timeout((), DEFAULT_TIMEOUT).unwrap();
    assert_eq!(
        answer,
        Err(pykka::Error::Deadlock {
            cycle: vec![waiter.id().clone()]
        })
    );
    assert!(waiter.stop());
}

#[test]
fn join_all_from_on_stop_is_a_deadlock_error() {
    let registry = ActorRegistry::new();
    let (tx, rx) = mpsc::channel();
    let waiter = Waiter {
        registry: registry.clone(),
        from_on_stop: Some(tx),
    }
    .start_in(&registry);
    let _ = waiter.stop_future();
    let answer = rx.recv_timeout(DEFAULT_TIMEOUT).expect("on_stop answers");
    assert_eq!(
        answer,
        Err(pykka::Error::Deadlock {
            cycle: vec![waiter.id().clone()]
        })
    );
    waiter.join_timeout(DEFAULT_TIMEOUT).unwrap();
}

#[test]
fn join_all_from_another_registry_s_actor_waits() {
    let registry = ActorRegistry::new();
    let other = ActorRegistry::new();
    let (actor, in_hook, release, _events) = Lingering::start_in(&registry);
    let waiter = Waiter {
        registry: registry.clone(),
        from_on_stop: None,
    }
    .start_in(&other);
    let _ = actor.stop_future();
    in_hook.wait();
    let answer = waiter.ask_future(());
    // The waiter is not part of what it waits for: no deadlock error, it just waits.
    assert!(answer.get_timeout(NOT_YET).unwrap_err().is_timeout());
    release.open();
    assert_eq!(answer.get_timeout(DEFAULT_TIMEOUT), Ok(Ok(())));
    assert!(waiter.stop());
}

/// Stops its whole registry from `on_stop`.
struct StopsAllOnStop {
    registry: ActorRegistry,
    answers: mpsc::Sender<Vec<bool>>,
}

impl Actor for StopsAllOnStop {
    type Message = ();
    type Reply = ();

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        let _ = self.answers.send(self.registry.stop_all());
    }
}

#[test]
fn stop_all_from_on_stop_does_not_wait_for_the_calling_actor() {
    let registry = ActorRegistry::new();
    let counter = Counter.start_in(&registry);
    let (tx, rx) = mpsc::channel();
    let actor = StopsAllOnStop {
        registry: registry.clone(),
        answers: tx,
    }
    .start_in(&registry);
    let _ = actor.stop_future();
    assert_eq!(rx.recv_timeout(DEFAULT_TIMEOUT), Ok(vec![true]));
    assert!(counter.is_terminated());
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
}
