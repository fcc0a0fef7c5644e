//! Logging: the `tracing` events pykka emits under target `pykka`, and their levels and texts.
//!
//! Covers B131-B137 of shared/reference/pykka-behaviors.md (B130, Python's NullHandler, is N).
//! Logs are captured by one global subscriber (see `support::logs`) and filtered by the URN of
//! the test's own actor, since tests run in parallel.

use pykka::{Actor, ActorRef, Context, Error, Failure, Unhandled};
use tracing::Level;

use crate::support::{DEFAULT_TIMEOUT, LogRecord, logs, within};

#[derive(Default)]
struct Noisy {
    panic_in_on_start: bool,
    panic_in_on_stop: bool,
    panic_in_on_failure: bool,
}

#[derive(Debug)]
enum Say {
    Hello,
    Unknown(u32),
    Panic(&'static str),
}

impl Actor for Noisy {
    type Message = Say;
    type Reply = ();

    fn on_start(&mut self, _ctx: &Context<Self>) {
        assert!(!self.panic_in_on_start, "start went wrong");
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        assert!(!self.panic_in_on_stop, "stop went wrong");
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &Failure) {
        assert!(!self.panic_in_on_failure, "failure handling went wrong");
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, say: Say) -> Result<(), Unhandled> {
        match say {
            Say::Hello => Ok(()),
            Say::Unknown(n) => Err(Unhandled::of(&Say::Unknown(n))),
            Say::Panic(message) => panic!("{message}"),
        }
    }
}

fn join(actor: &ActorRef<Noisy>) {
    let actor = actor.clone();
    within("ActorRef::join", move || actor.join()).unwrap();
}

fn messages(records: &[LogRecord]) -> Vec<&str> {
    records.iter().map(|r| r.message.as_str()).collect()
}

#[test]
fn lifecycle_is_logged_at_debug() {
    let logs = logs();
    let actor = Noisy::default().start();
    assert!(actor.stop());
    let records = logs.for_actor(actor.urn());
    assert!(
        records.iter().all(|r| r.target == "pykka" && r.level == Level::DEBUG),
        "{records:?}"
    );
    assert!(
        records
            .iter()
            .all(|r| r.actor.as_deref() == Some(actor.to_string().as_str())),
        "{records:?}"
    );
    let expected = ["Registered", "Starting", "Unregistered", "Stopped"].map(|verb| format!("{verb} {actor}"));
    assert_eq!(messages(&records), expected, "{records:?}");
}

#[test]
fn b131_unexpected_message_is_logged_once_at_warn() {
    let logs = logs();
    let actor = Noisy::default().start();
    actor.tell(Say::Unknown(7)).unwrap();
    assert_eq!(actor.ask_timeout(Say::Hello, DEFAULT_TIMEOUT), Ok(()));
    let warnings = logs.at(actor.urn(), Level::WARN);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (head, rest) = warnings[0].message.split_once(": ").expect("a `: ` separator");
    assert_eq!(head, format!("Unexpected message received by {actor}"));
    assert_eq!(rest, "Unknown(7)");
    assert_eq!(warnings[0].target, "pykka");
    // An asker gets an error and the message is logged the same way.
    assert_eq!(
        actor.ask(Say::Unknown(8)),
        Err(Error::Unhandled {
            actor: actor.id().clone()
        })
    );
    assert_eq!(logs.at(actor.urn(), Level::WARN).len(), 2);
    assert!(actor.stop());
}

#[test]
fn b132_panic_returned_to_the_caller_is_logged_once_at_info() {
    let logs = logs();
    let actor = Noisy::default().start();
    assert!(matches!(actor.ask(Say::Panic("oops")), Err(Error::Panicked { .. })));
    let infos = logs.at(actor.urn(), Level::INFO);
    assert_eq!(
        messages(&infos),
        [format!("Exception returned from {actor} to caller: oops")]
    );
    assert!(logs.at(actor.urn(), Level::ERROR).is_empty());
    assert!(actor.stop());
}

#[test]
fn b133_panic_in_tell_is_logged_once_at_error() {
    let logs = logs();
    let actor = Noisy::default().start();
    actor.tell(Say::Panic("nobody to tell")).unwrap();
    join(&actor);
    let errors = logs.at(actor.urn(), Level::ERROR);
    assert_eq!(
        messages(&errors),
        [format!("Unhandled exception in {actor}: nobody to tell")]
    );
}

#[test]
fn b134_panic_is_logged_as_an_ordinary_failure() {
    // R: there is no `BaseException` and no "Stopping all actors"; after the one ERROR come the
    // usual DEBUG records of the stop, and nothing else.
    let logs = logs();
    let actor = Noisy::default().start();
    actor.tell(Say::Panic("fatal")).unwrap();
    join(&actor);
    let records = logs.for_actor(actor.urn());
    let error_at = records
        .iter()
        .position(|r| r.level == Level::ERROR)
        .expect("an ERROR record");
    let after: Vec<_> = records[error_at + 1..]
        .iter()
        .map(|r| (r.level, r.message.clone()))
        .collect();
    assert_eq!(
        after,
        [
            (Level::DEBUG, format!("Unregistered {actor}")),
            (Level::DEBUG, format!("Stopped {actor}"))
        ]
    );
    assert!(
        !records.iter().any(|r| r.message.contains("Stopping all actors")),
        "{records:?}"
    );
}

#[test]
fn b135_panic_in_on_start_is_logged_once_at_error() {
    let logs = logs();
    let actor = Noisy {
        panic_in_on_start: true,
        ..Noisy::default()
    }
    .start();
    join(&actor);
    let errors = logs.at(actor.urn(), Level::ERROR);
    assert_eq!(
        messages(&errors),
        [format!("Unhandled exception in {actor}: start went wrong")]
    );
}

#[test]
fn b136_panic_in_on_stop_is_logged_once_at_error() {
    let logs = logs();
    let actor = Noisy {
        panic_in_on_stop: true,
        ..Noisy::default()
    }
    .start();
    assert!(actor.stop());
    let errors = logs.at(actor.urn(), Level::ERROR);
    assert_eq!(
        messages(&errors),
        [format!("Unhandled exception in {actor}: stop went wrong")]
    );
}

#[test]
fn b137_panic_in_on_failure_is_logged_twice_at_error() {
    let logs = logs();
    let actor = Noisy {
        panic_in_on_failure: true,
        ..Noisy::default()
    }
    .start();
    actor.tell(Say::Panic("first failure")).unwrap();
    join(&actor);
    let errors = logs.at(actor.urn(), Level::ERROR);
    assert_eq!(
        messages(&errors),
        [
            format!("Unhandled exception in {actor}: first failure"),
            format!("Unhandled exception in {actor}: failure handling went wrong"),
        ]
    );
}

#[test]
fn b134_stop_all_from_a_handler_is_logged_at_debug() {
    // R: the explicit counterpart of a `BaseException`: `Context::stop_all` logs one DEBUG
    // "Stopping all actors." record, then the actor's usual stop records.
    let logs = logs();
    let registry = pykka::ActorRegistry::new();
    let actor = StopsAll.start_in(&registry);
    actor.tell(()).unwrap();
    assert_eq!(registry.join_all(Some(DEFAULT_TIMEOUT)), Ok(()));
    let records = logs.for_actor(actor.urn());
    let at = records
        .iter()
        .position(|r| r.level == Level::DEBUG && r.message.ends_with("Stopping all actors."))
        .expect("a DEBUG Stopping all actors record");
    let after: Vec<_> = records[at + 1..].iter().map(|r| (r.level, r.message.clone())).collect();
    assert_eq!(
        after,
        [
            (Level::DEBUG, format!("Unregistered {actor}")),
            (Level::DEBUG, format!("Stopped {actor}"))
        ]
    );
    assert!(!records.iter().any(|r| r.level == Level::ERROR), "{records:?}");
}

/// Calls `Context::stop_all` on any message.
struct StopsAll;

impl pykka::Actor for StopsAll {
    type Message = ();
    type Reply = ();

