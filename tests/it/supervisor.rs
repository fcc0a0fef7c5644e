//! Supervisors (issue 12): strategies, restart types, intensity and escalation, shutdown, and
//! a race of tells, asks and panics against supervised children.
//!
//! Each child records its hooks in a shared log as `"<name> <hook> <incarnation>"`, the
//! incarnation counting the states built for that name (1 for the first), so the tests assert
//! the exact order of teardowns and rebuilds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pykka::{
    Actor, ActorRef, ActorRegistry, ChildSpec, Context, Error, Failure, Restart, Strategy, Supervisor, SupervisorSpec,
    Termination, Unhandled,
};
use tracing::Level;

use crate::support::{DEFAULT_TIMEOUT, Events, Latch, logs, spawn, within};

/// The shared log and the incarnation counters of one test.
#[derive(Clone, Default)]
struct Log {
    events: Events,
    incarnations: Arc<Mutex<HashMap<&'static str, u32>>>,
}

impl Log {
    fn next(&self, name: &'static str) -> u32 {
        let mut map = self.incarnations.lock().unwrap();
        let n = map.entry(name).or_insert(0);
        *n += 1;
        *n
    }

    fn snapshot(&self) -> Vec<String> {
        self.events.snapshot()
    }

    fn wait_for(&self, event: &str) {
        self.events.wait_for(event);
    }
}

#[derive(Debug)]
enum Msg {
    Add(u32),
    Get,
    Fail,
    StopSelf,
}

/// A supervised child that records its hooks.
struct Member {
    name: &'static str,
    incarnation: u32,
    log: Log,
    count: u32,
    /// Held in `on_stop` until opened, when set.
    hold: Option<Latch>,
}

impl Member {
    fn record(&self, hook: &str) {
        self.log
            .events
            .push(format!("{} {hook} {}", self.name, self.incarnation));
    }
}

impl Actor for Member {
    type Message = Msg;
    type Reply = u32;

    fn on_start(&mut self, _ctx: &Context<Self>) {
        self.record("start");
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.record("stop");
        if let Some(hold) = &self.hold {
            hold.wait();
        }
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &Failure) {
        self.record("failure");
    }

    fn on_receive(&mut self, ctx: &Context<Self>, message: Msg) -> Result<u32, Unhandled> {
        match message {
            Msg::Add(n) => self.count += n,
            Msg::Get => {}
            Msg::Fail => panic!("{} asked to fail", self.name),
            Msg::StopSelf => ctx.stop(),
        }
        Ok(self.count)
    }
}

fn member(name: &'static str, log: &Log) -> ChildSpec {
    member_holding(name, log, None)
}

fn member_holding(name: &'static str, log: &Log, hold: Option<Latch>) -> ChildSpec {
    let log = log.clone();
    ChildSpec::new(move || Member {
        name,
        incarnation: log.next(name),
        log: log.clone(),
        count: 0,
        hold: hold.clone(),
    })
}

/// A spec whose intensity no test reaches by accident.
fn spec(strategy: Strategy) -> SupervisorSpec {
    SupervisorSpec::new(strategy).intensity(1000, Duration::from_secs(3600))
}

fn child(supervisor: &ActorRef<Supervisor>, index: usize) -> ActorRef<Member> {
    supervisor
        .child::<Member>(index)
        .unwrap()
        .expect("a Member at that index")
}

fn stop(supervisor: &ActorRef<Supervisor>) {
    let supervisor = supervisor.clone();
    within("stopping the supervisor", move || supervisor.stop());
}

#[test]
fn one_for_one_restarts_only_the_failed_child() {
    let logs = logs();
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForOne)
        .child(member("a", &log))
        .child(member("b", &log))
        .child(member("c", &log))
        .start_in(&registry)
        .unwrap();
    let (a, b) = (child(&supervisor, 0), child(&supervisor, 1));
    a.tell(Msg::Add(1)).unwrap();
    b.tell(Msg::Add(5)).unwrap();
    b.tell(Msg::Fail).unwrap();
    assert_eq!(b.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(0), "a new state");
    assert_eq!(a.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(1), "untouched");
    assert_eq!(
        log.snapshot(),
        ["a start 1", "b start 1", "c start 1", "b failure 1", "b start 2"]
    );
    assert_eq!(registry.len(), 4);
    let restarts = logs.at(supervisor.urn(), Level::INFO);
    assert!(
        restarts
            .iter()
            .any(|r| r.message.starts_with("Restarting") && r.message.contains(b.urn())),
        "{restarts:?}"
    );
    stop(&supervisor);
    assert!(!a.is_alive() && !b.is_alive());
}

