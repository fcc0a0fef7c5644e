//! Timers (issue 13): an actor's own timers (`Context::timers`), delayed sends
//! (`ActorRef::tell_after`, `TimerHandle`) and the manual clock that makes them testable.
//!
//! Every test that would otherwise sleep runs on a `ManualClock`: after `advance` returns, an
//! `ask` reaches the actor behind the timers and delayed sends that were due, so what it has
//! handled is known exactly. The few real-time tests assert lower bounds only.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pykka::{Actor, ActorRef, ActorRegistry, Context, ManualClock, RestartPolicy, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, Latch, within};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[derive(Debug, Clone)]
enum Msg {
    /// Logged as `name@<clock ms>`.
    Tick(&'static str),
    /// Logged as `held`; its `Arc` shows whether the message was dropped.
    Held(#[allow(dead_code, reason = "only its drop is watched")] Arc<()>),
}

/// Logs what it handles, with the manual clock's time.
struct Clocked {
    clock: ManualClock,
    log: Vec<String>,
}

impl Clocked {
    fn start(registry: &ActorRegistry, clock: &ManualClock) -> ActorRef<Clocked> {
        Clocked {
            clock: clock.clone(),
            log: Vec::new(),
        }
        .start_in(registry)
    }

    fn note(&mut self, name: &str) {
        let at = self.clock.elapsed().as_millis();
        self.log.push(format!("{name}@{at}"));
    }
}

impl Actor for Clocked {
    type Message = Msg;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: Msg) -> Result<(), Unhandled> {
        match msg {
            Msg::Tick(name) => self.note(name),
            Msg::Held(_) => self.log.push("held".into()),
        }
        Ok(())
    }
}

fn manual() -> (ManualClock, ActorRegistry) {
    let clock = ManualClock::new();
    let registry = ActorRegistry::with_clock(clock.clone());
    (clock, registry)
}

/// Runs `f` on the actor and waits for it: also a barrier behind everything queued before.
fn on<A: Actor, R: Send + 'static>(
    actor: &ActorRef<A>,
    f: impl FnOnce(&mut A, &Context<A>) -> R + Send + 'static,
) -> R {
    actor.ask_with(f).wait_timeout(DEFAULT_TIMEOUT).unwrap()
}

fn log(actor: &ActorRef<Clocked>) -> Vec<String> {
    on(actor, |a, _| a.log.clone())
}

/// Advances the clock and waits until the actor has handled what came due.
fn advance(clock: &ManualClock, actor: &ActorRef<Clocked>, by: Duration) {
    clock.advance(by);
    on(actor, |_, _| ());
}

#[test]
fn a_single_shot_timer_fires_once_at_its_delay() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers().start_single("once", ms(10), Msg::Tick("once"))
    });
    advance(&clock, &actor, ms(9));
    assert_eq!(log(&actor), Vec::<String>::new());
    advance(&clock, &actor, ms(1));
    assert_eq!(log(&actor), ["once@10"]);
    advance(&clock, &actor, ms(100));
    assert_eq!(log(&actor), ["once@10"]);
    assert!(!on(&actor, |_, ctx| ctx.timers().is_active(&"once")));
    registry.stop_all();
}

/// Real time: the delay is a lower bound.
#[test]
fn a_single_shot_timer_fires_no_earlier_than_its_delay_in_real_time() {
    struct Stamp(Arc<std::sync::Mutex<Option<Instant>>>, Latch);
    impl Actor for Stamp {
        type Message = ();
        type Reply = ();
    }
    let registry = ActorRegistry::new();
    let fired = Arc::new(std::sync::Mutex::new(None));
    let latch = Latch::new();
    let actor = Stamp(fired.clone(), latch.clone()).start_in(&registry);
    let started = on(&actor, |_, ctx| {
        ctx.timers().start_single_with("t", ms(20), |s: &mut Stamp, _| {
            *s.0.lock().unwrap() = Some(Instant::now());
            s.1.open();
        });
        Instant::now()
    });
    latch.wait();
    let at = fired.lock().unwrap().expect("fired");
    assert!(at - started >= ms(20), "fired after {:?}", at - started);
    registry.stop_all();
}

