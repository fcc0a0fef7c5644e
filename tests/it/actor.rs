//! Actor identity, construction, lifecycle hooks, failures and stop semantics.
//!
//! Covers B001-B024 of shared/reference/pykka-behaviors.md (B005 is N and dropped). Python's
//! exceptions become panics here; B016 (`BaseException` stops every actor) is reshaped: a
//! panic is an ordinary failure that stops only its actor, and a handler that means "stop
//! everything" says so with `Context::stop_all`.

use std::rc::Rc;

use pykka::{Actor, ActorRegistry, Context, Error, Failure, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, Events, Latch, is_uuid4_urn, within};

/// An actor that records its hooks and messages, with switches to make each hook misbehave.
#[derive(Default)]
struct Probe {
    events: Events,
    panic_in_on_start: bool,
    panic_in_on_stop: bool,
    panic_in_on_failure: bool,
    stop_in_on_start: bool,
    /// Checked from `on_start`: is the actor already in this registry?
    registry: Option<ActorRegistry>,
}

impl Probe {
    fn new(events: &Events) -> Self {
        Probe {
            events: events.clone(),
            ..Probe::default()
        }
    }
}

#[derive(Debug)]
enum Cmd {
    Echo(u32),
    Panic(&'static str),
    /// Opens `entered`, then waits for `release` before replying.
    Hold {
        entered: Latch,
        release: Latch,
    },
    /// Like `Hold`, then panics.
    HoldThenPanic {
        entered: Latch,
        release: Latch,
    },
    StopSelfTwice,
    TellSelfThenStop,
}

impl Actor for Probe {
    type Message = Cmd;
    type Reply = u32;

    fn on_start(&mut self, ctx: &Context<Self>) {
        self.events.push(format!("on_start {}", ctx.id()));
        if let Some(registry) = &self.registry {
            let found = registry.get_by_urn(ctx.id().urn()).is_some();
            self.events.push(format!("registered during on_start: {found}"));
        }
        if self.stop_in_on_start {
            ctx.stop();
        }
        assert!(!self.panic_in_on_start, "on_start failed");
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.events.push("on_stop");
        assert!(!self.panic_in_on_stop, "on_stop failed");
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, failure: &Failure) {
        self.events.push(format!("on_failure: {}", failure.message()));
        assert!(!self.panic_in_on_failure, "on_failure failed");
    }

