//! Restart in place: an actor started with `start_restarting*` keeps its identity (refs,
//! proxies, registry entry, inbox, `is_alive`, `stop`) across restarts; only its state is
//! rebuilt. Restart types, intensity, backoff, the ask-panic opt-in, logging and debug records.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use pykka::debug::{self, Activity};
use pykka::{
    Actor, ActorRef, ActorRegistry, Backoff, Context, Error, Failure, RestartPolicy, Termination, Unhandled, actor,
};
use tracing::Level;

use crate::support::{DEFAULT_TIMEOUT, Events, Latch, logs, spawn, within};

/// A long intensity window, so no test depends on how fast failures come.
const HOUR: Duration = Duration::from_secs(3600);

#[derive(Debug)]
enum Msg {
    /// Records `got {n} by {incarnation}`.
    Record(u32),
    /// Panics (a failure when told).
    Panic,
    /// Stops itself with `Context::stop`.
    StopSelf,
    /// Queues its own stop, then panics before reaching it.
    StopSelfThenPanic,
    /// Replies with the incarnation number.
    Incarnation,
}

/// Holds the incarnation's `on_failure` until `release` opens, after opening `entered`.
#[derive(Clone, Default)]
struct Hold {
    entered: Latch,
    release: Latch,
}

/// Numbers its incarnations from 1 and reports every hook and message to `events`.
#[actor]
struct Worker {
    incarnation: u32,
    events: Events,
    hold: Option<Hold>,
    panic_in_on_start: bool,
}

impl Actor for Worker {
    type Message = Msg;
    type Reply = u32;

    fn on_start(&mut self, _ctx: &Context<Self>) {
        self.events.push(format!("start {}", self.incarnation));
        assert!(!self.panic_in_on_start, "on_start of {} went wrong", self.incarnation);
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.events.push(format!("stop {}", self.incarnation));
    }

    fn on_failure(&mut self, ctx: &Context<Self>, failure: &Failure) {
        self.events.push(format!("failure {}: {failure}", self.incarnation));
        self.events
            .push(format!("alive in on_failure: {}", ctx.actor_ref().is_alive()));
        if let Some(hold) = &self.hold {
            hold.entered.open();
            hold.release.wait();
        }
    }

    fn on_receive(&mut self, ctx: &Context<Self>, message: Msg) -> Result<u32, Unhandled> {
        match message {
            Msg::Record(n) => self.events.push(format!("got {n} by {}", self.incarnation)),
            Msg::Panic => panic!("panic in {}", self.incarnation),
            Msg::StopSelf => ctx.stop(),
            Msg::StopSelfThenPanic => {
                ctx.stop();
                panic!("panic after stopping itself");
            }
            Msg::Incarnation => {}
        }
        Ok(self.incarnation)
    }
}

#[actor]
impl Worker {
    /// The incarnation number, through the proxy.
    pub fn which(&self) -> u32 {
        self.incarnation
    }

    /// Panics in an ask.
    pub fn explode(&self) -> u32 {
        self.events.push(format!("explode in {}", self.incarnation));
        panic!("explode in {}", self.incarnation)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.events.push(format!("drop {}", self.incarnation));
    }
}

/// How to build each incarnation.
#[derive(Clone, Default)]
struct Plan {
    events: Events,
    /// Holds incarnation 1's `on_failure`.
    hold: Option<Hold>,
    /// `on_start` panics from this incarnation on.
    panic_on_start_from: Option<u32>,
}

impl Plan {
    fn factory(&self) -> impl FnMut() -> Worker + Send + 'static {
        let plan = self.clone();
        let count = Arc::new(AtomicU32::new(0));
        move || {
            let incarnation = count.fetch_add(1, Ordering::SeqCst) + 1;
            Worker {
                incarnation,
                events: plan.events.clone(),
                hold: if incarnation == 1 { plan.hold.clone() } else { None },
                panic_in_on_start: plan.panic_on_start_from.is_some_and(|from| incarnation >= from),
            }
        }
    }
}

fn start(registry: &ActorRegistry, policy: RestartPolicy, plan: &Plan) -> ActorRef<Worker> {
    Worker::start_restarting_in(registry, policy, plan.factory())
}

/// Waits for the actor's termination (bounded).
fn termination_of(actor: &ActorRef<Worker>) -> Termination {
    actor.termination().get_timeout(DEFAULT_TIMEOUT).unwrap()
}

/// Asks for the incarnation, which also waits for a restart to be over.
fn incarnation(actor: &ActorRef<Worker>) -> u32 {
    actor.ask_timeout(Msg::Incarnation, DEFAULT_TIMEOUT).unwrap()
}