#[test]
fn starting_a_key_again_replaces_its_timer_and_the_old_one_never_fires() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers().start_single("k", ms(10), Msg::Tick("old"));
        ctx.timers().start_single("k", ms(20), Msg::Tick("new"));
        assert_eq!(ctx.timers().len(), 1);
    });
    advance(&clock, &actor, ms(10));
    advance(&clock, &actor, ms(10));
    advance(&clock, &actor, ms(100));
    assert_eq!(log(&actor), ["new@20"]);
    registry.stop_all();
}

#[test]
fn a_timer_cancelled_before_it_is_due_is_never_delivered() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| ctx.timers().start_single("k", ms(10), Msg::Tick("k")));
    assert!(on(&actor, |_, ctx| ctx.timers().cancel(&"k")));
    assert!(
        !on(&actor, |_, ctx| ctx.timers().cancel(&"k")),
        "nothing left to cancel"
    );
    advance(&clock, &actor, ms(100));
    assert_eq!(log(&actor), Vec::<String>::new());
    registry.stop_all();
}

/// Akka's guarantee: the timer is due (the clock passed it, its wake-up is queued) but the
/// actor is busy; a cancel handled before the actor gets to the timer wins.
#[test]
fn a_timer_cancelled_when_already_due_but_not_yet_handled_is_never_delivered() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers().start_single("single", ms(10), Msg::Tick("single"));
        ctx.timers().start_fixed_rate("rate", ms(10), Msg::Tick("rate"));
        ctx.timers().start_single("replaced", ms(10), Msg::Tick("old"));
    });
    let busy = Latch::new();
    let gate = busy.clone();
    actor.tell_with(move |_, _| gate.wait()).unwrap();
    actor
        .tell_with(|_, ctx| {
            assert!(ctx.timers().cancel(&"single"));
            assert!(ctx.timers().cancel(&"rate"));
            ctx.timers().start_single("replaced", ms(50), Msg::Tick("new"));
        })
        .unwrap();
    clock.advance(ms(10)); // all three are due now, while the actor is busy
    busy.open();
    on(&actor, |_, _| ()); // the replacement started at 10: due at 60
    advance(&clock, &actor, ms(10));
    assert_eq!(log(&actor), Vec::<String>::new());
    assert!(on(&actor, |_, ctx| ctx.timers().is_active(&"replaced")));
    advance(&clock, &actor, ms(40));
    assert_eq!(log(&actor), ["new@60"]);
    registry.stop_all();
}

/// 1,000 ticks on the grid of the first: no drift; a handler that overran three intervals
/// is followed by the next tick on the grid, not by a burst of the missed ones.
#[test]
fn a_fixed_rate_timer_has_no_drift_over_a_thousand_ticks_and_no_burst_after_a_slow_handler() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers()
            .start_fixed_rate_with("rate", ms(10), |a: &mut Clocked, _| {
                a.note("t");
                if a.log.len() == 500 {
                    a.clock.advance(ms(30)); // the 500th handler takes three intervals
                }
            });
    });
    let mut steps = 0;
    while log(&actor).len() < 1000 {
        advance(&clock, &actor, ms(10));
        steps += 1;
        assert!(steps <= 1010, "too few ticks");
    }
    let times: Vec<u64> = log(&actor)
        .iter()
        .map(|t| t.trim_start_matches("t@").parse().unwrap())
        .collect();
    assert_eq!(times.len(), 1000);
    assert!(times.iter().all(|t| t % 10 == 0), "every tick on the grid");
    assert!(times.windows(2).all(|w| w[1] > w[0]), "no two ticks at once: no burst");
    assert_eq!(&times[..3], [10, 20, 30]);
    // The 500th tick (at 5000) ran until 5030: 5010, 5020 and 5030 are skipped.
    assert_eq!(&times[499..501], [5000, 5040]);
    assert_eq!(times[999], 10_030);
    registry.stop_all();
}

#[test]
fn a_fixed_delay_timer_keeps_its_gap_after_the_handler_ends() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers()
            .start_fixed_delay_with("delay", ms(10), |a: &mut Clocked, _| {
                a.note("t");
                if a.log.len() == 2 {
                    a.clock.advance(ms(7)); // the second handler takes 7 ms
                }
            });
    });
    for _ in 0..50 {
        advance(&clock, &actor, ms(1));
    }
    // 50 steps of 1 ms and the handler's 7 ms: the clock ends at 57.
    assert_eq!(log(&actor), ["t@10", "t@20", "t@37", "t@47", "t@57"]);
    registry.stop_all();
}