#[test]
fn one_for_all_tears_down_in_reverse_and_rebuilds_in_start_order() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForAll)
        .child(member("a", &log))
        .child(member("b", &log))
        .child(member("c", &log))
        .start_in(&registry)
        .unwrap();
    child(&supervisor, 1).tell(Msg::Fail).unwrap();
    log.wait_for("c start 2");
    assert_eq!(
        log.snapshot(),
        [
            "a start 1",
            "b start 1",
            "c start 1",
            "b failure 1",
            "c stop 1",
            "a stop 1",
            "a start 2",
            "b start 2",
            "c start 2",
        ]
    );
    stop(&supervisor);
}

#[test]
fn rest_for_one_restarts_the_failed_child_and_the_later_ones_only() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::RestForOne)
        .child(member("a", &log))
        .child(member("b", &log))
        .child(member("c", &log))
        .child(member("d", &log))
        .start_in(&registry)
        .unwrap();
    let a = child(&supervisor, 0);
    a.tell(Msg::Add(3)).unwrap();
    child(&supervisor, 1).tell(Msg::Fail).unwrap();
    log.wait_for("d start 2");
    assert_eq!(
        log.snapshot()[4..],
        [
            "b failure 1",
            "d stop 1",
            "c stop 1",
            "b start 2",
            "c start 2",
            "d start 2",
        ]
    );
    assert_eq!(a.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(3), "a kept its state");
    stop(&supervisor);
    assert_eq!(
        log.snapshot()[10..],
        ["d stop 2", "c stop 2", "b stop 2", "a stop 1"],
        "shutdown, last started first"
    );
}

#[test]
fn a_strategy_restart_stops_a_temporary_sibling_instead_of_rebuilding_it() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForAll)
        .child(member("a", &log))
        .child(member("t", &log).restart(Restart::Temporary))
        .child(member("c", &log))
        .start_in(&registry)
        .unwrap();
    let t = child(&supervisor, 1);
    child(&supervisor, 0).tell(Msg::Fail).unwrap();
    log.wait_for("c start 2");
    assert_eq!(
        log.snapshot()[3..],
        ["a failure 1", "c stop 1", "t stop 1", "a start 2", "c start 2"]
    );
    assert_eq!(t.termination().get_timeout(DEFAULT_TIMEOUT), Ok(Termination::Stopped));
    stop(&supervisor);
}

#[test]
fn a_sibling_slow_to_tear_down_is_reported_and_still_comes_back() {
    let logs = logs();
    let (registry, log, hold) = (ActorRegistry::new(), Log::default(), Latch::new());
    let supervisor = spec(Strategy::OneForAll)
        .child(member("a", &log))
        .child(member_holding("s", &log, Some(hold.clone())).shutdown(Duration::from_millis(20)))
        .start_in(&registry)
        .unwrap();
    let s = child(&supervisor, 1);
    child(&supervisor, 0).tell(Msg::Fail).unwrap();
    log.wait_for("a start 2");
    hold.open();
    log.wait_for("s start 2");
    assert_eq!(
        log.snapshot(),
        [
            "a start 1",
            "s start 1",
            "a failure 1",
            "s stop 1",
            "a start 2",
            "s start 2"
        ]
    );
    assert_eq!(s.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(0));
    let errors = logs.at(supervisor.urn(), Level::ERROR);
    assert!(
        errors
            .iter()
            .any(|r| r.message.contains(s.urn()) && r.message.contains("did not tear down")),
        "{errors:?}"
    );
    stop(&supervisor);
}