    fn on_receive(&mut self, ctx: &pykka::Context<Self>, (): ()) -> Result<(), pykka::Unhandled> {
        ctx.stop_all();
        Ok(())
    }
}

/// Panics when dropped unhandled.
#[derive(Debug)]
struct Fuse(bool);

impl Drop for Fuse {
    fn drop(&mut self) {
        assert!(self.0, "an unhandled fuse blew");
    }
}

/// Handles a fuse (defusing it) once `go` opens.
struct FuseBox {
    go: crate::support::Latch,
}

impl Actor for FuseBox {
    type Message = Fuse;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, mut fuse: Fuse) -> Result<(), Unhandled> {
        self.go.wait();
        fuse.0 = true;
        Ok(())
    }
}

#[test]
fn a_panic_while_dropping_a_message_queued_at_stop_is_logged_once_at_error() {
    let logs = logs();
    let go = crate::support::Latch::new();
    let actor = FuseBox { go: go.clone() }.start();
    actor.tell(Fuse(false)).unwrap(); // handled: the actor waits for `go` inside it
    let stopped = actor.stop_future();
    actor.tell(Fuse(false)).unwrap(); // queued behind the stop: dropped unhandled
    go.open();
    assert_eq!(stopped.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    let joined = actor.clone();
    within("ActorRef::join", move || joined.join()).unwrap();
    let errors = logs.at(actor.urn(), Level::ERROR);
    assert_eq!(
        messages(&errors),
        [format!(
            "Panic while dropping a message queued for stopped actor {actor}: an unhandled fuse blew"
        )]
    );
    assert_eq!(errors[0].target, "pykka");
    assert_eq!(errors[0].actor.as_deref(), Some(actor.to_string().as_str()));
}