#[test]
fn a_periodic_timer_cancelled_in_its_own_handler_does_not_fire_again() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers()
            .start_fixed_rate_with("rate", ms(10), |a: &mut Clocked, ctx| {
                a.note("t");
                assert!(ctx.timers().is_active(&"rate"), "active while handled");
                if a.log.len() == 2 {
                    assert!(ctx.timers().cancel(&"rate"));
                }
            });
    });
    for _ in 0..5 {
        advance(&clock, &actor, ms(10));
    }
    assert_eq!(log(&actor), ["t@10", "t@20"]);
    assert!(on(&actor, |_, ctx| ctx.timers().is_empty()));
    registry.stop_all();
}

#[test]
fn stopping_an_actor_cancels_its_timers_and_drops_their_messages() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    let held = Arc::new(());
    let message = Msg::Held(held.clone());
    on(&actor, move |_, ctx| {
        ctx.timers().start_single("single", ms(10), message.clone());
        ctx.timers().start_fixed_rate("rate", ms(10), message);
        ctx.timers().start_fixed_delay("delay", ms(10), Msg::Tick("delay"));
    });
    assert_eq!(Arc::strong_count(&held), 3);
    assert!(actor.stop());
    assert_eq!(Arc::strong_count(&held), 1, "the timers' messages are dropped");
    clock.advance(ms(100));
    registry.stop_all();
}

#[test]
fn cancel_all_cancels_every_timer() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers().start_single(1u8, ms(10), Msg::Tick("a"));
        ctx.timers().start_fixed_rate(2u8, ms(10), Msg::Tick("b"));
        ctx.timers().cancel_all();
        assert!(ctx.timers().is_empty());
    });
    advance(&clock, &actor, ms(100));
    assert_eq!(log(&actor), Vec::<String>::new());
    registry.stop_all();
}

/// Keys of different types never match: `1u8` and `1u32` are two timers.
#[test]
fn keys_are_compared_within_their_type() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    on(&actor, |_, ctx| {
        ctx.timers().start_single(1u8, ms(10), Msg::Tick("u8"));
        ctx.timers().start_single(1u32, ms(20), Msg::Tick("u32"));
        assert!(ctx.timers().is_active(&1u8) && ctx.timers().is_active(&1u32));
        assert!(!ctx.timers().is_active(&1u64));
    });
    advance(&clock, &actor, ms(20));
    assert_eq!(log(&actor), ["u8@20", "u32@20"]);
    registry.stop_all();
}

/// `on_start` starts a periodic timer; a restart runs `on_start` again, and the actor still
/// ticks once per interval. A timer the failed incarnation started is gone too.
#[test]
fn a_restart_does_not_double_a_periodic_timer() {
    let (clock, registry) = manual();
    let ticks = Arc::new(AtomicUsize::new(0));
    /// Counts its beats (and the `late` timer's, as a hundred).
    struct Beat(Arc<AtomicUsize>);
    impl Actor for Beat {
        type Message = &'static str;
        type Reply = ();
        fn on_start(&mut self, ctx: &Context<Self>) {
            ctx.timers().start_fixed_rate_with("beat", ms(10), |b: &mut Beat, _| {
                b.0.fetch_add(1, Ordering::SeqCst);
            });
        }
        fn on_receive(&mut self, ctx: &Context<Self>, msg: &'static str) -> Result<(), Unhandled> {
            match msg {
                "fail" => panic!("told to fail"),
                "late" => ctx.timers().start_single_with(msg, ms(5), |b: &mut Beat, _| {
                    b.0.fetch_add(100, Ordering::SeqCst);
                }),
                _ => {}
            }
            Ok(())
        }
    }
    let counter = ticks.clone();
    let actor = Beat::start_restarting_in(&registry, RestartPolicy::permanent(), move || Beat(counter.clone()));
    for _ in 0..2 {
        actor.tell("late").unwrap();
        actor.tell("fail").unwrap();
        actor.ask("ping").unwrap(); // restarted
    }
    for _ in 0..5 {
        clock.advance(ms(10));
        actor.ask("ping").unwrap();
    }
    assert_eq!(ticks.load(Ordering::SeqCst), 5);
    registry.stop_all();
}