#[test]
fn refs_proxies_and_lookups_before_and_after_a_restart_are_equal_and_reach_the_new_incarnation() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    let proxy = actor.proxy().unwrap();
    let looked_up = registry.get_by_urn(actor.urn()).unwrap();
    let by_type = registry.get_by_type::<Worker>();
    assert_eq!(proxy.which().get().unwrap(), 1);
    assert_eq!(registry.len(), 1);

    actor.tell(Msg::Panic).unwrap();
    assert_eq!(incarnation(&actor), 2);

    assert_eq!(registry.len(), 1, "a restart leaves the registry as it was");
    assert_eq!(registry.get_by_urn(actor.urn()).unwrap(), looked_up);
    assert_eq!(registry.get_by_type::<Worker>(), by_type);
    assert_eq!(looked_up, actor);
    assert_eq!(proxy.which().get().unwrap(), 2);
    assert_eq!(actor.proxy().unwrap(), proxy);
    let typed = looked_up.downcast::<Worker>().unwrap();
    assert_eq!(typed.ask(Msg::Incarnation).unwrap(), 2);
    assert_eq!(by_type[0].ask(Msg::Incarnation).unwrap(), 2);
    assert!(actor.stop());
}

#[test]
fn queued_tells_before_and_during_a_restart_are_handled_in_order_by_the_new_incarnation() {
    let registry = ActorRegistry::new();
    let hold = Hold::default();
    let plan = Plan {
        hold: Some(hold.clone()),
        ..Plan::default()
    };
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    actor.tell(Msg::Panic).unwrap();
    for n in 1..=3 {
        actor.tell(Msg::Record(n)).unwrap();
    }
    hold.entered.wait();
    // Incarnation 1 is inside on_failure: these queue during the restart.
    for n in 4..=6 {
        actor.tell(Msg::Record(n)).unwrap();
    }
    hold.release.open();
    assert_eq!(incarnation(&actor), 2);
    let got: Vec<String> = plan
        .events
        .snapshot()
        .into_iter()
        .filter(|e| e.starts_with("got"))
        .collect();
    let expected: Vec<String> = (1..=6).map(|n| format!("got {n} by 2")).collect();
    assert_eq!(got, expected);
    actor.stop();
}

#[test]
fn the_failing_message_is_not_redelivered() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    actor.tell(Msg::Panic).unwrap();
    actor.tell(Msg::Record(1)).unwrap();
    assert_eq!(incarnation(&actor), 2);
    let events = plan.events.snapshot();
    assert_eq!(
        events.iter().filter(|e| e.starts_with("failure")).count(),
        1,
        "{events:?}"
    );
    assert_eq!(plan.events.count("start 3"), 0, "{events:?}");
    actor.stop();
}

#[test]
fn with_the_opt_in_a_panicking_ask_fails_once_for_its_asker_and_restarts_the_actor() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent().ask_panics_fail(true), &plan);
    let proxy = actor.proxy().unwrap();
    let err = proxy.explode().get_timeout(DEFAULT_TIMEOUT).unwrap_err();
    assert!(
        matches!(err, Error::Panicked { ref message, .. } if &**message == "explode in 1"),
        "{err:?}"
    );
    assert_eq!(proxy.which().get_timeout(DEFAULT_TIMEOUT).unwrap(), 2);
    assert_eq!(plan.events.count("explode in 1"), 1, "not redelivered");
    assert_eq!(plan.events.count("explode in 2"), 0, "not redelivered");
    assert_eq!(plan.events.count("failure 1: explode in 1"), 1);
    actor.stop();
}

#[test]
fn without_the_opt_in_a_panicking_ask_leaves_the_actor_running() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    let proxy = actor.proxy().unwrap();
    assert!(matches!(
        proxy.explode().get_timeout(DEFAULT_TIMEOUT),
        Err(Error::Panicked { .. })
    ));
    assert_eq!(proxy.which().get_timeout(DEFAULT_TIMEOUT).unwrap(), 1);
    assert_eq!(plan.events.count("start 2"), 0);
    actor.stop();
}

#[test]
fn on_failure_and_drop_of_the_old_incarnation_finish_before_the_new_on_start() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(incarnation(&actor), 2);
    assert_eq!(
        plan.events.snapshot(),
        [
            "start 1",
            "failure 1: panic in 1",
            "alive in on_failure: true",
            "drop 1",
            "start 2"
        ]
    );
    actor.stop();
}