    fn on_receive(&mut self, ctx: &Context<Self>, cmd: Cmd) -> Result<u32, Unhandled> {
        self.events.push(format!("received {cmd:?}"));
        match cmd {
            Cmd::Echo(n) => Ok(n),
            Cmd::Panic(message) => panic!("{message}"),
            Cmd::Hold { entered, release } => {
                entered.open();
                release.wait();
                Ok(0)
            }
            Cmd::HoldThenPanic { entered, release } => {
                entered.open();
                release.wait();
                panic!("boom after hold")
            }
            Cmd::StopSelfTwice => {
                ctx.stop();
                ctx.stop();
                Ok(2)
            }
            Cmd::TellSelfThenStop => {
                ctx.actor_ref()
                    .tell(Cmd::Echo(99))
                    .expect("the actor is alive while it handles a message");
                ctx.stop();
                Ok(1)
            }
        }
    }
}

/// Waits (bounded) until the actor has fully stopped.
fn join(actor: &pykka::ActorRef<Probe>) {
    let actor = actor.clone();
    within("ActorRef::join", move || actor.join()).unwrap();
}

// --- Identity and construction (B001-B006) ---------------------------------------------------

#[test]
fn b001_urn_is_a_uuid4_urn() {
    let actor = Probe::default().start();
    assert!(is_uuid4_urn(actor.urn()), "not a urn:uuid v4: {}", actor.urn());
    assert_eq!(actor.id().urn(), actor.urn());
    assert!(actor.stop());
}

#[test]
fn b002_urns_are_unique() {
    let registry = ActorRegistry::new();
    let actors: Vec<_> = (0..10).map(|_| Probe::default().start_in(&registry)).collect();
    let urns: std::collections::HashSet<&str> = actors.iter().map(|a| a.urn()).collect();
    assert_eq!(urns.len(), actors.len());
    assert_eq!(registry.stop_all().len(), 10);
}

#[test]
fn b003_b004_identity_is_fixed_at_start_and_shows_name_and_urn() {
    // R: a Rust actor value has no URN before it is started; the URN is assigned by `start`,
    // and the actor sees the same identity in `on_start` as its ref shows.
    let events = Events::new();
    let actor = Probe::new(&events).start();
    let shown = actor.id().to_string();
    assert!(shown.contains("Probe"), "{shown}");
    assert!(shown.contains(actor.urn()), "{shown}");
    events.wait_for(&format!("on_start {shown}"));
    assert!(actor.stop());
}

#[test]
fn b006_start_takes_the_constructed_value() {
    // R: `start(value)` instead of forwarding constructor arguments.
    let events = Events::new();
    let actor = Probe::new(&events).start();
    assert_eq!(actor.ask(Cmd::Echo(5)), Ok(5));
    assert!(actor.stop());
    // The events handle given to the constructor is the one the actor used.
    assert!(events.snapshot().contains(&"received Echo(5)".to_string()));
}

/// An actor that is not `Send`: it holds an `Rc`.
struct RcHolder {
    shared: Rc<String>,
    built_on: String,
}

impl Actor for RcHolder {
    type Message = ();
    type Reply = (usize, String, String);

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<Self::Reply, Unhandled> {
        Ok((
            Rc::strong_count(&self.shared),
            (*self.shared).clone(),
            self.built_on.clone(),
        ))
    }
}

#[test]
fn b006_start_with_builds_a_non_send_actor_on_its_own_thread() {
    let actor = RcHolder::start_with(|| RcHolder {
        shared: Rc::new("local".to_owned()),
        built_on: std::thread::current().name().unwrap_or_default().to_owned(),
    });
    let (count, text, built_on) = actor.ask(()).expect("reply");
    assert_eq!(count, 1);
    assert_eq!(text, "local");
    assert!(built_on.starts_with("RcHolder-"), "built on {built_on:?}");
    assert!(actor.stop());
}

// --- Lifecycle hooks and failures (B007-B016) -------------------------------------------------

#[test]
fn b007_on_start_runs_before_the_first_message() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    actor.tell(Cmd::Echo(1)).unwrap();
    assert_eq!(actor.ask(Cmd::Echo(2)), Ok(2));
    let got = events.snapshot();
    assert!(got[0].starts_with("on_start "), "{got:?}");
    assert_eq!(&got[1..], ["received Echo(1)", "received Echo(2)"]);
    assert!(actor.stop());
}

#[test]
fn b008_on_start_runs_after_the_actor_is_registered() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe {
        registry: Some(registry.clone()),
        ..Probe::new(&events)
    }
    .start_in(&registry);
    events.wait_for("registered during on_start: true");
    assert!(actor.stop());
}

#[test]
fn b009_stop_in_on_start_stops_the_actor_without_handling_messages() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe {
        stop_in_on_start: true,
        ..Probe::new(&events)
    }
    .start_in(&registry);
    let early = actor.ask_future(Cmd::Echo(1));
    join(&actor);
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
    assert!(matches!(
        early.get_timeout(DEFAULT_TIMEOUT),
        Err(Error::ActorDead { .. })
    ));
    let got = events.snapshot();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].starts_with("on_start "));
    assert_eq!(got[1], "on_stop");
}

#[test]
fn b010_panic_in_on_start_stops_the_actor() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe {
        panic_in_on_start: true,
        ..Probe::new(&events)
    }
    .start_in(&registry);
    join(&actor);
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
    assert!(matches!(actor.ask(Cmd::Echo(1)), Err(Error::ActorDead { .. })));
    assert!(!actor.stop());
    // Neither on_stop nor on_failure runs after a failed start.
    assert_eq!(events.snapshot().len(), 1, "{:?}", events.snapshot());
}

#[test]
fn b011_on_stop_runs_only_when_the_actor_is_stopped() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    assert_eq!(actor.ask(Cmd::Echo(1)), Ok(1));
    assert_eq!(events.count("on_stop"), 0);
    assert!(actor.stop());
    assert_eq!(events.count("on_stop"), 1);
}

#[test]
fn b012_panic_in_on_stop_still_stops_the_actor() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe {
        panic_in_on_stop: true,
        ..Probe::new(&events)
    }
    .start_in(&registry);
    assert!(actor.stop());
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
    assert_eq!(events.count("on_stop"), 1);
    assert!(matches!(actor.tell(Cmd::Echo(1)), Err(Error::ActorDead { .. })));
}