#[test]
fn a_delayed_send_arrives_at_its_delay_and_cancel_says_whether_it_was_pending() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    let sent = actor.tell_after(ms(10), Msg::Tick("sent"));
    let cancelled = actor.tell_after(ms(5), Msg::Tick("cancelled"));
    assert!(sent.is_pending());
    assert!(cancelled.cancel(), "pending: cancelled");
    assert!(!cancelled.cancel(), "a second cancel finds nothing");
    advance(&clock, &actor, ms(9));
    assert_eq!(log(&actor), Vec::<String>::new());
    advance(&clock, &actor, ms(1));
    assert_eq!(log(&actor), ["sent@10"]);
    assert!(!sent.is_pending());
    assert!(!sent.cancel(), "already delivered");
    registry.stop_all();
}

#[test]
fn delayed_sends_are_delivered_in_due_order() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    actor.tell_after(ms(30), Msg::Tick("c"));
    actor.tell_after(ms(10), Msg::Tick("a"));
    actor.tell_after(ms(20), Msg::Tick("b"));
    actor.tell_after(ms(20), Msg::Tick("b2"));
    advance(&clock, &actor, ms(30));
    assert_eq!(log(&actor), ["a@30", "b@30", "b2@30", "c@30"]);
    registry.stop_all();
}

/// Real time: one shared thread delivers; the delay is a lower bound.
#[test]
fn a_delayed_send_arrives_no_earlier_than_its_delay_in_real_time() {
    struct Stamp(Latch);
    impl Actor for Stamp {
        type Message = Instant;
        type Reply = ();
        fn on_receive(&mut self, _ctx: &Context<Self>, sent: Instant) -> Result<(), Unhandled> {
            assert!(sent.elapsed() >= ms(20), "arrived after {:?}", sent.elapsed());
            self.0.open();
            Ok(())
        }
    }
    let registry = ActorRegistry::new();
    let latch = Latch::new();
    let actor = Stamp(latch.clone()).start_in(&registry);
    actor.tell_after(ms(20), Instant::now());
    latch.wait();
    assert!(actor.is_alive(), "the assertion in the handler held");
    registry.stop_all();
}

#[test]
fn delayed_sends_to_a_stopped_actor_are_dropped_without_leaking() {
    let (clock, registry) = manual();
    let actor = Clocked::start(&registry, &clock);
    let held = Arc::new(());
    let pending = actor.tell_after(ms(10), Msg::Held(held.clone()));
    assert!(actor.stop());
    assert!(pending.is_pending());
    clock.advance(ms(10)); // due: the actor is gone, the message is dropped
    assert_eq!(Arc::strong_count(&held), 1);
    assert!(!pending.is_pending());
    assert!(!pending.cancel());
    // A send to an actor already stopped is dropped at once.
    let late = actor.tell_after(ms(10), Msg::Held(held.clone()));
    assert!(!late.is_pending());
    assert_eq!(Arc::strong_count(&held), 1);
}

#[test]
fn stop_all_does_not_wait_on_the_timer_thread() {
    let registry = ActorRegistry::new();
    let clock = ManualClock::new(); // only for the actor's log
    let actor = Clocked::start(&registry, &clock);
    let pending = actor.tell_after(Duration::from_secs(3600), Msg::Tick("an hour later"));
    let stopping = registry.clone();
    let stopped = within("stop_all", move || stopping.stop_all());
    assert_eq!(stopped, [true]);
    assert!(registry.get_all().is_empty());
    assert!(pending.is_pending(), "the timer thread is no actor: untouched");
    assert!(pending.cancel());
}

/// 100k delayed sends, half cancelled: exactly the other half arrives, in order.
#[test]
fn a_hundred_thousand_delayed_sends_half_cancelled_deliver_exactly_the_rest() {
    /// Counts the sends and checks their due times (`1 + n % 1000` ms) never go back.
    struct Count(u64, u64);
    impl Actor for Count {
        type Message = u64;
        type Reply = (u64, u64);
        fn on_receive(&mut self, _ctx: &Context<Self>, n: u64) -> Result<(u64, u64), Unhandled> {
            if n != u64::MAX {
                let due = 1 + n % 1000;
                assert!(due >= self.1, "in due order");
                self.0 += 1;
                self.1 = due;
            }
            Ok((self.0, self.1))
        }
    }
    let (clock, registry) = manual();
    let actor = Count(0, 0).start_in(&registry);
    let handles: Vec<_> = (0..100_000u64).map(|i| actor.tell_after(ms(1 + i % 1000), i)).collect();
    for h in handles.iter().step_by(2) {
        assert!(h.cancel());
    }
    clock.advance(ms(1000));
    let (count, _) = actor.ask(u64::MAX).unwrap();
    assert_eq!(count, 50_000);
    assert!(handles.iter().all(|h| !h.is_pending()));
    registry.stop_all();
}