#[test]
fn is_alive_stays_true_across_a_restart() {
    let registry = ActorRegistry::new();
    let hold = Hold::default();
    let plan = Plan {
        hold: Some(hold.clone()),
        ..Plan::default()
    };
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    actor.tell(Msg::Panic).unwrap();
    hold.entered.wait();
    assert!(actor.is_alive(), "alive while the failed incarnation is in on_failure");
    assert!(!actor.is_terminated());
    assert!(registry.get_by_urn(actor.urn()).is_some());
    hold.release.open();
    assert_eq!(incarnation(&actor), 2);
    assert!(actor.is_alive());
    assert_eq!(plan.events.count("alive in on_failure: true"), 1);
    actor.stop();
}

#[test]
fn stop_through_a_ref_taken_before_the_restart_stops_the_current_incarnation() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    let before = actor.clone();
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(incarnation(&actor), 2);
    assert!(before.stop());
    assert!(!actor.is_alive() && actor.is_terminated());
    assert_eq!(plan.events.count("stop 2"), 1);
    assert_eq!(termination_of(&actor), Termination::Stopped);
    assert!(registry.is_empty());
    assert!(matches!(actor.tell(Msg::Record(1)), Err(Error::ActorDead { .. })));
}

#[test]
fn a_requested_stop_never_restarts_any_restart_type() {
    for policy in [
        RestartPolicy::permanent(),
        RestartPolicy::transient(),
        RestartPolicy::temporary(),
    ] {
        let registry = ActorRegistry::new();
        let plan = Plan::default();
        let stopped = start(&registry, policy.clone(), &plan);
        assert!(stopped.stop());
        assert_eq!(termination_of(&stopped), Termination::Stopped, "{policy:?}");

        let all = start(&registry, policy.clone(), &plan);
        assert_eq!(registry.stop_all(), [true]);
        assert_eq!(termination_of(&all), Termination::Stopped, "{policy:?}");

        let nowait = start(&registry, policy.clone(), &plan);
        nowait.stop_future();
        assert_eq!(termination_of(&nowait), Termination::Stopped, "{policy:?}");
        assert_eq!(plan.events.count("start 2"), 0, "{policy:?}: {:?}", plan.events);
        assert_eq!(plan.events.count("stop 1"), 3, "{policy:?}: {:?}", plan.events);
    }
}

#[test]
fn transient_restarts_only_after_failures() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::transient(), &plan);
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(incarnation(&actor), 2);
    actor.tell(Msg::StopSelf).unwrap();
    assert_eq!(termination_of(&actor), Termination::Stopped);
    assert_eq!(plan.events.count("start 3"), 0);
    assert_eq!(plan.events.count("stop 2"), 1);
}

#[test]
fn permanent_restarts_after_stopping_itself_too() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    actor.tell(Msg::StopSelf).unwrap();
    plan.events.wait_for("start 2");
    assert_eq!(incarnation(&actor), 2);
    // The self-stop ran `on_stop`, not `on_failure`.
    assert_eq!(plan.events.snapshot(), ["start 1", "stop 1", "drop 1", "start 2"]);
    // The new incarnation can stop itself again: its stop is queued anew.
    actor.tell(Msg::StopSelf).unwrap();
    plan.events.wait_for("start 3");
    assert_eq!(incarnation(&actor), 3);
    assert!(actor.stop());
}

#[test]
fn temporary_never_restarts() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::temporary(), &plan);
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(
        termination_of(&actor),
        Termination::Failed {
            message: "panic in 1".into()
        }
    );
    assert_eq!(plan.events.count("failure 1: panic in 1"), 1);
    assert_eq!(plan.events.count("start 2"), 0);
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
}

#[test]
fn a_stop_queued_by_an_incarnation_that_failed_first_does_not_stop_the_next() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::transient(), &plan);
    actor.tell(Msg::StopSelfThenPanic).unwrap();
    actor.tell(Msg::Record(1)).unwrap();
    assert_eq!(incarnation(&actor), 2);
    assert_eq!(plan.events.count("got 1 by 2"), 1);
    assert!(actor.is_alive());
    assert!(actor.stop());
}