#[test]
fn siblings_failing_together_are_both_restarted_without_waiting_out_a_timeout() {
    let logs = logs();
    let (registry, log, busy) = (ActorRegistry::new(), Log::default(), Latch::new());
    let supervisor = spec(Strategy::OneForAll)
        .child(member("a", &log))
        .child(member("b", &log))
        .start_in(&registry)
        .unwrap();
    let (a, b) = (child(&supervisor, 0), child(&supervisor, 1));
    let gate = busy.clone();
    supervisor.tell_with(move |_, _| gate.wait()).unwrap();
    a.tell(Msg::Fail).unwrap();
    b.tell(Msg::Fail).unwrap();
    log.wait_for("a failure 1");
    log.wait_for("b failure 1");
    // Both wait for a decision now. Whichever failure the supervisor takes first, the other
    // child is waiting when the strategy tears it down: it is decided on the spot (restarted,
    // then torn down and rebuilt with its siblings), not waited out for its shutdown timeout.
    busy.open();
    assert_eq!(a.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(0));
    assert_eq!(b.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(0));
    let restarts = supervisor.ask_with(|s, _| s.restarts()).get_timeout(DEFAULT_TIMEOUT);
    assert_eq!(restarts, Ok(2));
    let events = log.snapshot();
    assert_eq!(events.iter().filter(|e| e.contains(" start ")).count(), 5, "{events:?}");
    let errors = logs.at(supervisor.urn(), Level::ERROR);
    assert!(errors.is_empty(), "{errors:?}");
    stop(&supervisor);
}

#[test]
fn references_taken_before_a_strategy_restart_reach_the_children_after_it() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForAll)
        .child(member("a", &log))
        .child(member("b", &log))
        .child(member("c", &log))
        .start_in(&registry)
        .unwrap();
    let before: Vec<ActorRef<Member>> = (0..3).map(|i| child(&supervisor, i)).collect();
    for member in &before {
        member.tell(Msg::Add(7)).unwrap();
    }
    let size = registry.len();
    before[0].tell(Msg::Fail).unwrap();
    log.wait_for("c start 2");
    for (i, member) in before.iter().enumerate() {
        assert!(member.is_alive());
        assert_eq!(
            member.ask_timeout(Msg::Get, DEFAULT_TIMEOUT),
            Ok(0),
            "the new state of #{i}"
        );
        assert_eq!(child(&supervisor, i), *member);
        assert_eq!(registry.get_by_urn(member.urn()).unwrap(), *member);
    }
    assert_eq!(registry.len(), size);
    stop(&supervisor);
}

#[test]
fn temporary_children_are_never_restarted_and_transient_ones_only_after_failures() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForOne)
        .child(member("t", &log).restart(Restart::Temporary))
        .child(member("r", &log).restart(Restart::Transient))
        .child(member("p", &log))
        .start_in(&registry)
        .unwrap();
    let (t, r, p) = (child(&supervisor, 0), child(&supervisor, 1), child(&supervisor, 2));

    t.tell(Msg::Fail).unwrap();
    assert!(matches!(
        t.termination().get_timeout(DEFAULT_TIMEOUT),
        Ok(Termination::Failed { .. })
    ));

    r.tell(Msg::Fail).unwrap();
    assert_eq!(
        r.ask_timeout(Msg::Get, DEFAULT_TIMEOUT),
        Ok(0),
        "restarted after a failure"
    );
    r.tell(Msg::StopSelf).unwrap();
    assert_eq!(r.termination().get_timeout(DEFAULT_TIMEOUT), Ok(Termination::Stopped));

    p.tell(Msg::Add(2)).unwrap();
    p.tell(Msg::StopSelf).unwrap();
    log.wait_for("p start 2");
    assert_eq!(
        p.ask_timeout(Msg::Get, DEFAULT_TIMEOUT),
        Ok(0),
        "a permanent child comes back"
    );

    let events = log.snapshot();
    assert_eq!(
        events.iter().filter(|e| e.starts_with("t start")).count(),
        1,
        "{events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| e.starts_with("r start")).count(),
        2,
        "{events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| e.starts_with("p start")).count(),
        2,
        "{events:?}"
    );
    stop(&supervisor);
}

