//! Typed proxies: method calls, `defer`, fields, self-proxy, equality and formatting, dead
//! actors, test doubles, and the message enums sent without a proxy.
//!
//! Covers B070-B077, B079-B087, B092-B107, B111, B141-B145 of
//! `shared/reference/pykka-behaviors.md` (the C-tagged ones are compile-fail cases in
//! `tests/ui`).

use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pykka::{Actor, ActorRegistry, Context, Dispatch, Error, Failure, Future, Reply, actor};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The events an actor's hooks report.
type Events = Arc<Mutex<Vec<String>>>;

/// The actor of most tests: a field, methods with and without results, a panicking method.
#[actor]
pub struct Calc {
    /// A plain field.
    pub total: i64,
    /// Another, never read by a getter method.
    pub name: String,
    secret: u32,
    events: Events,
}

impl Actor for Calc {
    type Message = i64;
    type Reply = i64;

    fn on_receive(&mut self, _ctx: &Context<Self>, n: i64) -> Result<i64, pykka::Unhandled> {
        self.total += n;
        Ok(self.total)
    }

    fn on_stop(&mut self, _ctx: &Context<Self>) {
        self.events.lock().unwrap().push("on_stop".into());
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, failure: &Failure) {
        self.events.lock().unwrap().push(format!("on_failure: {failure}"));
    }
}

#[actor]
impl Calc {
    /// Adds `a` and `b` without touching the state.
    pub fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Adds `x` to the total; returns nothing.
    pub fn accumulate(&mut self, x: i64) {
        self.total += x;
    }

    /// A "property" getter (B084).
    pub fn doubled(&self) -> i64 {
        self.total * 2
    }

    /// A "property" setter (B085).
    pub fn set_doubled(&mut self, value: i64) {
        self.total = value / 2;
    }

    /// Always panics.
    pub fn explode(&self, why: String) -> i64 {
        panic!("{why}")
    }

    /// Returns a future from a call to itself, queued after the current message (B077).
    pub fn offload(&self, ctx: &Context<Self>, x: i64) -> Future<i64> {
        ctx.proxy().add(x, 1)
    }

    /// Returns a `Result` from the method itself.
    pub fn checked_div(&self, a: i64, b: i64) -> Result<i64, String> {
        if b == 0 {
            Err("division by zero".into())
        } else {
            Ok(a / b)
        }
    }

    /// Reads the private state.
    pub fn secret(&self) -> u32 {
        self.secret
    }

    fn hidden(&self) -> u32 {
        self.secret + 1
    }
}

fn calc(registry: &ActorRegistry) -> (CalcProxy, Events) {
    let events = Events::default();
    let actor = Calc {
        total: 0,
        name: "calc".into(),
        secret: 7,
        events: events.clone(),
    }
    .start_in(registry);
    (actor.proxy().unwrap(), events)
}

#[test]
fn b070_method_call_returns_future_of_its_result() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    assert_eq!(proxy.add(1, 2).get_timeout(TIMEOUT).unwrap(), 3);
    assert_eq!(proxy.add(10, 20).get_timeout(TIMEOUT).unwrap(), 30);
    registry.stop_all();
}

#[test]
fn b071_side_effect_is_visible_to_a_later_field_read() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let unit: Future<()> = proxy.accumulate(5);
    unit.get_timeout(TIMEOUT).unwrap();
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 5);
    registry.stop_all();
}

#[test]
fn b072_deferred_call_returns_no_future_and_runs_before_a_later_read() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let sent: pykka::Result<()> = proxy.defer().accumulate(3);
    sent.unwrap();
    proxy.defer().accumulate(4).unwrap();
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 7);
    registry.stop_all();
}

#[test]
fn b073_panic_in_method_goes_to_the_future_and_the_actor_keeps_running() {
    let registry = ActorRegistry::new();
    let (proxy, events) = calc(&registry);
    let err = proxy.explode("boom".into()).get_timeout(TIMEOUT).unwrap_err();
    match &err {
        Error::Panicked { actor, message } => {
            assert_eq!(&**message, "boom");
            assert_eq!(actor, proxy.actor_ref().id());
        }
        other => panic!("expected Panicked, got {other:?}"),
    }
    assert!(proxy.actor_ref().is_alive());
    assert_eq!(proxy.add(1, 1).get_timeout(TIMEOUT).unwrap(), 2);
    assert!(events.lock().unwrap().is_empty(), "no hook ran");
    registry.stop_all();
}