#[test]
fn one_failure_more_than_the_intensity_allows_ends_the_actor_with_gave_up() {
    let logs = logs();
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let actor = start(&registry, RestartPolicy::permanent().intensity(2, HOUR), &plan);
    for expected in 2..=3 {
        actor.tell(Msg::Panic).unwrap();
        assert_eq!(incarnation(&actor), expected);
    }
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(
        termination_of(&actor),
        Termination::GaveUp {
            restarts: 2,
            message: "panic in 3".into()
        }
    );
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
    assert_eq!(plan.events.count("start 4"), 0);

    let id = actor.id().to_string();
    let infos: Vec<String> = logs
        .at(actor.urn(), Level::INFO)
        .into_iter()
        .map(|r| r.message)
        .collect();
    assert_eq!(
        infos,
        [
            format!("Restarting {id} (restart 1)"),
            format!("Restarting {id} (restart 2)")
        ]
    );
    let errors: Vec<String> = logs
        .at(actor.urn(), Level::ERROR)
        .into_iter()
        .map(|r| r.message)
        .collect();
    assert_eq!(errors.len(), 4, "three failures and giving up: {errors:?}");
    assert_eq!(errors[0], format!("Unhandled exception in {id}: panic in 1"));
    assert!(errors[3].starts_with(&format!("Giving up on {id}")), "{errors:?}");
}

#[test]
fn an_on_start_failure_of_a_restart_counts_as_a_failure() {
    let registry = ActorRegistry::new();
    let plan = Plan {
        panic_on_start_from: Some(2),
        ..Plan::default()
    };
    let actor = start(&registry, RestartPolicy::permanent().intensity(2, HOUR), &plan);
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(
        termination_of(&actor),
        Termination::GaveUp {
            restarts: 2,
            message: "on_start of 3 went wrong".into()
        }
    );
    let events = plan.events.snapshot();
    assert_eq!(
        events,
        [
            "start 1",
            "failure 1: panic in 1",
            "alive in on_failure: true",
            "drop 1",
            "start 2",
            "drop 2",
            "start 3",
            "drop 3"
        ]
    );
}

#[test]
fn a_failed_first_start_is_not_restarted() {
    let registry = ActorRegistry::new();
    let plan = Plan {
        panic_on_start_from: Some(1),
        ..Plan::default()
    };
    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    assert_eq!(
        termination_of(&actor),
        Termination::Failed {
            message: "on_start of 1 went wrong".into()
        }
    );
    assert_eq!(plan.events.snapshot(), ["start 1", "drop 1"]);
}

/// Records when each incarnation starts.
struct Timed(Arc<Mutex<Vec<Instant>>>);

impl Actor for Timed {
    type Message = ();
    type Reply = ();

    fn on_start(&mut self, _ctx: &Context<Self>) {
        self.0.lock().unwrap().push(Instant::now());
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
        panic!("timed failure")
    }
}

#[test]
fn backoff_delays_are_lower_bounds() {
    let registry = ActorRegistry::new();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let min = Duration::from_millis(30);
    let policy = RestartPolicy::permanent()
        .intensity(10, HOUR)
        .backoff(Backoff::new(min, Duration::from_secs(1)));
    let factory_starts = starts.clone();
    let actor = Timed::start_restarting_in(&registry, policy, move || Timed(factory_starts.clone()));
    for restarts in 1..=2usize {
        actor.ask_with(|_, _| ()).get_timeout(DEFAULT_TIMEOUT).unwrap();
        let failed_at = Instant::now();
        actor.tell(()).unwrap();
        actor.ask_with(|_, _| ()).get_timeout(DEFAULT_TIMEOUT).unwrap();
        let started = starts.lock().unwrap()[restarts];
        // The delay doubles: 30 ms, then 60 ms.
        let delay = min * u32::try_from(restarts).unwrap();
        assert!(
            started.duration_since(failed_at) >= delay,
            "restart {restarts} came after {:?}, before its backoff of {delay:?}",
            started.duration_since(failed_at)
        );
    }
    actor.stop();
}

#[test]
fn a_stop_during_backoff_ends_the_actor_promptly_without_a_restart() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let policy = RestartPolicy::permanent().backoff(Backoff::new(HOUR, HOUR));
    let actor = start(&registry, policy, &plan);
    let asked = actor.ask_future(Msg::Incarnation);
    assert_eq!(asked.get_timeout(DEFAULT_TIMEOUT).unwrap(), 1);
    actor.tell(Msg::Panic).unwrap();
    plan.events.wait_for("drop 1");
    // Queued during the backoff: answered with `ActorDead` when the stop ends the actor.
    let queued = actor.ask_future(Msg::Incarnation);
    assert_eq!(actor.stop_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert_eq!(termination_of(&actor), Termination::Stopped);
    assert_eq!(plan.events.count("start 2"), 0);
    assert!(matches!(
        queued.get_timeout(DEFAULT_TIMEOUT),
        Err(Error::ActorDead { .. })
    ));
    assert!(registry.is_empty());
}

