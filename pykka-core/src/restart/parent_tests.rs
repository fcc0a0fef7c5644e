//! The supervisor primitives ([`Parent`], [`Decision`], [`start_child`], the in-place restart
//! request) driven by a minimal test parent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Decision, Parent, Restart, start_child};
use crate::actor::{Actor, Context, Failure, Unhandled};
use crate::actor_ref::ActorRef;
use crate::error::Error;
use crate::future::{Future, Promise};
use crate::registry::{ActorRegistry, AnyActorRef};
use crate::termination::Termination;

const TIMEOUT: Duration = Duration::from_secs(10);

type Log = Arc<Mutex<Vec<String>>>;

fn push(log: &Log, event: impl Into<String>) {
    log.lock().unwrap().push(event.into());
}

fn snapshot(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// Answers each failure with the next scripted decision (a pending one: a promise kept until
/// the test sets or drops it), recording what it is told.
#[derive(Default)]
struct TestParent {
    script: Mutex<VecDeque<Option<Decision>>>,
    kept: Mutex<Vec<Promise<Decision>>>,
    log: Log,
}

impl TestParent {
    fn new(script: impl IntoIterator<Item = Option<Decision>>) -> Arc<Self> {
        Arc::new(TestParent {
            script: Mutex::new(script.into_iter().collect()),
            ..TestParent::default()
        })
    }
}

impl Parent for TestParent {
    fn child_failed(&self, child: AnyActorRef, message: Arc<str>) -> Future<Decision> {
        let decision = match self.script.lock().unwrap().pop_front().flatten() {
            Some(decision) => Future::ready(decision),
            None => {
                let (promise, future) = Promise::new();
                self.kept.lock().unwrap().push(promise);
                future
            }
        };
        // Logged last: a test that waits for this event then finds a kept promise kept.
        push(&self.log, format!("failed: {message} (alive: {})", child.is_alive()));
        decision
    }

    fn child_ended(&self, child: AnyActorRef, termination: Termination) {
        push(
            &self.log,
            format!("ended: {termination} (terminated: {})", child.termination().is_ready()),
        );
    }
}

/// Numbers its incarnations; panics on `true`.
struct Child {
    n: u32,
    log: Log,
}

impl Actor for Child {
    type Message = bool;
    type Reply = u32;

    fn on_start(&mut self, _ctx: &Context<Self>) {
        push(&self.log, format!("start {}", self.n));
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        push(&self.log, format!("stop {}", self.n));
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, failure: &Failure) {
        push(&self.log, format!("failure {}: {failure}", self.n));
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, fail: bool) -> Result<u32, Unhandled> {
        assert!(!fail, "child {} failed", self.n);
        push(&self.log, format!("got by {}", self.n));
        Ok(self.n)
    }
}

fn child(registry: &ActorRegistry, parent: &Arc<TestParent>, restart: Restart) -> ActorRef<Child> {
    let log = parent.log.clone();
    let mut n = 0;
    let parent: Arc<dyn Parent> = parent.clone();
    start_child(registry, parent, restart, false, move || {
        n += 1;
        Child { n, log: log.clone() }
    })
    .unwrap()
}

fn termination(actor: &ActorRef<Child>) -> Termination {
    actor.termination().get_timeout(TIMEOUT).unwrap()
}

/// Waits until the parent's log has `n` events.
fn wait_for_events(parent: &TestParent, n: usize) {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while snapshot(&parent.log).len() < n {
        assert!(std::time::Instant::now() < deadline, "{:?}", snapshot(&parent.log));
        std::thread::yield_now();
    }
}

#[test]
fn a_childs_failure_goes_to_its_parent_which_restarts_it_in_place() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([Some(Decision::Restart)]);
    let actor = child(&registry, &parent, Restart::Permanent);
    actor.tell(true).unwrap();
    assert_eq!(actor.ask_timeout(false, TIMEOUT).unwrap(), 2);
    assert!(actor.stop());
    assert_eq!(
        snapshot(&parent.log),
        [
            "start 1",
            "failure 1: child 1 failed",
            "failed: child 1 failed (alive: true)",
            "start 2",
            "got by 2",
            "stop 2",
            "ended: stopped (terminated: true)"
        ]
    );
}

#[test]
fn the_childs_own_intensity_does_not_apply_the_parent_decides() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([Some(Decision::Restart); 6]);
    let actor = child(&registry, &parent, Restart::Permanent);
    for n in 2..=7 {
        actor.tell(true).unwrap();
        assert_eq!(actor.ask_timeout(false, TIMEOUT).unwrap(), n);
    }
    actor.stop();
}

#[test]
fn a_stop_decision_gives_up_on_a_permanent_child_and_fails_a_temporary_one() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([Some(Decision::Restart), Some(Decision::Stop), Some(Decision::Stop)]);
    let permanent = child(&registry, &parent, Restart::Permanent);
    permanent.tell(true).unwrap();
    permanent.tell(true).unwrap();
    assert_eq!(
        termination(&permanent),
        Termination::GaveUp {
            restarts: 1,
            message: "child 2 failed".into()
        }
    );
    let temporary = child(&registry, &parent, Restart::Temporary);
    temporary.tell(true).unwrap();
    assert_eq!(
        termination(&temporary),
        Termination::Failed {
            message: "child 1 failed".into()
        }
    );
    assert!(registry.is_empty());
}