#[test]
fn b074_panic_in_deferred_call_calls_on_failure_not_on_stop() {
    let registry = ActorRegistry::new();
    let (proxy, events) = calc(&registry);
    let actor = proxy.actor_ref().clone();
    proxy.defer().explode("deferred boom".into()).unwrap();
    actor.join().unwrap();
    assert!(!actor.is_alive());
    assert_eq!(*events.lock().unwrap(), vec!["on_failure: deferred boom".to_string()]);
    assert!(registry.get_by_urn(actor.urn()).is_none());
}

#[test]
fn b077_method_can_return_a_future_from_its_own_proxy() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let outer: Future<Future<i64>> = proxy.offload(41);
    let inner = outer.get_timeout(TIMEOUT).unwrap();
    assert_eq!(inner.get_timeout(TIMEOUT).unwrap(), 42);
    registry.stop_all();
}

#[test]
fn b079_calls_from_one_caller_run_in_send_order() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    for i in 0..100 {
        proxy.defer().set_total(i).unwrap();
        proxy.defer().accumulate(1).unwrap();
    }
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 100);
    registry.stop_all();
}

#[test]
fn b080_b081_fields_are_read_and_written_in_message_order() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    assert_eq!(proxy.name().get_timeout(TIMEOUT).unwrap(), "calc");
    proxy.set_name("renamed".into());
    assert_eq!(proxy.name().get_timeout(TIMEOUT).unwrap(), "renamed");
    proxy.defer().set_total(9).unwrap();
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 9);
    registry.stop_all();
}

#[test]
fn b084_b085_properties_are_getter_and_setter_methods() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    proxy.set_doubled(10).get_timeout(TIMEOUT).unwrap();
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 5);
    assert_eq!(proxy.doubled().get_timeout(TIMEOUT).unwrap(), 10);
    registry.stop_all();
}

#[test]
fn b087_creating_a_proxy_runs_nothing_on_the_actor() {
    let registry = ActorRegistry::new();
    let (proxy, events) = calc(&registry);
    for _ in 0..10 {
        let _again = proxy.actor_ref().proxy().unwrap();
    }
    // `explode` would panic if anything were evaluated; the actor is untouched.
    assert!(proxy.actor_ref().is_alive());
    assert!(events.lock().unwrap().is_empty());
    assert_eq!(proxy.actor_ref().inbox_len(), 0);
    registry.stop_all();
}

#[test]
fn private_state_is_reached_only_through_pub_methods() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    assert_eq!(proxy.secret().get_timeout(TIMEOUT).unwrap(), 7);
    // `hidden` and the `secret` field have no proxy form (see tests/ui/fail/actor).
    let via_closure = proxy.actor_ref().ask_with(|c, _| c.hidden());
    assert_eq!(via_closure.get_timeout(TIMEOUT).unwrap(), 8);
    registry.stop_all();
}

#[test]
fn result_returning_methods_give_a_future_of_the_result() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    assert_eq!(proxy.checked_div(9, 3).get_timeout(TIMEOUT).unwrap(), Ok(3));
    assert_eq!(
        proxy.checked_div(1, 0).get_timeout(TIMEOUT).unwrap(),
        Err("division by zero".to_string())
    );
    registry.stop_all();
}

#[test]
fn plain_messages_and_proxy_calls_coexist() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let actor = proxy.actor_ref().clone();
    actor.tell(2).unwrap();
    proxy.accumulate(3).get_timeout(TIMEOUT).unwrap();
    assert_eq!(actor.ask(5).unwrap(), 10);
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 10);
    registry.stop_all();
}

#[test]
#[allow(
    clippy::mutable_key_type,
    reason = "proxies hash by the actor's URN and path, which never change"
)]
fn b092_to_b095_proxies_compare_and_hash_by_actor_and_path() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let (other, _) = calc(&registry);
    let again = proxy.actor_ref().proxy().unwrap();
    assert_eq!(proxy, proxy); // B092
    assert_eq!(proxy, again); // B094
    assert_ne!(proxy, other);
    let mut set = HashSet::new(); // B093
    set.insert(proxy.clone());
    set.insert(again.clone());
    set.insert(other.clone());
    assert_eq!(set.len(), 2);
    assert!(proxy.attr_path().is_empty());
    registry.stop_all();
}

#[test]
fn b096_to_b102_proxy_debug_and_display_name_the_actor() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let urn = proxy.actor_ref().urn().to_string();
    let debug = format!("{proxy:?}");
    assert!(debug.starts_with('<') && debug.ends_with('>'), "{debug}"); // B096
    assert!(debug.contains("ActorProxy"), "{debug}"); // B097
    assert!(debug.contains("Calc"), "{debug}"); // B098
    assert!(debug.contains(&urn), "{debug}"); // B099
    let display = proxy.to_string();
    assert!(display.contains("Calc"), "{display}"); // B101
    assert!(display.contains(&urn), "{display}"); // B102
    registry.stop_all();
}