#[test]
fn debug_records_show_restarts_and_follow_the_actor_across_them() {
    let registry = ActorRegistry::new();
    let plan = Plan::default();
    let policy = RestartPolicy::permanent().backoff(Backoff::new(HOUR, HOUR));
    let actor = start(&registry, policy, &plan);
    actor.tell(Msg::Panic).unwrap();
    plan.events.wait_for("drop 1");
    let record = || {
        debug::actor_states()
            .into_iter()
            .find(|s| s.actor == *actor.id())
            .expect("the actor's record")
    };
    // Its backoff is an hour: it stays between incarnations.
    let deadline = Instant::now() + DEFAULT_TIMEOUT;
    while record().activity != Activity::Restarting {
        assert!(Instant::now() < deadline, "{:?}", record());
        std::thread::yield_now();
    }
    assert_eq!(record().restarts, 0);
    assert!(record().to_string().contains("restarting"), "{}", record());
    actor.stop();

    let actor = start(&registry, RestartPolicy::permanent(), &plan);
    actor.tell(Msg::Panic).unwrap();
    assert_eq!(incarnation(&actor), 2);
    assert_eq!(record_of(&actor).restarts, 1);
    assert!(record_of(&actor).to_string().contains("restarted 1 time(s)"));
    // The new incarnation still knows its own thread: waiting on itself is a deadlock.
    let own = actor
        .ask_with(|_, ctx| ctx.actor_ref().ask(Msg::Incarnation))
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
    assert!(matches!(own, Err(Error::Deadlock { .. })), "{own:?}");
    actor.stop();
}

fn record_of(actor: &ActorRef<Worker>) -> debug::ActorStateSnapshot {
    debug::actor_states()
        .into_iter()
        .find(|s| s.actor == *actor.id())
        .expect("the actor's record")
}

#[test]
fn every_ask_resolves_whatever_the_stop_and_restart_timing() {
    for round in 0..40 {
        let registry = ActorRegistry::new();
        let plan = Plan::default();
        let policy = RestartPolicy::permanent()
            .intensity(1000, HOUR)
            .ask_panics_fail(round % 2 == 0);
        let actor = start(&registry, policy, &plan);
        let barrier = Arc::new(Barrier::new(3));
        let asker = {
            let (actor, barrier) = (actor.clone(), barrier.clone());
            let proxy = actor.proxy().unwrap();
            spawn("asker", move || {
                barrier.wait();
                let mut futures = Vec::new();
                for i in 0..30 {
                    futures.push(actor.ask_future(Msg::Incarnation));
                    if i % 7 == 0 {
                        futures.push(proxy.explode());
                    }
                }
                futures
            })
        };
        let failer = {
            let (actor, barrier) = (actor.clone(), barrier.clone());
            spawn("failer", move || {
                barrier.wait();
                for _ in 0..5 {
                    let _ = actor.tell(Msg::Panic);
                }
            })
        };
        barrier.wait();
        if round % 3 == 0 {
            std::thread::yield_now();
        }
        actor.stop_future();
        let futures = asker.join().unwrap();
        failer.join().unwrap();
        within("every ask resolves", move || {
            for future in futures {
                match future.get_timeout(DEFAULT_TIMEOUT) {
                    Ok(_) | Err(Error::ActorDead { .. } | Error::Panicked { .. }) => {}
                    Err(other) => panic!("round {round}: {other:?}"),
                }
            }
        });
        assert_eq!(termination_of(&actor), Termination::Stopped);
    }
}

/// Stops everything from inside.
struct Shutdown;

impl Actor for Shutdown {
    type Message = ();
    type Reply = ();

    fn on_receive(&mut self, ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
        ctx.stop_all();
        Ok(())
    }
}

#[test]
fn stop_all_from_inside_a_permanent_actor_is_a_requested_stop_that_never_restarts_it() {
    let registry = ActorRegistry::new();
    let starts = Arc::new(AtomicU32::new(0));
    let counter = starts.clone();
    let actor = Shutdown::start_restarting_in(&registry, RestartPolicy::permanent(), move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Shutdown
    });
    // Out of the registry: `stop_all` reaches it only as its own request.
    assert!(registry.unregister(&actor));
    actor.tell(()).unwrap();
    assert_eq!(
        actor.termination().get_timeout(DEFAULT_TIMEOUT).unwrap(),
        Termination::Stopped
    );
    assert_eq!(starts.load(Ordering::SeqCst), 1);
}