#[test]
fn b013_panic_in_tell_calls_on_failure_and_not_on_stop() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    actor.tell(Cmd::Panic("boom")).unwrap();
    join(&actor);
    assert!(!actor.is_alive());
    assert_eq!(events.count("on_failure: boom"), 1, "{events:?}");
    assert_eq!(events.count("on_stop"), 0, "{events:?}");
}

#[test]
fn b013_b015_panic_in_tell_fails_the_queued_asks_and_unregisters() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe::new(&events).start_in(&registry);
    let (entered, release) = (Latch::new(), Latch::new());
    actor
        .tell(Cmd::HoldThenPanic {
            entered: entered.clone(),
            release: release.clone(),
        })
        .unwrap();
    entered.wait();
    let queued: Vec<_> = (0..3).map(|n| actor.ask_future(Cmd::Echo(n))).collect();
    release.open();
    for future in &queued {
        match future.get_timeout(DEFAULT_TIMEOUT) {
            Err(Error::ActorDead { actor: dead }) => assert_eq!(&dead, actor.id()),
            other => panic!("expected ActorDead, got {other:?}"),
        }
    }
    join(&actor);
    assert!(registry.is_empty());
    assert_eq!(events.count("on_failure: boom after hold"), 1, "{events:?}");
    assert_eq!(events.count("on_stop"), 0);
    // None of the queued messages was handled.
    assert!(
        !events.snapshot().iter().any(|e| e.starts_with("received Echo")),
        "{events:?}"
    );
}

#[test]
fn b014_panic_in_on_failure_still_stops_the_actor() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe {
        panic_in_on_failure: true,
        ..Probe::new(&events)
    }
    .start_in(&registry);
    actor.tell(Cmd::Panic("first")).unwrap();
    join(&actor);
    assert!(!actor.is_alive());
    assert!(registry.is_empty());
    assert_eq!(events.count("on_failure: first"), 1);
    assert!(!actor.stop());
}

#[test]
fn b015_panic_in_tell_unregisters_the_actor() {
    let registry = ActorRegistry::new();
    let actor = Probe::default().start_in(&registry);
    assert_eq!(registry.len(), 1);
    actor.tell(Cmd::Panic("boom")).unwrap();
    join(&actor);
    assert!(!actor.is_alive());
    assert!(registry.get_all().is_empty());
}

#[test]
fn b016_panic_stops_only_the_failing_actor() {
    // R: Rust has no `BaseException`. A panic is an ordinary failure: it stops the failing
    // actor through `on_failure` and leaves every other actor running.
    let registry = ActorRegistry::new();
    let (failing_events, other_events) = (Events::new(), Events::new());
    let failing = Probe::new(&failing_events).start_in(&registry);
    let other = Probe::new(&other_events).start_in(&registry);
    failing.tell(Cmd::Panic("fatal")).unwrap();
    join(&failing);
    assert!(!failing.is_alive());
    assert_eq!(failing_events.count("on_failure: fatal"), 1);
    assert_eq!(failing_events.count("on_stop"), 0);
    assert!(other.is_alive());
    assert_eq!(other.ask(Cmd::Echo(3)), Ok(3));
    assert_eq!(registry.get_all(), vec![pykka::AnyActorRef::from(other.clone())]);
    assert!(other.stop());
}

// --- Stop semantics (B017-B024) ---------------------------------------------------------------

#[test]
fn b017_self_stop_twice_while_handling_an_ask() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    assert_eq!(actor.ask(Cmd::StopSelfTwice), Ok(2));
    join(&actor);
    assert!(!actor.is_alive());
    assert_eq!(events.count("on_stop"), 1);
}

#[test]
fn b018_message_sent_to_self_before_self_stop_is_processed() {
    let events = Events::new();
    let registry = ActorRegistry::new();
    let actor = Probe::new(&events).start_in(&registry);
    actor.tell(Cmd::TellSelfThenStop).unwrap();
    join(&actor);
    let got = events.snapshot();
    assert_eq!(
        &got[1..],
        ["received TellSelfThenStop", "received Echo(99)", "on_stop"],
        "{got:?}"
    );
    assert!(registry.is_empty());
}