#[test]
fn a_parent_gone_before_deciding_stops_the_child() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([None]);
    let actor = child(&registry, &parent, Restart::Transient);
    actor.tell(true).unwrap();
    wait_for_events(&parent, 3);
    parent.kept.lock().unwrap().clear();
    assert!(matches!(termination(&actor), Termination::GaveUp { restarts: 0, .. }));
}

#[test]
fn a_stop_request_ends_the_wait_for_the_parents_decision() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([None]);
    let actor = child(&registry, &parent, Restart::Permanent);
    actor.tell(true).unwrap();
    wait_for_events(&parent, 3);
    let queued = actor.ask_future(false);
    assert_eq!(actor.stop_timeout(TIMEOUT), Ok(true));
    assert_eq!(termination(&actor), Termination::Stopped);
    assert!(matches!(queued.get_timeout(TIMEOUT), Err(Error::ActorDead { .. })));
    // A decision that comes after the end changes nothing.
    for promise in parent.kept.lock().unwrap().drain(..) {
        promise.set(Decision::Restart);
    }
    assert_eq!(
        snapshot(&parent.log).last().unwrap(),
        "ended: stopped (terminated: true)"
    );
}

#[test]
fn a_transient_child_stopping_itself_ends_without_asking_the_parent() {
    struct Quitter;
    impl Actor for Quitter {
        type Message = ();
        type Reply = ();
        fn on_receive(&mut self, ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
            ctx.stop();
            Ok(())
        }
    }
    let registry = ActorRegistry::new();
    let parent = TestParent::new([]);
    let dyn_parent: Arc<dyn Parent> = parent.clone();
    let actor = start_child(&registry, dyn_parent, Restart::Transient, false, || Quitter).unwrap();
    actor.tell(()).unwrap();
    assert_eq!(actor.termination().get_timeout(TIMEOUT).unwrap(), Termination::Stopped);
    assert_eq!(snapshot(&parent.log), ["ended: stopped (terminated: true)"]);
}

#[test]
fn restart_in_place_tears_down_waits_for_go_then_rebuilds_with_queued_messages_after() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([]);
    let actor = child(&registry, &parent, Restart::Permanent);
    let any: AnyActorRef = actor.clone().into();
    let (go, go_future) = Promise::new();
    let (torn_down, started) = any.restart_in_place(go_future);
    torn_down.get_timeout(TIMEOUT).unwrap();
    assert!(actor.is_alive(), "alive while waiting for go");
    let queued = actor.ask_future(false);
    assert!(!started.is_ready());
    go.set(());
    started.get_timeout(TIMEOUT).unwrap();
    assert_eq!(queued.get_timeout(TIMEOUT).unwrap(), 2);
    actor.stop();
    assert_eq!(
        snapshot(&parent.log),
        [
            "start 1",
            "stop 1",
            "start 2",
            "got by 2",
            "stop 2",
            "ended: stopped (terminated: true)"
        ]
    );
}

#[test]
fn restart_in_place_without_go_or_with_a_stop_meanwhile_ends_the_actor() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([]);
    let dropped = child(&registry, &parent, Restart::Permanent);
    let (go, go_future) = Promise::<()>::new();
    let (torn_down, started) = AnyActorRef::from(dropped.clone()).restart_in_place(go_future);
    torn_down.get_timeout(TIMEOUT).unwrap();
    drop(go);
    assert_eq!(termination(&dropped), Termination::Stopped);
    assert!(matches!(started.get_timeout(TIMEOUT), Err(Error::ActorDead { .. })));

    let stopped = child(&registry, &parent, Restart::Permanent);
    let (_go, go_future) = Promise::<()>::new();
    let (torn_down, started) = AnyActorRef::from(stopped.clone()).restart_in_place(go_future);
    torn_down.get_timeout(TIMEOUT).unwrap();
    assert_eq!(stopped.stop_timeout(TIMEOUT), Ok(true));
    assert_eq!(termination(&stopped), Termination::Stopped);
    assert!(matches!(started.get_timeout(TIMEOUT), Err(Error::ActorDead { .. })));
    assert!(registry.is_empty());
}

#[test]
fn restart_in_place_of_a_stopped_actor_fails_both_futures() {
    let registry = ActorRegistry::new();
    let parent = TestParent::new([]);
    let actor = child(&registry, &parent, Restart::Permanent);
    actor.stop();
    let (torn_down, started) = AnyActorRef::from(actor).restart_in_place(Future::ready(()));
    assert!(matches!(torn_down.get_timeout(TIMEOUT), Err(Error::ActorDead { .. })));
    assert!(matches!(started.get_timeout(TIMEOUT), Err(Error::ActorDead { .. })));
}