/// An inner one-for-one supervisor of x, y, z that gives up at its second restart.
fn inner(log: &Log) -> ChildSpec {
    let log = log.clone();
    ChildSpec::new(move || {
        Supervisor::new(
            SupervisorSpec::new(Strategy::OneForOne)
                .intensity(1, Duration::from_secs(3600))
                .child(member("x", &log))
                .child(member("y", &log))
                .child(member("z", &log)),
        )
    })
}

#[test]
fn exceeding_the_intensity_stops_the_children_in_reverse_and_escalates_to_the_parent() {
    let logs = logs();
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let outer = spec(Strategy::OneForAll)
        .child(inner(&log))
        .child(member("s", &log))
        .start_in(&registry)
        .unwrap();
    let inner = outer.child::<Supervisor>(0).unwrap().unwrap();
    let x = inner.child::<Member>(0).unwrap().unwrap();
    x.tell(Msg::Fail).unwrap();
    assert_eq!(
        x.ask_timeout(Msg::Get, DEFAULT_TIMEOUT),
        Ok(0),
        "the first restart is allowed"
    );
    x.tell(Msg::Fail).unwrap();
    log.wait_for("s start 2");
    assert_eq!(
        log.snapshot(),
        [
            "x start 1",
            "y start 1",
            "z start 1",
            "s start 1",
            "x failure 1",
            "x start 2",
            "x failure 2",
            // The inner supervisor gives up: its children stop, last started first.
            "z stop 1",
            "y stop 1",
            // It fails; the outer one-for-all tears its sibling down and rebuilds both.
            "s stop 1",
            "x start 3",
            "y start 2",
            "z start 2",
            "s start 2",
        ]
    );
    let gave_up = logs.at(inner.urn(), Level::ERROR);
    assert!(gave_up.iter().any(|r| r.message.contains("gave up")), "{gave_up:?}");
    assert_eq!(outer.child::<Supervisor>(0).unwrap().unwrap(), inner, "same identity");
    let new_x = inner.child::<Member>(0).unwrap().unwrap();
    assert_ne!(new_x, x, "a rebuilt supervisor starts new children");
    assert!(matches!(
        x.termination().get_timeout(DEFAULT_TIMEOUT),
        Ok(Termination::GaveUp { restarts: 1, .. })
    ));
    assert_eq!(new_x.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(0));
    stop(&outer);
    assert!(!new_x.is_alive() && !inner.is_alive());
}

#[test]
fn a_top_level_supervisor_that_gives_up_logs_an_error_and_stops() {
    let logs = logs();
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(0, Duration::from_secs(3600))
        .child(member("a", &log))
        .child(member("b", &log))
        .start_in(&registry)
        .unwrap();
    let a = child(&supervisor, 0);
    a.tell(Msg::Fail).unwrap();
    let termination = supervisor.termination().get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert!(
        termination.failure().is_some_and(|m| m.contains("gave up")),
        "{termination:?}"
    );
    assert_eq!(log.snapshot(), ["a start 1", "b start 1", "a failure 1", "b stop 1"]);
    let errors = logs.at(supervisor.urn(), Level::ERROR);
    assert!(errors.iter().any(|r| r.message.contains("gave up")), "{errors:?}");
    assert!(!a.is_alive());
    assert_eq!(supervisor.join_timeout(DEFAULT_TIMEOUT), Ok(()));
}

#[test]
fn shutdown_stops_children_last_started_first_and_reports_a_stuck_child() {
    let logs = logs();
    let (registry, log, hold) = (ActorRegistry::new(), Log::default(), Latch::new());
    let supervisor = spec(Strategy::OneForOne)
        .child(member("a", &log))
        .child(member_holding("b", &log, Some(hold.clone())).shutdown(Duration::from_millis(50)))
        .child(member("c", &log))
        .start_in(&registry)
        .unwrap();
    let b = child(&supervisor, 1);
    stop(&supervisor);
    assert_eq!(log.snapshot()[3..], ["c stop 1", "b stop 1", "a stop 1"]);
    let errors = logs.at(supervisor.urn(), Level::ERROR);
    assert!(
        errors
            .iter()
            .any(|r| r.message.contains(b.urn()) && r.message.contains("did not stop")),
        "{errors:?}"
    );
    assert!(b.is_alive() || !b.is_terminated(), "b is still in its on_stop");
    hold.open();
    assert_eq!(b.join_timeout(DEFAULT_TIMEOUT), Ok(()));
}