#[test]
fn b019_ask_queued_behind_a_stop_fails_with_actor_dead() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    let (entered, release) = (Latch::new(), Latch::new());
    actor
        .tell(Cmd::Hold {
            entered: entered.clone(),
            release: release.clone(),
        })
        .unwrap();
    entered.wait();
    let stopped = actor.stop_future();
    let late = actor.ask_future(Cmd::Echo(1));
    assert!(!late.is_ready());
    release.open();
    assert!(matches!(
        late.get_timeout(DEFAULT_TIMEOUT),
        Err(Error::ActorDead { .. })
    ));
    assert_eq!(stopped.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert_eq!(events.count("received Echo(1)"), 0);
}

#[test]
fn b020_second_stop_request_queued_behind_the_first_resolves() {
    let actor = Probe::default().start();
    let (entered, release) = (Latch::new(), Latch::new());
    actor
        .tell(Cmd::Hold {
            entered: entered.clone(),
            release: release.clone(),
        })
        .unwrap();
    entered.wait();
    let first = actor.stop_future();
    let second = actor.stop_future();
    release.open();
    assert_eq!(first.get_timeout(DEFAULT_TIMEOUT), Ok(true));
    assert_eq!(second.get_timeout(DEFAULT_TIMEOUT), Ok(true));
}

#[test]
fn b021_stop_on_a_live_actor_returns_true() {
    let actor = Probe::default().start();
    assert!(actor.stop());
}

#[test]
fn b022_stop_on_a_dead_actor_returns_false() {
    let actor = Probe::default().start();
    assert!(actor.stop());
    assert!(!actor.stop());
    assert_eq!(actor.stop_timeout(DEFAULT_TIMEOUT), Ok(false));
    assert_eq!(actor.stop_future().get_timeout(DEFAULT_TIMEOUT), Ok(false));
}

#[test]
fn b023_is_alive_is_true_for_a_running_actor() {
    let actor = Probe::default().start();
    assert!(actor.is_alive());
    assert_eq!(actor.ask(Cmd::Echo(1)), Ok(1));
    assert!(actor.is_alive());
    assert!(actor.stop());
}

#[test]
fn b024_is_alive_is_false_as_soon_as_stop_returns() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    assert!(actor.stop());
    assert!(!actor.is_alive());
    // Blocking stop waited for the whole stop, `on_stop` included.
    assert_eq!(events.count("on_stop"), 1);
}

/// Stops everything when told to (B016's explicit counterpart).
struct Shutdown {
    events: Events,
}

impl Actor for Shutdown {
    type Message = bool;
    type Reply = ();

    fn on_receive(&mut self, ctx: &Context<Self>, everything: bool) -> Result<(), Unhandled> {
        if everything {
            ctx.stop_all();
        }
        Ok(())
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.events.push("on_stop");
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &Failure) {
        self.events.push("on_failure");
    }
}

#[test]
fn b016_stop_all_from_a_handler_stops_it_normally_and_every_other_actor() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let actors: Vec<_> = (0..4)
        .map(|_| Shutdown { events: events.clone() }.start_in(&registry))
        .collect();
    actors[1].tell(true).unwrap();
    let joined = within("join_all after stop_all", {
        let registry = registry.clone();
        move || registry.join_all(None)
    });
    assert_eq!(joined, Ok(()));
    assert!(registry.is_empty());
    assert!(actors.iter().all(|a| !a.is_alive()));
    assert_eq!(
        events.count("on_stop"),
        4,
        "every actor, the requester too, stopped normally"
    );
    assert_eq!(events.count("on_failure"), 0);
}

// --- Starts that fail --------------------------------------------------------------------------

/// Asks for a thread stack no machine has, so the operating system refuses the thread.
struct Huge;

impl Actor for Huge {
    type Message = ();
    type Reply = ();
    const STACK_SIZE: Option<usize> = Some(1 << 60);

    fn on_start(&mut self, _ctx: &Context<Self>) {
        panic!("a refused actor never runs on_start");
    }
}