/// A player whose playback position a delayed proxy call advances.
#[pykka::actor]
pub struct Player {
    pub played: Vec<String>,
}

impl Actor for Player {
    type Message = ();
    type Reply = ();
}

#[pykka::actor]
impl Player {
    pub fn play(&mut self, track: String) {
        self.played.push(track);
    }
}

#[test]
fn a_delayed_proxy_call_runs_after_its_delay_and_cancels_exactly() {
    let (clock, registry) = manual();
    let player = Player { played: Vec::new() }.start_in(&registry);
    let proxy = player.proxy().unwrap();
    let next = proxy.after(ms(10)).play("next".into());
    let skipped = proxy.after(ms(5)).play("skipped".into());
    assert!(skipped.cancel());
    clock.advance(ms(9));
    assert_eq!(
        proxy.played().get_timeout(DEFAULT_TIMEOUT).unwrap(),
        Vec::<String>::new()
    );
    assert!(next.is_pending());
    clock.advance(ms(1));
    assert_eq!(proxy.played().get_timeout(DEFAULT_TIMEOUT).unwrap(), ["next"]);
    assert!(!next.cancel(), "already delivered");
    // To a stopped actor: dropped.
    let late = proxy.after(ms(10)).play("late".into());
    player.stop();
    clock.advance(ms(10));
    assert!(!late.is_pending());
}

/// 100k timers of one actor, half cancelled: exactly the other half fires (the memory bound of
/// the structure under it is checked in `pykka-core`'s `timers::queue` unit tests).
#[test]
fn a_hundred_thousand_actor_timers_half_cancelled_fire_exactly_the_rest() {
    let (clock, registry) = manual();
    let fired = Arc::new(AtomicUsize::new(0));
    let counter = fired.clone();
    struct Many;
    impl Actor for Many {
        type Message = ();
        type Reply = ();
    }
    let actor = Many.start_in(&registry);
    let active = on(&actor, move |_, ctx| {
        for i in 0..100_000u64 {
            let counter = counter.clone();
            ctx.timers()
                .start_single_with(i, ms(1 + i % 1000), move |_: &mut Many, _| {
                    counter.fetch_add(1, Ordering::SeqCst);
                });
        }
        for i in (0..100_000u64).step_by(2) {
            assert!(ctx.timers().cancel(&i));
        }
        ctx.timers().len()
    });
    assert_eq!(active, 50_000);
    clock.advance(ms(1000));
    on(&actor, |_, _| ());
    assert_eq!(fired.load(Ordering::SeqCst), 50_000);
    assert!(on(&actor, |_, ctx| ctx.timers().is_empty()));
    registry.stop_all();
}

/// Real time: the n-th tick of a fixed-rate timer comes no earlier than n intervals after
/// the start, and the actor handles messages between ticks.
#[test]
fn a_fixed_rate_timer_ticks_no_earlier_than_its_grid_in_real_time() {
    struct Ticks(Vec<Instant>, Latch);
    impl Actor for Ticks {
        type Message = ();
        type Reply = usize;
        fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<usize, Unhandled> {
            Ok(self.0.len())
        }
    }
    let registry = ActorRegistry::new();
    let latch = Latch::new();
    let actor = Ticks(Vec::new(), latch.clone()).start_in(&registry);
    let started = on(&actor, |_, ctx| {
        let started = Instant::now();
        ctx.timers().start_fixed_rate_with("tick", ms(5), |t: &mut Ticks, ctx| {
            t.0.push(Instant::now());
            if t.0.len() == 5 {
                ctx.timers().cancel(&"tick");
                t.1.open();
            }
        });
        started
    });
    while !latch.is_open() {
        actor.ask(()).unwrap(); // messages interleave with the ticks
        std::thread::yield_now();
    }
    let ticks = on(&actor, |t, _| t.0.clone());
    assert_eq!(ticks.len(), 5);
    for (n, at) in (1u32..).zip(&ticks) {
        assert!(*at - started >= ms(5) * n, "tick {n} after {:?}", *at - started);
    }
    registry.stop_all();
}
