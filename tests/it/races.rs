//! Races between stopping and talking to actors, each repeated many times.
//!
//! Threads are lined up with barriers (never sleeps) and every wait is bounded by
//! `DEFAULT_TIMEOUT`, so a lost reply or a hang fails the test instead of stalling it. The
//! properties checked hold for every interleaving; repetition only makes rare ones likely.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};

use pykka::{Actor, ActorRef, ActorRegistry, Context, Error, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, spawn, threads_named, within};

const ITERATIONS: usize = 200;

struct Echo {
    stops: Arc<AtomicUsize>,
}

impl Actor for Echo {
    type Message = usize;
    type Reply = usize;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: usize) -> Result<usize, Unhandled> {
        Ok(n)
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.stops.fetch_add(1, Ordering::SeqCst);
    }
}

/// The same, with a small bounded inbox, so senders also race for room.
struct NarrowEcho;

impl Actor for NarrowEcho {
    type Message = usize;
    type Reply = usize;
    const INBOX_CAPACITY: Option<usize> = Some(2);

    fn on_receive(&mut self, _ctx: &Context<Self>, n: usize) -> Result<usize, Unhandled> {
        Ok(n)
    }
}

/// Asks `actor` from several threads while one more thread stops it; checks that every ask
/// ends with its reply or `ActorDead`, and that once dead, the actor stays dead.
fn asks_racing_a_stop<A: Actor<Message = usize, Reply = usize>>(actor: &ActorRef<A>) {
    const ASKERS: usize = 4;
    const ASKS: usize = 25;
    let barrier = Arc::new(Barrier::new(ASKERS + 1));
    let askers: Vec<_> = (0..ASKERS)
        .map(|t| {
            let (actor, barrier) = (actor.clone(), barrier.clone());
            spawn("asker", move || {
                barrier.wait();
                let mut dead = false;
                for i in 0..ASKS {
                    let n = t * ASKS + i;
                    // Take turns with the forms of ask (a plain message, its future, a
                    // closure carried in the inbox slot); all are bounded, so a lost reply
                    // shows up as a timeout.
                    let result = match i % 3 {
                        0 => actor.ask_timeout(n, DEFAULT_TIMEOUT),
                        1 => actor.ask_future(n).get_timeout(DEFAULT_TIMEOUT),
                        _ => actor.ask_with(move |_, _| n).get_timeout(DEFAULT_TIMEOUT),
                    };
                    match result {
                        Ok(reply) => {
                            assert!(!dead, "a reply after ActorDead");
                            assert_eq!(reply, n);
                        }
                        Err(Error::ActorDead { .. }) => dead = true,
                        Err(other) => panic!("ask {n}: expected a reply or ActorDead, got {other:?}"),
                    }
                }
            })
        })
        .collect();
    barrier.wait();
    assert_eq!(actor.stop_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert!(!actor.is_alive());
    for asker in askers {
        asker.join().expect("an asker failed");
    }
}

#[test]
fn asks_racing_a_stop_resolve_with_a_reply_or_actor_dead() {
    for _ in 0..ITERATIONS {
        let stops = Arc::new(AtomicUsize::new(0));
        let actor = Echo { stops: stops.clone() }.start();
        asks_racing_a_stop(&actor);
        assert_eq!(stops.load(Ordering::SeqCst), 1);
    }
}

#[test]
fn asks_racing_a_stop_on_a_bounded_inbox_resolve_with_a_reply_or_actor_dead() {
    for _ in 0..ITERATIONS {
        let actor = NarrowEcho.start();
        asks_racing_a_stop(&actor);
    }
}

#[test]
fn concurrent_stops_all_return_and_one_stops_the_actor() {
    const STOPPERS: usize = 4;
    for _ in 0..ITERATIONS {
        let stops = Arc::new(AtomicUsize::new(0));
        let actor = Echo { stops: stops.clone() }.start();
        let barrier = Arc::new(Barrier::new(STOPPERS));
        let (done_tx, done_rx) = mpsc::channel();
        for _ in 0..STOPPERS {
            let (actor, barrier, stops, done_tx) = (actor.clone(), barrier.clone(), stops.clone(), done_tx.clone());
            spawn("stopper", move || {
                barrier.wait();
                let stopped = actor.stop();
                // Whatever the answer, the actor has fully stopped when `stop` returns.
                let _ = done_tx.send((stopped, actor.is_alive(), stops.load(Ordering::SeqCst)));
            });
        }
        let answers: Vec<_> = (0..STOPPERS)
            .map(|_| done_rx.recv_timeout(DEFAULT_TIMEOUT).expect("a stop() returned"))
            .collect();
        assert!(answers.iter().any(|&(stopped, _, _)| stopped), "{answers:?}");
        assert!(
            answers.iter().all(|&(_, alive, stops)| !alive && stops == 1),
            "{answers:?}"
        );
        let joined = actor.clone();
        within("join", move || joined.join()).unwrap();
        assert_eq!(stops.load(Ordering::SeqCst), 1);
    }
}

/// Started by many threads while `stop_all` runs; its name is used by this test only, so its
/// threads can be counted.
struct StopAllChurn;

impl Actor for StopAllChurn {
    type Message = ();
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<(), Unhandled> {
        Ok(())
    }
}

#[test]
fn stop_all_racing_starts_leaves_no_actor_running() {
    const STARTERS: usize = 3;
    const STARTS: usize = 4;
    for _ in 0..ITERATIONS {
        let registry = ActorRegistry::new();
        let barrier = Arc::new(Barrier::new(STARTERS + 1));
        let starters_done = Arc::new(AtomicBool::new(false));
        let starters: Vec<_> = (0..STARTERS)
            .map(|_| {
                let (registry, barrier) = (registry.clone(), barrier.clone());
                spawn("starter", move || {
                    barrier.wait();
                    (0..STARTS)
                        .map(|_| StopAllChurn.start_in(&registry))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // `stop_all` runs while the starters start; the last call begins after they are done,
        // so nothing can be started after it.
        let stopper = {
            let (registry, barrier, starters_done) = (registry.clone(), barrier.clone(), starters_done.clone());
            spawn("stop-all", move || {
                barrier.wait();
                loop {
                    let last = starters_done.load(Ordering::SeqCst);
                    registry.stop_all();
                    if last {
                        break;
                    }
                }
            })
        };
        let started: Vec<_> = starters
            .into_iter()
            .flat_map(|s| s.join().expect("a starter failed"))
            .collect();
        starters_done.store(true, Ordering::SeqCst);
        within("the stop_all loop", move || stopper.join().expect("stop_all panicked"));

        assert_eq!(started.len(), STARTERS * STARTS);
        assert!(registry.is_empty(), "{registry:?}");
        assert!(started.iter().all(|a| !a.is_alive()));
        for actor in &started {
            let actor = actor.clone();
            within("join", move || actor.join()).unwrap();
        }
        if let Some(threads) = threads_named("StopAllChurn-") {
            assert!(threads.is_empty(), "actor threads left: {threads:?}");
        }
    }
}

/// A message whose `Drop` panics on an actor thread unless the actor handled it: a message
/// still queued when its actor stops. (Refused by a dead actor, it is dropped quietly on the
/// sender's thread, so the senders below only see `ActorDead`.)
#[derive(Debug)]
struct Grenade {
    handled: bool,
}

impl Drop for Grenade {
    fn drop(&mut self) {
        let on_actor_thread = std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with("Defuser-"));
        if !self.handled && on_actor_thread && !std::thread::panicking() {
            panic!("a queued grenade went off");
        }
    }
}

/// Defuses every grenade it handles; one still queued when it stops goes off.
struct Defuser;

impl Actor for Defuser {
    type Message = Option<Grenade>;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, grenade: Option<Grenade>) -> Result<(), Unhandled> {
        if let Some(mut grenade) = grenade {
            grenade.handled = true;
        }
        Ok(())
    }
}

/// The same, with a bounded inbox, so the senders also wait for room while it stops.
struct NarrowDefuser;

impl Actor for NarrowDefuser {
    type Message = Option<Grenade>;
    type Reply = ();
    const INBOX_CAPACITY: Option<usize> = Some(2);

    fn name() -> &'static str {
        "Defuser"
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, grenade: Option<Grenade>) -> Result<(), Unhandled> {
        if let Some(mut grenade) = grenade {
            grenade.handled = true;
        }
        Ok(())
    }
}

/// The window these races aim at (a message pushed between the inbox's last look and its
/// closing) is a few instructions wide; the bounded inbox widens it (senders waiting for room
/// push as the inbox frees it). Before the fix, 1000 iterations of the bounded form hit it in
/// each of three runs, the unbounded form in about one run of five.
const GRENADE_ITERATIONS: usize = 1000;

/// Sends grenades and asks from two threads while a third stops the actor, until the actor
/// refuses them (or a few have been sent: each one left queued is a panic, which is slow). Every ask must end with its reply or `ActorDead` (a grenade going off inside
/// the inbox's clean-up must not strand the asks queued behind it), and the actor thread must
/// run to its end (a panic that escaped it would leave its debug record behind).
fn grenades_racing_a_stop<A: Actor<Message = Option<Grenade>, Reply = ()>>(actor: &ActorRef<A>) {
    const SENDERS: usize = 2;
    const GRENADES: usize = 16;
    let barrier = Arc::new(Barrier::new(SENDERS + 1));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (actor, barrier) = (actor.clone(), barrier.clone());
            spawn("grenadier", move || {
                barrier.wait();
                let mut asks = Vec::new();
                for _ in 0..GRENADES {
                    if actor.tell(Some(Grenade { handled: false })).is_err() {
                        break;
                    }
                    asks.push(actor.ask_future(None));
                }
                for ask in asks {
                    match ask.get_timeout(DEFAULT_TIMEOUT) {
                        Ok(()) | Err(Error::ActorDead { .. }) => {}
                        Err(other) => panic!("expected a reply or ActorDead, got {other:?}"),
                    }
                }
            })
        })
        .collect();
    barrier.wait();
    assert_eq!(actor.stop_timeout(DEFAULT_TIMEOUT), Ok(true));
    for sender in senders {
        within("a grenadier", move || sender.join().expect("a grenadier failed"));
    }
    let joined = actor.clone();
    within("join", move || joined.join()).unwrap();
    let id = actor.id().clone();
    assert!(
        pykka::debug::actor_states().iter().all(|s| s.actor != id),
        "the actor thread did not reach its end"
    );
}

#[test]
fn a_message_whose_drop_panics_racing_a_stop_never_strands_the_asks_behind_it() {
    for _ in 0..GRENADE_ITERATIONS {
        grenades_racing_a_stop(&Defuser.start());
    }
}

#[test]
fn a_message_whose_drop_panics_racing_a_stop_on_a_bounded_inbox_never_strands_the_asks_behind_it() {
    for _ in 0..GRENADE_ITERATIONS {
        grenades_racing_a_stop(&NarrowDefuser.start());
    }
}