/// Checks that `err` is a start failure of a `Huge` actor refused by the OS, and that nothing
/// of that actor is left: no entry in `registry`, no debug record.
fn refused_cleanly(err: &Error, registry: &ActorRegistry) {
    let Error::StartFailed { actor, reason } = err else {
        panic!("expected StartFailed, got {err:?}");
    };
    assert_eq!(actor.name(), "Huge");
    assert!(reason.contains("refused a thread"), "{reason}");
    assert!(
        err.to_string().starts_with("cannot start actor Huge (urn:uuid:"),
        "{err}"
    );
    assert_eq!(err.actor(), Some(actor));
    assert!(registry.get_by_urn(actor.urn()).is_none());
    assert!(
        pykka::debug::actor_states().iter().all(|s| s.actor != *actor),
        "no debug record left behind"
    );
}

#[test]
fn try_start_fails_cleanly_when_the_os_refuses_a_thread() {
    let registry = ActorRegistry::new();
    let err = Huge.try_start_in(&registry).unwrap_err();
    refused_cleanly(&err, &registry);
    assert!(registry.is_empty());
    assert_eq!(registry.stop_all(), Vec::<bool>::new());
    assert_eq!(registry.join_all(Some(DEFAULT_TIMEOUT)), Ok(()));

    let err = Huge.try_start().unwrap_err();
    refused_cleanly(&err, ActorRegistry::global());
}

#[test]
fn try_start_with_drops_the_factory_uncalled_when_the_start_fails() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let factory = |events: Events| {
        let dropped = DropLog(events.clone(), "factory dropped");
        move || {
            let _keep = &dropped;
            events.push("factory called");
            Huge
        }
    };
    let err = Huge::try_start_with_in(&registry, factory(events.clone())).unwrap_err();
    refused_cleanly(&err, &registry);
    let err = Huge::try_start_with(factory(events.clone())).unwrap_err();
    refused_cleanly(&err, ActorRegistry::global());
    assert_eq!(events.snapshot(), ["factory dropped", "factory dropped"]);
}