#[test]
fn b105_stop_through_the_proxys_actor_ref_resolves() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    assert!(proxy.actor_ref().stop_future().get_timeout(TIMEOUT).unwrap());
}

#[test]
fn b106_proxy_of_a_dead_actor_is_actor_dead() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let actor = proxy.actor_ref().clone();
    assert!(actor.stop());
    let err = actor.proxy().unwrap_err();
    assert!(
        matches!(&err, Error::ActorDead { actor: id } if id == actor.id()),
        "{err:?}"
    );
    assert!(err.to_string().contains(actor.urn()));
}

#[test]
fn b107_actor_ref_of_a_proxy_outlives_the_actor() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    proxy.actor_ref().stop();
    assert!(!proxy.actor_ref().is_alive());
    let err = proxy.add(1, 1).get_timeout(TIMEOUT).unwrap_err();
    assert!(err.is_actor_dead(), "{err:?}");
    assert!(proxy.defer().accumulate(1).unwrap_err().is_actor_dead());
}

/// A collaborator the producer depends on, replaced by a test double in tests (B111).
pub trait Sink: Send {
    /// Takes one item.
    fn put(&mut self, item: String);
}

/// Produces items into its sink.
#[actor]
pub struct Producer {
    sink: Box<dyn Sink>,
}

impl Actor for Producer {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Producer {
    /// Produces one item.
    pub fn produce(&mut self, item: String) -> usize {
        let len = item.len();
        self.sink.put(item);
        len
    }
}

struct RecordingSink(mpsc::Sender<String>);

impl Sink for RecordingSink {
    fn put(&mut self, item: String) {
        self.0.send(item).unwrap();
    }
}

#[test]
fn b111_a_test_double_injected_at_start_is_what_the_proxy_reaches() {
    let registry = ActorRegistry::new();
    let (tx, rx) = mpsc::channel();
    let proxy = Producer {
        sink: Box::new(RecordingSink(tx)),
    }
    .start_in(&registry)
    .proxy()
    .unwrap();
    assert_eq!(proxy.produce("item".into()).get_timeout(TIMEOUT).unwrap(), 4);
    assert_eq!(rx.recv_timeout(TIMEOUT).unwrap(), "item");
    assert!(rx.try_recv().is_err(), "called exactly once");
    registry.stop_all();
}

#[test]
fn b142_to_b144_message_enums_can_be_sent_without_a_proxy() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let actor = proxy.actor_ref().clone();

    // B142: a method call with its arguments.
    let (reply, sum) = Reply::for_actor(actor.id());
    actor.send(CalcCall::Add { a: 2, b: 3, reply }).unwrap();
    assert_eq!(sum.get_timeout(TIMEOUT).unwrap(), 5);

    // B144: a field write; B143: a field read.
    let (reply, written) = Reply::for_actor(actor.id());
    actor.send(CalcMessage::SetTotal { value: 11, reply }).unwrap();
    written.get_timeout(TIMEOUT).unwrap();
    let (reply, total) = Reply::for_actor(actor.id());
    actor.send(CalcMessage::GetTotal { reply }).unwrap();
    assert_eq!(total.get_timeout(TIMEOUT).unwrap(), 11);

    // The combined enum carries method calls too, and a tell-form reply sends no answer.
    actor
        .send(CalcMessage::Call(CalcCall::Accumulate {
            x: 1,
            reply: Reply::tell(),
        }))
        .unwrap();
    assert_eq!(proxy.total().get_timeout(TIMEOUT).unwrap(), 12);
    registry.stop_all();
}

#[test]
fn b141_b145_messages_have_labels_and_debug_forms() {
    let registry = ActorRegistry::new();
    let (proxy, _) = calc(&registry);
    let (reply, _future) = Reply::<i64>::for_actor(proxy.actor_ref().id());
    let call = CalcCall::Add { a: 1, b: 2, reply };
    assert_eq!(call.label(), "add");
    assert_eq!(format!("{call:?}"), "CalcCall::Add");
    let get = CalcMessage::GetTotal { reply: Reply::tell() };
    assert_eq!(get.label(), "total");
    assert_eq!(format!("{get:?}"), "CalcMessage::GetTotal");
    assert_eq!(format!("{:?}", Reply::<i64>::tell()), "Reply::Tell");
    registry.stop_all();
}

#[test]
fn proxies_are_send_sync_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<CalcProxy>();
    assert_traits::<CalcDefer>();
    assert_traits::<ProducerProxy>();
}

