//! `ActorRef`: tell, ask, formatting, equality, bounded inboxes and asks from the actor itself.
//!
//! Covers B025-B038 of shared/reference/pykka-behaviors.md, plus the port's own guarantees:
//! a panic in an ask handler reaches the caller as `Error::Panicked`, a bounded inbox makes
//! `tell` wait for room, and a blocking ask from the actor's own thread is `Error::Deadlock`.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;
use std::time::Duration;

use pykka::{Actor, ActorRef, AnyActorRef, Context, Error, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, Events, Latch, spawn, within};

/// Any value at all, as B026's "any object" becomes one message type.
#[derive(Debug, Clone, PartialEq)]
enum Payload {
    Int(i64),
    Float(f64),
    Map(HashMap<String, i32>),
    Tuple((u8, char)),
    List(Vec<u8>),
    Error(Error),
}

#[derive(Debug)]
enum Msg {
    Store(Payload),
    Stored,
    Echo(u32),
    Hold { entered: Latch, release: Latch },
    Panic(String),
    NotForMe,
    AskSelf,
    GetOwnStopFuture,
    StopSelfBlocking,
}

#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Ok,
    Num(u32),
    Stored(Vec<Payload>),
    SelfAsk(Result<u32, Error>),
    Stop(bool),
}

#[derive(Default)]
struct Keeper {
    stored: Vec<Payload>,
    events: Events,
}

impl Actor for Keeper {
    type Message = Msg;
    type Reply = Answer;

    fn on_receive(&mut self, ctx: &Context<Self>, msg: Msg) -> Result<Answer, Unhandled> {
        self.events.push(format!("received {msg:?}"));
        match msg {
            Msg::Store(p) => {
                self.stored.push(p);
                Ok(Answer::Ok)
            }
            Msg::Stored => Ok(Answer::Stored(self.stored.clone())),
            Msg::Echo(n) => Ok(Answer::Num(n)),
            Msg::Hold { entered, release } => {
                entered.open();
                release.wait();
                Ok(Answer::Ok)
            }
            Msg::Panic(message) => panic!("{message}"),
            Msg::NotForMe => Err(Unhandled::of(&"NotForMe")),
            Msg::AskSelf => {
                let reply = ctx.actor_ref().ask(Msg::Echo(1)).map(|a| match a {
                    Answer::Num(n) => n,
                    other => panic!("unexpected {other:?}"),
                });
                Ok(Answer::SelfAsk(reply))
            }
            Msg::GetOwnStopFuture => {
                let reply = ctx.actor_ref().stop_future().get_timeout(DEFAULT_TIMEOUT);
                Ok(Answer::SelfAsk(reply.map(u32::from)))
            }
            Msg::StopSelfBlocking => Ok(Answer::Stop(ctx.actor_ref().stop())),
        }
    }
}

/// Holds the actor in a message until the returned latch is opened.
fn hold(actor: &ActorRef<Keeper>) -> Latch {
    let (entered, release) = (Latch::new(), Latch::new());
    actor
        .tell(Msg::Hold {
            entered: entered.clone(),
            release: release.clone(),
        })
        .unwrap();
    entered.wait();
    release
}

// --- tell and ask (B025-B032) -----------------------------------------------------------------

#[test]
fn b025_tell_delivers_to_on_receive() {
    let events = Events::new();
    let actor = Keeper {
        events: events.clone(),
        ..Keeper::default()
    }
    .start();
    actor.tell(Msg::Echo(7)).unwrap();
    events.wait_for("received Echo(7)");
    assert!(actor.stop());
}

#[test]
fn b026_tell_accepts_any_value_as_the_message() {
    // R: "any object" is any value of the actor's message type; an error travels as data.
    let actor = Keeper::default().start();
    let payloads = vec![
        Payload::Int(1),
        Payload::Float(1.5),
        Payload::Map(HashMap::from([("a".to_owned(), 1)])),
        Payload::Tuple((1, 'x')),
        Payload::List(vec![1, 2, 3]),
        Payload::Error(Error::custom("carried, not raised")),
    ];
    for p in &payloads {
        actor.tell(Msg::Store(p.clone())).unwrap();
    }
    assert_eq!(actor.ask(Msg::Stored), Ok(Answer::Stored(payloads)));
    assert!(actor.is_alive());
    assert!(actor.stop());
}

