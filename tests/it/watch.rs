//! Watching: `ActorRef::termination`, `AnyActorRef::termination` and `Context::watch` (Erlang's
//! monitor) see an actor's final end once, never a restart; `Context::registry`.

use pykka::{Actor, ActorRef, ActorRegistry, AnyActorRef, Context, RestartPolicy, Termination, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, Events};

/// Panics on `true`.
struct Target;

impl Actor for Target {
    type Message = bool;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, fail: bool) -> Result<(), Unhandled> {
        assert!(!fail, "target failed");
        Ok(())
    }
}

/// Records each termination it is told of.
struct Watcher {
    events: Events,
}

impl Actor for Watcher {
    type Message = ();
    type Reply = ();
}

fn watch(watcher: &ActorRef<Watcher>, target: &AnyActorRef) {
    let target = target.clone();
    watcher
        .ask_with(move |_, ctx| {
            ctx.watch(&target, |w: &mut Watcher, ctx, termination| {
                assert!(ctx.actor_ref().is_alive());
                w.events.push(format!("ended: {termination}"));
            });
        })
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
}

/// Waits until the watcher handled everything queued so far.
fn settle(watcher: &ActorRef<Watcher>) {
    watcher.ask_with(|_, _| ()).get_timeout(DEFAULT_TIMEOUT).unwrap();
}

#[test]
fn watchers_see_no_restart_and_exactly_one_termination() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let target = Target::start_restarting_in(&registry, RestartPolicy::permanent(), || Target);
    let watcher = Watcher { events: events.clone() }.start_in(&registry);
    watch(&watcher, &target.clone().into());
    let termination = target.termination();
    for _ in 0..2 {
        target.tell(true).unwrap();
        target.ask(false).unwrap();
    }
    settle(&watcher);
    assert!(
        events.snapshot().is_empty(),
        "a restart is not a termination: {events:?}"
    );
    assert!(!termination.is_ready());

    target.stop();
    assert_eq!(termination.get_timeout(DEFAULT_TIMEOUT).unwrap(), Termination::Stopped);
    events.wait_for("ended: stopped");
    settle(&watcher);
    assert_eq!(events.snapshot(), ["ended: stopped"]);
    watcher.stop();
}

#[test]
fn a_watch_of_an_actor_that_already_ended_is_queued_at_once() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let target = Target.start_in(&registry);
    target.tell(true).unwrap();
    target.join().unwrap();
    let watcher = Watcher { events: events.clone() }.start_in(&registry);
    watch(&watcher, &target.into());
    settle(&watcher);
    assert_eq!(events.snapshot(), ["ended: failed: target failed"]);
    watcher.stop();
}

#[test]
fn termination_tells_a_failure_from_giving_up() {
    let registry = ActorRegistry::new();
    let failed = Target.start_in(&registry);
    let any: AnyActorRef = failed.clone().into();
    failed.tell(true).unwrap();
    assert_eq!(
        any.termination().get_timeout(DEFAULT_TIMEOUT).unwrap(),
        Termination::Failed {
            message: "target failed".into()
        }
    );
    assert!(failed.is_terminated());

    let policy = RestartPolicy::permanent().intensity(0, std::time::Duration::from_secs(3600));
    let gave_up = Target::start_restarting_in(&registry, policy, || Target);
    gave_up.tell(true).unwrap();
    let termination = gave_up.termination().get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert_eq!(
        termination,
        Termination::GaveUp {
            restarts: 0,
            message: "target failed".into()
        }
    );
    assert_eq!(termination.failure(), Some("target failed"));
}

#[test]
fn a_watcher_that_stopped_first_is_not_told() {
    let registry = ActorRegistry::new();
    let events = Events::new();
    let target = Target.start_in(&registry);
    let watcher = Watcher { events: events.clone() }.start_in(&registry);
    watch(&watcher, &target.clone().into());
    watcher.stop();
    target.stop();
    assert!(target.termination().is_ready());
    assert!(events.snapshot().is_empty());
}

/// Finds its peers through the registry it was started in.
struct Finder;

impl Actor for Finder {
    type Message = ();
    type Reply = usize;

    fn on_receive(&mut self, ctx: &Context<Self>, (): ()) -> Result<usize, Unhandled> {
        Ok(ctx.registry().get_by_type::<Target>().len())
    }
}

#[test]
fn context_registry_is_the_registry_the_actor_was_started_in() {
    let registry = ActorRegistry::new();
    let finder = Finder.start_in(&registry);
    let target = Target.start_in(&registry);
    assert_eq!(finder.ask(()).unwrap(), 1);
    target.stop();
    assert_eq!(finder.ask(()).unwrap(), 0);
    finder.stop();
}