/// Records its drop.
struct DropLog(Events, &'static str);

impl Drop for DropLog {
    fn drop(&mut self) {
        self.0.push(self.1);
    }
}

#[test]
fn start_panics_with_the_start_failure_and_leaves_no_ghost() {
    let registry = ActorRegistry::new();
    let in_registry = registry.clone();
    let payload = std::panic::catch_unwind(move || Huge.start_in(&in_registry)).expect_err("start panics");
    let message = payload.downcast_ref::<String>().expect("a formatted panic message");
    assert!(message.starts_with("cannot start actor Huge (urn:uuid:"), "{message}");
    assert!(message.contains("refused a thread"), "{message}");
    // Before, the registry kept an entry that said it was alive and survived `stop_all`.
    assert!(registry.is_empty());
    assert!(registry.get_by_type::<Huge>().is_empty());
    assert_eq!(registry.stop_all(), Vec::<bool>::new());
}

/// Needs more stack than Rust's default 2 MiB thread stack.
struct DeepStack;

impl Actor for DeepStack {
    type Message = ();
    type Reply = u8;
    const STACK_SIZE: Option<usize> = Some(32 << 20);

    fn on_receive(&mut self, _ctx: &Context<Self>, (): ()) -> Result<u8, Unhandled> {
        let buffer = std::hint::black_box([7u8; 8 << 20]);
        Ok(buffer[buffer.len() - 1])
    }
}

#[test]
fn stack_size_sets_the_size_of_the_actor_thread_s_stack() {
    let registry = ActorRegistry::new();
    let actor = DeepStack.start_in(&registry);
    assert_eq!(actor.ask_timeout((), DEFAULT_TIMEOUT), Ok(7));
    assert!(actor.stop());
}

/// Panics whenever it is dropped, even during another panic's unwinding (where a panic aborts
/// the process unless the runtime contains the first one).
#[derive(Debug)]
struct Volatile;

impl Drop for Volatile {
    fn drop(&mut self) {
        panic!("a volatile message was dropped");
    }
}

/// Panics in `on_start` once `go` opens, and again when dropped.
struct DoublyBroken {
    go: Latch,
}

impl Drop for DoublyBroken {
    fn drop(&mut self) {
        panic!("dropped after a failed start");
    }
}

impl Actor for DoublyBroken {
    type Message = Option<Volatile>;
    type Reply = ();

    fn on_start(&mut self, _ctx: &Context<Self>) {
        self.go.wait();
        panic!("on_start went wrong");
    }
}

#[test]
fn a_panic_in_drop_after_on_start_panicked_is_contained_and_the_actor_ends_cleanly() {
    let logs = crate::support::logs();
    let go = Latch::new();
    let actor = DoublyBroken { go: go.clone() }.start();
    // Queued while `on_start` waits: a message whose `Drop` panics, and an ask behind it.
    actor.tell(Some(Volatile)).unwrap();
    let ask = actor.ask_future(None);
    go.open();

    assert!(matches!(ask.get_timeout(DEFAULT_TIMEOUT), Err(Error::ActorDead { .. })));
    let joined = actor.clone();
    within("join", move || joined.join()).unwrap();
    assert!(!actor.is_alive());
    let id = actor.id().clone();
    assert!(
        pykka::debug::actor_states().iter().all(|s| s.actor != id),
        "the debug record was left behind"
    );
    let errors: Vec<String> = logs
        .at(actor.urn(), tracing::Level::ERROR)
        .into_iter()
        .map(|r| r.message)
        .collect();
    assert_eq!(
        errors,
        [
            format!("Unhandled exception in {id}: on_start went wrong"),
            format!("Unhandled exception in {id}: dropped after a failed start"),
            format!("Panic while dropping a message queued for stopped actor {id}: a volatile message was dropped"),
        ]
    );
}

/// Room for two messages; records each, and starts handling them only once `go` opens.
struct Narrow {
    go: Latch,
    events: Events,
}

impl Actor for Narrow {
    type Message = String;
    type Reply = ();
    const INBOX_CAPACITY: Option<usize> = Some(2);

    fn on_start(&mut self, _ctx: &Context<Self>) {
        self.go.wait();
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, message: String) -> Result<(), Unhandled> {
        self.events.push(message);
        Ok(())
    }
}

#[test]
fn try_tell_on_a_full_inbox_fails_at_once_and_hands_the_same_message_back() {
    let (go, events) = (Latch::new(), Events::new());
    let actor = Narrow {
        go: go.clone(),
        events: events.clone(),
    }
    .start();
    actor.tell("one".to_owned()).unwrap();
    actor.try_tell("two".to_owned()).unwrap();
    // Full until the actor starts: `try_tell` must not wait for room (`within` bounds it).
    let full = {
        let actor = actor.clone();
        within("try_tell", move || actor.try_tell("three".to_owned()))
    };
    let err = full.unwrap_err();
    assert!(err.is_full() && !err.is_dead());
    assert_eq!(err.actor(), actor.id());
    assert_eq!(
        err.to_error(),
        Error::InboxFull {
            actor: actor.id().clone()
        }
    );
    assert_eq!(err.to_string(), format!("the inbox of actor {} is full", actor.id()));
    assert_eq!(err.into_inner(), "three");

    go.open();
    // An ask waits for room and its reply: the inbox has been drained when it returns.
    assert_eq!(actor.ask_timeout("drained".to_owned(), DEFAULT_TIMEOUT), Ok(()));
    actor.try_tell("four".to_owned()).unwrap();
    assert!(actor.stop());
    assert_eq!(events.snapshot(), ["one", "two", "drained", "four"]);
}

#[test]
fn try_tell_to_a_dead_actor_hands_the_message_back_and_converts_into_actor_dead() {
    let go = Latch::new();
    go.open();
    let actor = Narrow {
        go,
        events: Events::new(),
    }
    .start();
    assert!(actor.stop());
    let err = actor.try_tell("late".to_owned()).unwrap_err();
    assert!(err.is_dead() && !err.is_full());
    assert!(format!("{err:?}").starts_with("Dead { actor: "), "{err:?}");
    let error: Error = {
        let err = actor.try_tell("later".to_owned()).unwrap_err();
        err.into()
    };
    assert_eq!(
        error,
        Error::ActorDead {
            actor: actor.id().clone()
        }
    );
    assert_eq!(err.into_inner(), "late");
}

#[test]
fn try_tell_on_an_unbounded_inbox_always_sends() {
    let events = Events::new();
    let actor = Probe::new(&events).start();
    for n in 0..1000 {
        actor.try_tell(Cmd::Echo(n)).unwrap();
    }
    assert!(actor.stop());
    assert_eq!(events.count("received Echo(999)"), 1);
    assert_eq!(
        events
            .snapshot()
            .iter()
            .filter(|e| e.starts_with("received Echo"))
            .count(),
        1000
    );
}