#[test]
fn b027_tell_to_a_stopped_actor_is_actor_dead() {
    let actor = Keeper::default().start();
    assert!(actor.stop());
    let err = actor.tell(Msg::Echo(1)).unwrap_err();
    assert_eq!(
        err,
        Error::ActorDead {
            actor: actor.id().clone()
        }
    );
    assert!(err.to_string().contains(&actor.to_string()), "{err}");
    assert_eq!(err.to_string(), format!("actor {actor} is dead"));
}

#[test]
fn b028_ask_returns_the_reply() {
    let actor = Keeper::default().start();
    assert_eq!(actor.ask(Msg::Echo(42)), Ok(Answer::Num(42)));
    assert!(actor.stop());
}

#[test]
fn b029_ask_with_zero_timeout_times_out_if_the_reply_is_not_there() {
    let actor = Keeper::default().start();
    let release = hold(&actor);
    match actor.ask_timeout(Msg::Echo(1), Duration::ZERO) {
        Err(Error::Timeout { actor: who, after }) => {
            assert_eq!(who.as_ref(), Some(actor.id()));
            assert_eq!(after, Duration::ZERO);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    release.open();
    assert_eq!(actor.ask_timeout(Msg::Echo(2), DEFAULT_TIMEOUT), Ok(Answer::Num(2)));
    assert!(actor.stop());
}

#[test]
fn b030_ask_future_yields_the_reply_later() {
    let actor = Keeper::default().start();
    let release = hold(&actor);
    let future = actor.ask_future(Msg::Echo(3));
    assert!(!future.is_ready());
    assert!(future.get_timeout(Duration::ZERO).unwrap_err().is_timeout());
    release.open();
    assert_eq!(future.get_timeout(DEFAULT_TIMEOUT), Ok(Answer::Num(3)));
    assert!(actor.stop());
}

#[test]
fn b031_ask_to_a_stopped_actor_is_actor_dead() {
    let actor = Keeper::default().start();
    assert!(actor.stop());
    assert_eq!(
        actor.ask(Msg::Echo(1)),
        Err(Error::ActorDead {
            actor: actor.id().clone()
        })
    );
    assert!(
        actor
            .ask_timeout(Msg::Echo(1), DEFAULT_TIMEOUT)
            .unwrap_err()
            .is_actor_dead()
    );
}

#[test]
fn b032_ask_future_to_a_stopped_actor_is_an_already_failed_future() {
    let actor = Keeper::default().start();
    assert!(actor.stop());
    let future = actor.ask_future(Msg::Echo(1));
    assert!(future.is_ready());
    assert_eq!(
        future.get_timeout(Duration::ZERO),
        Err(Error::ActorDead {
            actor: actor.id().clone()
        })
    );
    let with = actor.ask_with(|_, _| 1);
    assert!(with.is_ready());
    assert!(with.get_timeout(Duration::ZERO).unwrap_err().is_actor_dead());
}

// --- Formatting, equality and hashing (B033-B038) ---------------------------------------------

#[test]
fn b033_b034_b035_b036_debug_form() {
    let actor = Keeper::default().start();
    let debug = format!("{actor:?}");
    assert!(debug.starts_with('<') && debug.ends_with('>'), "{debug}"); // B033
    assert!(debug.contains("ActorRef"), "{debug}"); // B034
    assert!(debug.contains("Keeper"), "{debug}"); // B035
    assert!(debug.contains(actor.urn()), "{debug}"); // B036
    assert_eq!(debug, format!("<ActorRef for Keeper ({})>", actor.urn()));
    assert!(actor.stop());
}

#[test]
fn b037_b038_display_form() {
    let actor = Keeper::default().start();
    let shown = actor.to_string();
    assert!(shown.contains("Keeper"), "{shown}"); // B037
    assert!(shown.contains(actor.urn()), "{shown}"); // B038
    assert_eq!(shown, format!("Keeper ({})", actor.urn()));
    assert_eq!(shown, actor.id().to_string());
    assert_eq!(actor.name(), "Keeper");
    assert!(actor.stop());
}

#[test]
#[allow(clippy::mutable_key_type, reason = "a ref hashes by its URN, which never changes")]
fn refs_compare_and_hash_by_actor_identity() {
    let a = Keeper::default().start();
    let b = Keeper::default().start();
    let a2 = a.clone();
    assert_eq!(a, a2);
    assert_ne!(a, b);
    let set: HashSet<ActorRef<Keeper>> = [a.clone(), a2.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    let any = AnyActorRef::from(a.clone());
    assert_eq!(any, a);
    assert_ne!(any, b);
    assert_eq!(format!("{any}"), a.to_string());
    assert_eq!(format!("{any:?}"), format!("{a:?}"));
    assert_eq!(any.downcast::<Keeper>(), Some(a.clone()));
    assert!(a.stop());
    assert!(b.stop());
    // A dead actor's ref still equals its clones.
    assert_eq!(a, a2);
}

// --- Failures reaching the caller -------------------------------------------------------------

#[test]
fn panic_in_ask_is_returned_to_the_caller_and_the_actor_keeps_running() {
    let events = Events::new();
    let actor = Keeper {
        events: events.clone(),
        ..Keeper::default()
    }
    .start();
    let err = actor.ask(Msg::Panic("bad input".to_owned())).unwrap_err();
    match &err {
        Error::Panicked { actor: who, message } => {
            assert_eq!(who, actor.id());
            assert_eq!(&**message, "bad input");
        }
        other => panic!("expected Panicked, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.contains("Keeper") && shown.contains(actor.urn()) && shown.contains("bad input"),
        "{shown}"
    );
    assert!(actor.is_alive());
    assert_eq!(actor.ask(Msg::Echo(1)), Ok(Answer::Num(1)));
    // The future form carries the same error.
    assert_eq!(
        actor
            .ask_future(Msg::Panic("again".to_owned()))
            .get_timeout(DEFAULT_TIMEOUT)
            .unwrap_err()
            .actor(),
        Some(actor.id())
    );
    assert!(actor.stop());
}

#[test]
fn panic_in_ask_with_is_returned_to_the_caller() {
    let actor = Keeper::default().start();
    let future = actor.ask_with(|_, _| -> u32 { panic!("closure failed") });
    match future.get_timeout(DEFAULT_TIMEOUT) {
        Err(Error::Panicked { message, .. }) => assert_eq!(&*message, "closure failed"),
        other => panic!("expected Panicked, got {other:?}"),
    }
    assert!(actor.is_alive());
    actor.tell_with(|k, _| k.stored.push(Payload::Int(9))).unwrap();
    assert_eq!(
        actor.ask_with(|k, _| k.stored.clone()).get_timeout(DEFAULT_TIMEOUT),
        Ok(vec![Payload::Int(9)])
    );
    assert!(actor.stop());
}

#[test]
fn unhandled_message_is_an_error_for_the_asker_and_the_actor_keeps_running() {
    let actor = Keeper::default().start();
    assert_eq!(
        actor.ask(Msg::NotForMe),
        Err(Error::Unhandled {
            actor: actor.id().clone()
        })
    );
    actor.tell(Msg::NotForMe).unwrap();
    assert_eq!(actor.ask(Msg::Echo(5)), Ok(Answer::Num(5)));
    assert!(actor.stop());
}

// --- Asking yourself --------------------------------------------------------------------------

#[test]
fn blocking_ask_from_the_actors_own_thread_is_a_deadlock_error() {
    let actor = Keeper::default().start();
    let reply = actor
        .ask_timeout(Msg::AskSelf, DEFAULT_TIMEOUT)
        .expect("the handler returns");
    assert_eq!(
        reply,
        Answer::SelfAsk(Err(Error::Deadlock {
            cycle: vec![actor.id().clone()]
        }))
    );
    // The actor keeps running (and handles the message it sent itself).
    assert_eq!(actor.ask_timeout(Msg::Echo(4), DEFAULT_TIMEOUT), Ok(Answer::Num(4)));
    // Waiting on its own stop is a deadlock too; the stop it queued still happens.
    let reply = actor
        .ask_timeout(Msg::GetOwnStopFuture, DEFAULT_TIMEOUT)
        .expect("the handler returns");
    assert!(
        matches!(reply, Answer::SelfAsk(Err(Error::Deadlock { .. }))),
        "{reply:?}"
    );
    let joined = actor.clone();
    within("join after a self-stop", move || joined.join()).unwrap();
    assert!(!actor.is_alive());
}

#[test]
fn blocking_stop_from_the_actors_own_thread_queues_the_stop() {
    let events = Events::new();
    let actor = Keeper {
        events: events.clone(),
        ..Keeper::default()
    }
    .start();
    assert_eq!(
        actor.ask_timeout(Msg::StopSelfBlocking, DEFAULT_TIMEOUT),
        Ok(Answer::Stop(true))
    );
    let joined = actor.clone();
    within("join after a self-stop", move || joined.join()).unwrap();
    assert!(!actor.is_alive());
}

// --- Bounded inboxes --------------------------------------------------------------------------

/// An actor with room for one queued message.
struct Narrow {
    events: Events,
}

impl Actor for Narrow {
    type Message = Msg;
    type Reply = Answer;
    const INBOX_CAPACITY: Option<usize> = Some(1);

    fn on_receive(&mut self, _ctx: &Context<Self>, msg: Msg) -> Result<Answer, Unhandled> {
        self.events.push(format!("received {msg:?}"));
        match msg {
            Msg::Hold { entered, release } => {
                entered.open();
                release.wait();
                Ok(Answer::Ok)
            }
            Msg::Echo(n) => Ok(Answer::Num(n)),
            _ => Err(Unhandled::default()),
        }
    }
}

#[test]
fn bounded_inbox_tell_waits_for_room_and_timed_ask_times_out() {
    let events = Events::new();
    let actor = Narrow { events: events.clone() }.start();
    let (entered, release) = (Latch::new(), Latch::new());
    actor
        .tell(Msg::Hold {
            entered: entered.clone(),
            release: release.clone(),
        })
        .unwrap();
    entered.wait();
    // The actor is busy and its inbox is empty: one message fits.
    actor.tell(Msg::Echo(1)).unwrap();
    assert_eq!(actor.inbox_len(), 1);

    // The inbox stays full while the actor is held, so a timed ask cannot even be queued.
    match actor.ask_timeout(Msg::Echo(2), Duration::from_millis(20)) {
        Err(Error::Timeout { actor: who, .. }) => assert_eq!(who.as_ref(), Some(actor.id())),
        other => panic!("expected a timeout, got {other:?}"),
    }

    // A tell waits for room: it cannot return while the actor is held.
    let (told_tx, told_rx) = mpsc::channel();
    let teller = actor.clone();
    let teller = spawn("teller", move || {
        let result = teller.tell(Msg::Echo(3));
        told_tx.send(result).unwrap();
    });
    assert_eq!(
        told_rx.recv_timeout(Duration::from_millis(50)),
        Err(mpsc::RecvTimeoutError::Timeout)
    );
    release.open();
    assert_eq!(told_rx.recv_timeout(DEFAULT_TIMEOUT), Ok(Ok(())));
    teller.join().unwrap();

    assert_eq!(actor.ask_timeout(Msg::Echo(4), DEFAULT_TIMEOUT), Ok(Answer::Num(4)));
    let got = events.snapshot();
    assert_eq!(
        &got[1..],
        ["received Echo(1)", "received Echo(3)", "received Echo(4)"],
        "{got:?}"
    );
    assert!(actor.stop());
}

#[test]
fn bounded_inbox_messages_queued_at_stop_fail_with_actor_dead() {
    // B019 and B020 with a bounded inbox: what is queued behind the stop still resolves.
    struct Roomy;
    impl Actor for Roomy {
        type Message = Msg;
        type Reply = Answer;
        const INBOX_CAPACITY: Option<usize> = Some(4);
        fn on_receive(&mut self, _ctx: &Context<Self>, msg: Msg) -> Result<Answer, Unhandled> {
            match msg {
                Msg::Hold { entered, release } => {
                    entered.open();
                    release.wait();
                    Ok(Answer::Ok)
                }
                Msg::Echo(n) => Ok(Answer::Num(n)),
                _ => Err(Unhandled::default()),
            }
        }
    }
    let actor = Roomy.start();
    let (entered, release) = (Latch::new(), Latch::new());
    actor
        .tell(Msg::Hold {
            entered: entered.clone(),
            release: release.clone(),
        })
        .unwrap();
    entered.wait();
    let first_stop = actor.stop_future();
    let late_ask = actor.ask_future(Msg::Echo(1));
    let second_stop = actor.stop_future();
    release.open();
    assert_eq!(first_stop.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert!(matches!(
        late_ask.get_timeout(DEFAULT_TIMEOUT),
        Err(Error::ActorDead { .. })
    ));
    assert_eq!(second_stop.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert!(!actor.is_alive());
}

// --- Stops never wait for room; join and is_terminated -----------------------------------------

#[derive(Debug)]
enum Cramp {
    Hold {
        entered: Latch,
        release: Latch,
    },
    /// Holds, then calls `Context::stop_all`.
    ThenStopAll {
        entered: Latch,
        release: Latch,
    },
    /// Holds, then asks itself to stop through `stop_future`.
    ThenStopFuture {
        entered: Latch,
        release: Latch,
    },
    Echo(u32),
}

/// An actor with room for one queued message that reports what its stops returned.
struct Cramped {
    events: Events,
}

impl Actor for Cramped {
    type Message = Cramp;
    type Reply = u32;
    const INBOX_CAPACITY: Option<usize> = Some(1);

    fn on_receive(&mut self, ctx: &Context<Self>, msg: Cramp) -> Result<u32, Unhandled> {
        match msg {
            Cramp::Hold { entered, release } => {
                entered.open();
                release.wait();
            }
            Cramp::ThenStopAll { entered, release } => {
                entered.open();
                release.wait();
                ctx.stop_all();
                self.events.push("stop_all returned");
            }
            Cramp::ThenStopFuture { entered, release } => {
                entered.open();
                release.wait();
                let _ = ctx.actor_ref().stop_future();
                self.events.push("stop_future returned");
            }
            Cramp::Echo(n) => return Ok(n),
        }
        Ok(0)
    }
}

/// Starts a `Cramped` actor in `registry`, holds it inside a handler built by `make` and fills
/// its inbox; returns the actor and the latch that lets the handler go on.
fn cramped(
    registry: &pykka::ActorRegistry,
    events: &Events,
    make: impl FnOnce(Latch, Latch) -> Cramp,
) -> (ActorRef<Cramped>, Latch) {
    let actor = Cramped { events: events.clone() }.start_in(registry);
    let (entered, release) = (Latch::new(), Latch::new());
    actor.tell(make(entered.clone(), release.clone())).unwrap();
    entered.wait();
    actor.tell(Cramp::Echo(1)).unwrap();
    assert_eq!(actor.inbox_len(), 1, "the inbox is full");
    (actor, release)
}

fn hold_cramped(entered: Latch, release: Latch) -> Cramp {
    Cramp::Hold { entered, release }
}

#[test]
fn context_stop_all_from_an_actor_with_a_full_inbox_returns() {
    let registry = pykka::ActorRegistry::new();
    let events = Events::new();
    // Another actor is stuck with a full inbox too: asking it to stop must not wait for room.
    let (stuck, stuck_release) = cramped(&registry, &events, hold_cramped);
    let (actor, release) = cramped(&registry, &events, |entered, release| Cramp::ThenStopAll {
        entered,
        release,
    });
    release.open();
    events.wait_for("stop_all returned");
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
    // The stuck actor got its stop, queued beyond its capacity.
    assert_eq!(stuck.inbox_len(), 2);
    stuck_release.open();
    registry.join_all(Some(DEFAULT_TIMEOUT)).unwrap();
    assert!(stuck.is_terminated());
}

#[test]
fn stop_future_from_an_actor_with_a_full_inbox_returns() {
    let registry = pykka::ActorRegistry::new();
    let events = Events::new();
    let (actor, release) = cramped(&registry, &events, |entered, release| Cramp::ThenStopFuture {
        entered,
        release,
    });
    release.open();
    events.wait_for("stop_future returned");
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
}

#[test]
fn stop_future_on_a_full_inbox_does_not_wait_for_room() {
    let registry = pykka::ActorRegistry::new();
    let (actor, release) = cramped(&registry, &Events::new(), hold_cramped);
    let stopping = actor.clone();
    let stop = within("stop_future on a full inbox", move || stopping.stop_future());
    assert!(!stop.is_ready());
    release.open();
    assert_eq!(stop.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert!(actor.is_terminated() || actor.join_timeout(DEFAULT_TIMEOUT).is_ok());
}

#[test]
fn stop_timeout_on_a_full_inbox_is_bounded_by_its_timeout() {
    let registry = pykka::ActorRegistry::new();
    let (actor, release) = cramped(&registry, &Events::new(), hold_cramped);
    let stopping = actor.clone();
    let timeout = Duration::from_millis(50);
    let result = within("stop_timeout on a full inbox", move || stopping.stop_timeout(timeout));
    assert_eq!(
        result,
        Err(Error::Timeout {
            actor: Some(actor.id().clone()),
            after: timeout
        })
    );
    // The stop was queued all the same: the actor stops once it is let go.
    release.open();
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
    assert!(!actor.is_alive());
}

#[test]
fn stop_all_nowait_on_a_full_inbox_does_not_wait_for_room() {
    let registry = pykka::ActorRegistry::new();
    let (actor, release) = cramped(&registry, &Events::new(), hold_cramped);
    let stopping = registry.clone();
    let stops = within("stop_all_nowait on a full inbox", move || stopping.stop_all_nowait());
    assert_eq!(stops.len(), 1);
    release.open();
    assert_eq!(stops[0].get_timeout(DEFAULT_TIMEOUT), Ok(true));
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
}

#[test]
fn stop_all_timeout_on_a_full_inbox_is_bounded_by_its_timeout() {
    let registry = pykka::ActorRegistry::new();
    let (actor, release) = cramped(&registry, &Events::new(), hold_cramped);
    let stopping = registry.clone();
    let result = within("stop_all_timeout on a full inbox", move || {
        stopping.stop_all_timeout(Duration::from_millis(50))
    });
    assert!(result.unwrap_err().is_timeout());
    release.open();
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
}

#[test]
fn a_full_inbox_takes_one_stop_beyond_its_capacity_however_many_are_asked() {
    let registry = pykka::ActorRegistry::new();
    let (actor, release) = cramped(&registry, &Events::new(), hold_cramped);
    let stops: Vec<_> = (0..5).map(|_| actor.stop_future()).collect();
    assert_eq!(actor.inbox_len(), 2, "one message and one stop");
    // Messages still wait for room: the stop took no token of theirs.
    let ask = actor.ask_timeout(Cramp::Echo(2), Duration::from_millis(10));
    assert!(ask.unwrap_err().is_timeout());
    assert_eq!(actor.inbox_len(), 2);
    release.open();
    for stop in stops {
        assert_eq!(stop.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    }
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
    assert!(!actor.stop(), "a stop after the actor stopped answers false");
}

#[test]
fn join_from_the_actors_own_thread_is_a_deadlock_error() {
    let actor = Keeper::default().start();
    let deadlock = Err(Error::Deadlock {
        cycle: vec![actor.id().clone()],
    });
    let joined = actor.ask_with(|_, ctx| ctx.actor_ref().join());
    assert_eq!(joined.get_timeout(DEFAULT_TIMEOUT), Ok(deadlock.clone()));
    let joined = actor.ask_with(|_, ctx| ctx.actor_ref().join_timeout(DEFAULT_TIMEOUT));
    assert_eq!(joined.get_timeout(DEFAULT_TIMEOUT), Ok(deadlock));
    assert!(actor.is_alive());
    assert!(actor.stop());
}

#[test]
fn join_timeout_gives_up_on_a_running_actor_and_returns_once_it_stopped() {
    let actor = Keeper::default().start();
    let timeout = Duration::from_millis(20);
    assert_eq!(
        actor.join_timeout(timeout),
        Err(Error::Timeout {
            actor: Some(actor.id().clone()),
            after: timeout
        })
    );
    assert!(actor.is_alive());
    let _ = actor.stop_future();
    assert_eq!(actor.join_timeout(DEFAULT_TIMEOUT), Ok(()));
    assert!(actor.is_terminated());
    // Joining a finished actor returns at once, as often as asked.
    assert_eq!(actor.join_timeout(Duration::ZERO), Ok(()));
    assert_eq!(actor.join(), Ok(()));
}

/// Holds its `on_stop` until the test lets it go.
struct SlowStop {
    in_hook: Latch,
    release: Latch,
}

impl Actor for SlowStop {
    type Message = ();
    type Reply = ();

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.in_hook.open();
        self.release.wait();
    }
}

#[test]
fn is_terminated_goes_true_only_once_on_stop_has_returned() {
    let (in_hook, release) = (Latch::new(), Latch::new());
    let actor = SlowStop {
        in_hook: in_hook.clone(),
        release: release.clone(),
    }
    .start();
    assert!(actor.is_alive() && !actor.is_terminated());
    let stop = actor.stop_future();
    in_hook.wait();
    assert!(!actor.is_alive(), "no longer alive once stopping starts");
    assert!(!actor.is_terminated(), "not terminated while inside on_stop");
    assert!(!stop.is_ready());
    release.open();
    assert_eq!(stop.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    actor.join_timeout(DEFAULT_TIMEOUT).unwrap();
    assert!(actor.is_terminated());
}

#[test]
fn stop_returns_once_the_thread_has_finished() {
    for _ in 0..200 {
        let actor = Keeper::default().start();
        assert!(actor.stop());
        assert!(actor.is_terminated());
    }
}