/// A generic actor with a bound (point 7 of the proxy issue).
#[actor]
pub struct Slot<T: Clone + Send + std::fmt::Debug + 'static> {
    /// The held value.
    pub value: T,
}

impl<T: Clone + Send + std::fmt::Debug + 'static> Actor for Slot<T> {
    type Message = ();
    type Reply = ();
}

#[actor]
impl<T: Clone + Send + std::fmt::Debug + 'static> Slot<T> {
    /// Replaces the value, returning the old one.
    pub fn replace(&mut self, value: T) -> T {
        std::mem::replace(&mut self.value, value)
    }
}

#[test]
fn generic_actors_get_generic_proxies() {
    let registry = ActorRegistry::new();
    let words = Slot {
        value: String::from("a"),
    }
    .start_in(&registry)
    .proxy()
    .unwrap();
    let numbers = Slot { value: 1u8 }.start_in(&registry).proxy().unwrap();
    assert_eq!(words.replace("b".into()).get_timeout(TIMEOUT).unwrap(), "a");
    assert_eq!(words.value().get_timeout(TIMEOUT).unwrap(), "b");
    assert_eq!(numbers.replace(2).get_timeout(TIMEOUT).unwrap(), 1);
    assert!(
        words.actor_ref().name().starts_with("Slot<"),
        "{}",
        words.actor_ref().name()
    );
    registry.stop_all();
}

/// Fields and methods visible in the crate only get crate-visible accessors.
#[actor]
pub struct Scoped {
    pub(crate) note: String,
}

impl Actor for Scoped {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Scoped {
    /// Crate-visible method.
    pub(crate) fn shout(&self) -> String {
        self.note.to_uppercase()
    }
}

#[test]
fn crate_visible_fields_and_methods_are_proxied() {
    let registry = ActorRegistry::new();
    let proxy = Scoped { note: "hi".into() }.start_in(&registry).proxy().unwrap();
    proxy.set_note("hey".into()).get_timeout(TIMEOUT).unwrap();
    assert_eq!(proxy.note().get_timeout(TIMEOUT).unwrap(), "hey");
    assert_eq!(proxy.shout().get_timeout(TIMEOUT).unwrap(), "HEY");
    registry.stop_all();
}

/// Owned forms of borrowing types cross threads: a `Cow<'static, str>`, `'static` references,
/// and a boxed closure whose `&str` argument is bound by its `Fn` signature, not borrowed.
#[actor]
pub struct Shelf {
    titles: Vec<String>,
}

impl Actor for Shelf {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Shelf {
    /// Keeps `title`, whether borrowed for `'static` or owned.
    pub fn shelve(&mut self, title: std::borrow::Cow<'static, str>) -> usize {
        self.titles.push(title.into_owned());
        self.titles.len()
    }

    /// Formats every title with `format`.
    pub fn list(&self, format: Box<dyn Fn(&str) -> String + Send>) -> Vec<String> {
        self.titles.iter().map(|t| format(t)).collect()
    }

    /// Whether a title is `title`.
    pub fn has(&self, title: &'static str) -> bool {
        self.titles.iter().any(|t| t == title)
    }

    /// The first title that starts with one of `prefixes`, and the shelf's label.
    pub fn find(&self, prefixes: Vec<&'static str>) -> (Option<String>, &'static str) {
        let found = self.titles.iter().find(|t| prefixes.iter().any(|p| t.starts_with(p)));
        (found.cloned(), "shelf")
    }
}

#[test]
fn static_cows_and_closures_over_borrowed_arguments_are_proxied() {
    let shelf = Shelf { titles: Vec::new() }.start();
    let proxy = shelf.proxy().unwrap();
    assert_eq!(
        proxy
            .shelve(std::borrow::Cow::Borrowed("Dune"))
            .get_timeout(TIMEOUT)
            .unwrap(),
        1
    );
    assert_eq!(
        proxy
            .shelve(std::borrow::Cow::Owned("Emma".to_owned()))
            .get_timeout(TIMEOUT)
            .unwrap(),
        2
    );
    let listed = proxy
        .list(Box::new(|t: &str| format!("<{t}>")))
        .get_timeout(TIMEOUT)
        .unwrap();
    assert_eq!(listed, ["<Dune>", "<Emma>"]);
    let found = proxy.find(vec!["X", "Em"]).get_timeout(TIMEOUT).unwrap();
    assert_eq!(found, (Some("Emma".to_owned()), "shelf"));
    assert!(proxy.has("Dune").get_timeout(TIMEOUT).unwrap());
    assert!(shelf.stop());
}