#[test]
fn stop_all_stops_a_supervisors_children_last_started_first() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForAll)
        .child(member("a", &log))
        .child(member("b", &log))
        .start_in(&registry)
        .unwrap();
    let r = registry.clone();
    within("stop_all", move || r.stop_all());
    assert_eq!(
        log.snapshot()[2..],
        ["b stop 1", "a stop 1"],
        "stopped, never restarted"
    );
    assert!(!supervisor.is_alive());
    assert!(registry.is_empty());
}

#[test]
fn a_child_waiting_for_a_decision_does_not_hold_up_the_supervisors_stop() {
    let (registry, log, busy) = (ActorRegistry::new(), Log::default(), Latch::new());
    let supervisor = spec(Strategy::OneForOne)
        .child(member("a", &log))
        .start_in(&registry)
        .unwrap();
    let a = child(&supervisor, 0);
    let gate = busy.clone();
    supervisor.tell_with(move |_, _| gate.wait()).unwrap();
    let stopped = supervisor.stop_future();
    a.tell(Msg::Fail).unwrap();
    log.wait_for("a failure 1");
    busy.open();
    assert_eq!(stopped.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert_eq!(a.join_timeout(DEFAULT_TIMEOUT), Ok(()));
    assert_eq!(log.snapshot(), ["a start 1", "a failure 1"], "not restarted");
}

#[test]
fn a_child_that_cannot_start_fails_the_supervisors_start() {
    struct Broken;
    impl Actor for Broken {
        type Message = ();
        type Reply = ();
        fn on_start(&mut self, _ctx: &Context<Self>) {
            panic!("cannot start");
        }
    }
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let err = spec(Strategy::OneForOne)
        .child(member("a", &log))
        .child(ChildSpec::new(|| Broken))
        .start_in(&registry)
        .unwrap_err();
    assert!(matches!(err, Error::StartFailed { .. }), "{err:?}");
    assert_eq!(log.snapshot(), ["a start 1", "a stop 1"]);
    let r = registry.clone();
    within("join_all", move || r.join_all(Some(DEFAULT_TIMEOUT))).unwrap();
    assert!(registry.is_empty());
}

/// A xorshift generator: the race needs variety, not quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn every_ask_to_a_supervised_child_resolves_in_a_race_of_tells_asks_panics_and_stops() {
    let logs = logs();
    for round in 0..12u64 {
        let (registry, log) = (ActorRegistry::new(), Log::default());
        let strategy = [Strategy::OneForOne, Strategy::OneForAll, Strategy::RestForOne][(round % 3) as usize];
        let supervisor = spec(strategy)
            .child(member("a", &log))
            .child(member("b", &log))
            .child(member("c", &log))
            .start_in(&registry)
            .unwrap();
        let members: Vec<ActorRef<Member>> = (0..3).map(|i| child(&supervisor, i)).collect();
        // In every other round, one racer stops the supervisor halfway through.
        let stop_at = if round % 2 == 1 { 75 } else { usize::MAX };
        let threads: Vec<_> = (0..4u64)
            .map(|t| {
                let (members, supervisor) = (members.clone(), supervisor.clone());
                spawn("racer", move || {
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (round * 31 + t + 1));
                    for i in 0..150 {
                        if t == 0 && i == stop_at {
                            supervisor.stop();
                        }
                        let target = &members[usize::try_from(rng.below(3)).unwrap()];
                        match rng.below(100) {
                            0..=39 => {
                                let _ = target.tell(Msg::Add(1));
                            }
                            40..=49 => {
                                let _ = target.tell(Msg::Fail);
                            }
                            50..=54 => {
                                let asked = target.ask_timeout(Msg::Fail, DEFAULT_TIMEOUT);
                                assert!(
                                    matches!(asked, Err(Error::Panicked { .. } | Error::ActorDead { .. })),
                                    "{asked:?}"
                                );
                            }
                            55 => {
                                let _ = target.stop_timeout(DEFAULT_TIMEOUT);
                            }
                            _ => {
                                let asked = target.ask_timeout(Msg::Get, DEFAULT_TIMEOUT);
                                assert!(matches!(asked, Ok(_) | Err(Error::ActorDead { .. })), "{asked:?}");
                            }
                        }
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        stop(&supervisor);
        for member in &members {
            assert_eq!(member.join_timeout(DEFAULT_TIMEOUT), Ok(()));
        }
        assert!(registry.is_empty());
        // No child was ever waited out for its timeout: nothing blocked the supervisor.
        let errors = logs.at(supervisor.urn(), Level::ERROR);
        assert!(errors.is_empty(), "round {round}: {errors:?}");
    }
}

#[test]
fn a_child_with_ask_panics_fail_is_restarted_after_a_panicking_ask() {
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let supervisor = spec(Strategy::OneForOne)
        .child(member("strict", &log).ask_panics_fail(true))
        .child(member("lenient", &log))
        .start_in(&registry)
        .unwrap();
    let (strict, lenient) = (child(&supervisor, 0), child(&supervisor, 1));
    strict.tell(Msg::Add(5)).unwrap();
    lenient.tell(Msg::Add(5)).unwrap();
    // Both askers get the panic; only the strict child fails and comes back with a new state.
    assert!(matches!(
        strict.ask_timeout(Msg::Fail, DEFAULT_TIMEOUT),
        Err(Error::Panicked { .. })
    ));
    assert!(matches!(
        lenient.ask_timeout(Msg::Fail, DEFAULT_TIMEOUT),
        Err(Error::Panicked { .. })
    ));
    log.wait_for("strict start 2");
    assert_eq!(strict.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(0));
    assert_eq!(lenient.ask_timeout(Msg::Get, DEFAULT_TIMEOUT), Ok(5));
    assert!(strict.is_alive());
    assert!(!log.snapshot().contains(&"lenient failure 1".to_owned()));
    stop(&supervisor);
}

#[test]
fn children_on_a_pool_are_restarted_in_place_and_stopped_with_their_supervisor() {
    let pool = pykka::Pool::builder().workers(2).name("supervised-pool").build();
    let (registry, log) = (ActorRegistry::new(), Log::default());
    let pooled = |name: &'static str| {
        let log = log.clone();
        ChildSpec::on_pool(&pool, move || Member {
            name,
            incarnation: log.next(name),
            log: log.clone(),
            count: 0,
            hold: None,
        })
    };
    let supervisor = spec(Strategy::OneForAll)
        .child(pooled("a"))
        .child(member("b", &log))
        .child(pooled("c"))
        .start_in(&registry)
        .unwrap();
    assert_eq!(pool.actors(), 2, "a and c are on the pool, b on a thread");
    let (a, c) = (child(&supervisor, 0), child(&supervisor, 2));
    let thread = a
        .ask_with(|_, _| std::thread::current().name().map(String::from))
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
    assert!(thread.is_some_and(|t| t.starts_with("supervised-pool-")));
    a.tell(Msg::Add(3)).unwrap();
    a.tell(Msg::Fail).unwrap();
    log.wait_for("c start 2");
    assert_eq!(
        log.snapshot(),
        [
            "a start 1",
            "b start 1",
            "c start 1",
            "a failure 1",
            "c stop 1",
            "b stop 1",
            "a start 2",
            "b start 2",
            "c start 2",
        ]
    );
    assert_eq!(
        a.ask_timeout(Msg::Get, DEFAULT_TIMEOUT),
        Ok(0),
        "a new state, the same ref"
    );
    assert_eq!(c.ask_timeout(Msg::Add(1), DEFAULT_TIMEOUT), Ok(1));
    stop(&supervisor);
    assert_eq!(log.snapshot()[9..], ["c stop 2", "b stop 2", "a stop 2"]);
    assert_eq!(pool.actors(), 0);
    assert!(registry.is_empty());
    pool.shutdown();
}
