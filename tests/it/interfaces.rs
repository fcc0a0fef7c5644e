//! Interfaces: actors of different types behind one typed trait (`#[interface]`), found in a
//! registry by the interfaces they implement, and broadcast to as listeners.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use pykka::{Actor, ActorRegistry, Error, actor, interface};

use crate::support::{DEFAULT_TIMEOUT, Events, Latch};

/// A music source: the same calls whatever the actor behind it.
#[interface]
pub trait Backend {
    /// The tracks matching `query`.
    fn search(&mut self, query: String) -> Vec<String>;

    /// How many searches this backend ran.
    fn searches(&self) -> u32;

    /// The backend's name; a default body, overridden by one implementor only.
    fn name(&self) -> String {
        "unnamed".to_string()
    }
}

/// Something told about events: tell semantics, in order.
#[interface]
pub trait Listener {
    /// One event.
    fn on_event(&mut self, event: String);
}

/// A local library: a backend and a listener.
#[actor]
pub struct Local {
    pub tracks: Vec<String>,
    pub count: u32,
    pub events: Vec<String>,
}

impl Actor for Local {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend, Listener];
}

#[actor]
impl Local {
    /// A method of the actor's own proxy only.
    pub fn add(&mut self, track: String) -> usize {
        self.tracks.push(track);
        self.tracks.len()
    }
}

#[actor]
impl Backend for Local {
    fn search(&mut self, query: String) -> Vec<String> {
        self.count += 1;
        self.tracks.iter().filter(|t| t.contains(&query)).cloned().collect()
    }

    fn searches(&self) -> u32 {
        self.count
    }
}

#[actor]
impl Listener for Local {
    fn on_event(&mut self, event: String) {
        self.events.push(event);
    }
}

fn local(tracks: &[&str]) -> Local {
    Local {
        tracks: tracks.iter().map(|t| t.to_string()).collect(),
        count: 0,
        events: Vec::new(),
    }
}

/// A stream: a backend of another type, which names itself; waits on a latch when asked to.
#[actor]
pub struct Stream {
    pub prefix: String,
    pub count: u32,
    pub gate: Option<Arc<Latch>>,
}

impl Actor for Stream {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend];
}

#[actor]
impl Stream {}

#[actor]
impl Backend for Stream {
    fn search(&mut self, query: String) -> Vec<String> {
        if let Some(gate) = &self.gate {
            gate.wait();
        }
        self.count += 1;
        vec![format!("{}{query}", self.prefix)]
    }

    fn searches(&self) -> u32 {
        self.count
    }

    fn name(&self) -> String {
        format!("stream {}", self.prefix)
    }
}

fn stream(prefix: &str) -> Stream {
    Stream {
        prefix: prefix.to_string(),
        count: 0,
        gate: None,
    }
}

/// A listener that records into shared events, and panics on the event `"boom:{tag}"`.
#[actor]
pub struct Recorder {
    pub tag: String,
    pub events: Arc<Events>,
}

impl Actor for Recorder {
    type Message = ();
    type Reply = ();
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Listener];
}

#[actor]
impl Recorder {}

#[actor]
impl Listener for Recorder {
    fn on_event(&mut self, event: String) {
        assert!(
            event != format!("boom:{}", self.tag),
            "listener {} cannot take it",
            self.tag
        );
        self.events.push(format!("{}:{event}", self.tag));
    }
}

/// An actor implementing no interface.
#[actor]
pub struct Plain;

impl Actor for Plain {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Plain {}

#[test]
fn two_actor_types_behind_one_interface_are_called_in_both_forms_from_one_collection() {
    let registry = ActorRegistry::new();
    let a = local(&["jazz one", "rock two", "jazz three"]).start_in(&registry);
    let b = stream("radio:").start_in(&registry);
    let backends: Vec<BackendProxy> = vec![a.clone().into(), b.interface::<dyn Backend>().unwrap()];

    let futures: Vec<_> = backends.iter().map(|p| p.search("jazz".into())).collect();
    let found = pykka::get_all(&futures, Some(DEFAULT_TIMEOUT)).unwrap();
    assert_eq!(found, [vec!["jazz one", "jazz three"], vec!["radio:jazz"]]);

    for p in &backends {
        p.defer().search("rock".into()).unwrap();
    }
    let counts: Vec<_> = backends.iter().map(|p| p.searches()).collect();
    assert_eq!(pykka::get_all(&counts, Some(DEFAULT_TIMEOUT)).unwrap(), [2, 2]);

    // The default body runs for `Local`, the override for `Stream`.
    let names: Vec<_> = backends.iter().map(|p| p.name()).collect();
    assert_eq!(
        pykka::get_all(&names, Some(DEFAULT_TIMEOUT)).unwrap(),
        ["unnamed", "stream radio:"]
    );
    registry.stop_all();
}

#[test]
fn an_interface_call_can_be_awaited() {
    let registry = ActorRegistry::new();
    let a = local(&["x1", "x2"]).start_in(&registry);
    let proxy = a.interface::<dyn Backend>().unwrap();
    let found = block_on(async move { proxy.search("x".into()).await });
    assert_eq!(found.unwrap(), ["x1", "x2"]);
    registry.stop_all();
}

#[test]
fn an_actor_with_two_interfaces_keeps_its_own_proxy() {
    let registry = ActorRegistry::new();
    let a = local(&["one"]).start_in(&registry);
    let backend = BackendProxy::from(a.clone());
    let listener = ListenerProxy::from(a.clone());
    let own = a.proxy().unwrap();

    listener.defer().on_event("first".into()).unwrap();
    assert_eq!(own.add("two".into()).get_timeout(DEFAULT_TIMEOUT).unwrap(), 2);
    listener.on_event("second".into()).get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert_eq!(
        backend.search("o".into()).get_timeout(DEFAULT_TIMEOUT).unwrap(),
        ["one", "two"]
    );
    assert_eq!(own.events().get_timeout(DEFAULT_TIMEOUT).unwrap(), ["first", "second"]);
    assert_eq!(backend.actor_ref(), listener.actor_ref());
    assert_eq!(*backend.actor_ref(), a);
    registry.stop_all();
}

#[test]
fn interface_proxies_compare_hash_and_print_by_actor() {
    let registry = ActorRegistry::new();
    let a = local(&[]).start_in(&registry);
    let b = stream("s:").start_in(&registry);
    let (a1, a2) = (BackendProxy::from(a.clone()), a.interface::<dyn Backend>().unwrap());
    let b1 = BackendProxy::from(b.clone());
    assert_eq!(a1, a2);
    assert_eq!(a1, a1.with_timeout(Duration::from_secs(1)));
    assert_ne!(a1, b1);
    let set: HashSet<BackendProxy> = [a1.clone(), a2, b1.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    assert_eq!(format!("{a1:?}"), format!("BackendProxy for {}", a.id()));
    assert_eq!(b1.to_string(), format!("BackendProxy for {}", b.id()));
    fn shareable<T: Clone + Send + Sync + Eq + std::hash::Hash + std::fmt::Debug + 'static>(_: &T) {}
    shareable(&a1);
    shareable(&a1.defer());
    registry.stop_all();
}

#[test]
fn an_interface_proxy_can_be_passed_to_another_actor_and_stored() {
    #[actor]
    pub struct Core {
        pub backends: Vec<BackendProxy>,
    }
    impl Actor for Core {
        type Message = ();
        type Reply = ();
    }
    #[actor]
    impl Core {
        pub fn add_backend(&mut self, backend: BackendProxy) {
            self.backends.push(backend);
        }
        pub fn search_all(&self, query: String) -> Vec<String> {
            let futures: Vec<_> = self.backends.iter().map(|b| b.search(query.clone())).collect();
            pykka::get_all(&futures, Some(DEFAULT_TIMEOUT)).unwrap().concat()
        }
    }
    let registry = ActorRegistry::new();
    let core = Core { backends: Vec::new() }.start_in(&registry).proxy().unwrap();
    core.add_backend(local(&["a song"]).start_in(&registry).into())
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
    core.add_backend(stream("s:").start_in(&registry).into())
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
    assert_eq!(
        core.search_all("song".into()).get_timeout(DEFAULT_TIMEOUT).unwrap(),
        ["a song", "s:song"]
    );
    registry.stop_all();
}

#[test]
fn an_interface_proxy_of_a_stopped_actor_fails_with_actor_dead() {
    let registry = ActorRegistry::new();
    let a = local(&[]).start_in(&registry);
    let proxy = BackendProxy::from(a.clone());
    a.stop();
    let id = a.id().clone();
    match proxy.search("x".into()).get_timeout(DEFAULT_TIMEOUT) {
        Err(Error::ActorDead { actor }) => assert_eq!(actor, id),
        other => panic!("expected ActorDead, got {other:?}"),
    }
    match proxy.defer().search("x".into()) {
        Err(Error::ActorDead { actor }) => assert_eq!(actor, id),
        other => panic!("expected ActorDead, got {other:?}"),
    }
    match a.interface::<dyn Backend>() {
        Err(Error::ActorDead { actor }) => assert_eq!(actor, id),
        other => panic!("expected ActorDead, got {other:?}"),
    }
}

#[test]
fn an_interface_proxy_with_a_timeout_gives_up_at_its_deadline() {
    let registry = ActorRegistry::new();
    let gate = Arc::new(Latch::new());
    let s = Stream {
        gate: Some(gate.clone()),
        ..stream("s:")
    }
    .start_in(&registry);
    let proxy = BackendProxy::from(s.clone()).with_timeout(Duration::from_millis(50));
    match proxy.search("x".into()).get() {
        Err(Error::Timeout { .. }) => {}
        other => panic!("expected Timeout, got {other:?}"),
    }
    // The deferred form keeps the timeout (it waits for room only, and there is room).
    proxy.defer().search("y".into()).unwrap();
    gate.open();
    let unbounded = proxy.with_timeout(None);
    assert_eq!(unbounded.searches().get_timeout(DEFAULT_TIMEOUT).unwrap(), 2);
    registry.stop_all();
}

#[test]
fn lookup_by_interface_finds_exactly_the_implementors_in_start_order() {
    let registry = ActorRegistry::new();
    let other = ActorRegistry::new();
    let a = local(&[]).start_in(&registry);
    let _plain = Plain.start_in(&registry);
    let r = Recorder {
        tag: "r".into(),
        events: Arc::new(Events::new()),
    }
    .start_in(&registry);
    let s = stream("s:").start_in(&registry);
    let elsewhere = stream("o:").start_in(&other);

    let backends = registry.get_by_interface::<dyn Backend>();
    assert_eq!(backends, [BackendProxy::from(a.clone()), BackendProxy::from(s.clone())]);
    let listeners = registry.get_by_interface::<dyn Listener>();
    assert_eq!(
        listeners,
        [ListenerProxy::from(a.clone()), ListenerProxy::from(r.clone())]
    );
    assert_eq!(
        other.get_by_interface::<dyn Backend>(),
        [BackendProxy::from(elsewhere.clone())]
    );
    assert!(other.get_by_interface::<dyn Listener>().is_empty());

    // Type-erased refs convert too, or say they do not implement it.
    let all = registry.get_all();
    let as_backend: Vec<_> = all.iter().map(|x| x.interface::<dyn Backend>().is_some()).collect();
    assert_eq!(as_backend, [true, false, false, true]);

    s.stop();
    assert_eq!(registry.get_by_interface::<dyn Backend>(), [BackendProxy::from(a)]);
    registry.stop_all();
    other.stop_all();
}

#[test]
fn an_interface_broadcast_reaches_every_listener_in_order_despite_a_panicking_one() {
    for round in 0..20 {
        let registry = ActorRegistry::new();
        let events = Arc::new(Events::new());
        let recorders: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|tag| {
                Recorder {
                    tag: tag.to_string(),
                    events: events.clone(),
                }
                .start_in(&registry)
            })
            .collect();
        let _plain = Plain.start_in(&registry);
        pykka::quiet_handled_panics();
        for event in ["1", "boom:b", "2", "3"] {
            let failed = registry.broadcast_interface::<dyn Listener>(|l| l.defer().on_event(event.into()));
            // `b` fails on its boom; a broadcast that found it just before it left the
            // registry may report it (and only it) dead.
            for (actor, error) in &failed {
                assert_eq!(*actor, recorders[1], "round {round}");
                assert!(error.is_actor_dead(), "round {round}: {error:?}");
            }
        }
        recorders[1].join_timeout(DEFAULT_TIMEOUT).unwrap();
        for r in [&recorders[0], &recorders[2]] {
            r.proxy().unwrap().tag().get_timeout(DEFAULT_TIMEOUT).unwrap();
        }
        let per = |tag: &str| -> Vec<String> {
            let prefix = format!("{tag}:");
            events
                .snapshot()
                .into_iter()
                .filter(|e| e.starts_with(&prefix))
                .collect()
        };
        assert_eq!(per("a"), ["a:1", "a:boom:b", "a:2", "a:3"], "round {round}");
        assert_eq!(per("b"), ["b:1"], "round {round}");
        assert_eq!(per("c"), ["c:1", "c:boom:b", "c:2", "c:3"], "round {round}");
        assert!(!recorders[1].is_alive());
        assert_eq!(registry.get_by_interface::<dyn Listener>().len(), 2);
        registry.stop_all();
    }
}

#[test]
fn an_interface_broadcast_reports_the_listeners_it_failed_for_and_goes_on() {
    let registry = ActorRegistry::new();
    let events = Arc::new(Events::new());
    let make = |tag: &str| {
        Recorder {
            tag: tag.to_string(),
            events: events.clone(),
        }
        .start_in(&registry)
    };
    let (a, b, c) = (make("a"), make("b"), make("c"));
    pykka::quiet_handled_panics();
    let failed = registry.broadcast_interface::<dyn Listener>(|l| {
        if *l.actor_ref() == a {
            panic!("the caller's own bug");
        }
        if *l.actor_ref() == b {
            return Err(Error::custom("refused"));
        }
        l.defer().on_event("e".into())
    });
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0].0, a);
    assert!(
        matches!(&failed[0].1, Error::Custom { message } if message.contains("the caller's own bug")),
        "{:?}",
        failed[0].1
    );
    assert_eq!(failed[1].0, b);
    assert_eq!(failed[1].1.to_string(), "refused");
    c.proxy().unwrap().tag().get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert_eq!(events.snapshot(), ["c:e"]);
    assert!(a.is_alive() && b.is_alive());
    registry.stop_all();
}

/// Polls `fut` on this thread, parking between polls until its waker runs (bounded).
fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    let deadline = std::time::Instant::now() + DEFAULT_TIMEOUT;
    loop {
        if let std::task::Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        let now = std::time::Instant::now();
        assert!(now < deadline, "the future never became ready");
        std::thread::park_timeout(deadline - now);
    }
}

// Controllers that reach their actor: Mopidy's `core.playback.next()` using
// `self.core.tracklist`, as a `#[proxy(actor)]` method of the playback controller.

/// The tracklist controller.
#[pykka::traversable]
pub struct Tracklist {
    pub tracks: Vec<String>,
    pub index: usize,
}

#[pykka::traversable]
impl Tracklist {
    /// Adds a track; returns the tracklist's length.
    pub fn add(&mut self, track: String) -> usize {
        self.tracks.push(track);
        self.tracks.len()
    }

    /// The track `next` would play (Mopidy's `tracklist.next_track()`).
    pub fn next_track(&self) -> Option<String> {
        self.tracks.get(self.index).cloned()
    }
}

/// The playback controller.
#[pykka::traversable]
pub struct Playback {
    pub current: Option<String>,
    pub played: Vec<String>,
}

#[pykka::traversable]
impl Playback {
    /// Plays the tracklist's next track: reads and advances the sibling tracklist and sets
    /// this controller's state, in one message.
    #[proxy(actor)]
    pub fn next(core: &mut Core) -> Option<String> {
        let track = core.tracklist.next_track()?;
        core.tracklist.index += 1;
        core.playback.current = Some(track.clone());
        core.playback.played.push(track.clone());
        Some(track)
    }

    /// Reads the whole actor (and its context) without changing it.
    #[proxy(actor)]
    pub fn describe(core: &Core, ctx: &pykka::Context<Core>, prefix: String) -> String {
        format!(
            "{prefix} {} at {} on {}",
            core.playback.current.clone().unwrap_or_default(),
            core.volume,
            ctx.actor_ref().id().name()
        )
    }

    /// A plain controller method, next to the ones given the actor.
    pub fn playing(&self) -> bool {
        self.current.is_some()
    }
}

/// Mopidy's Core: controllers as traversable fields.
#[actor]
pub struct Core {
    #[traversable]
    pub playback: Playback,
    #[traversable]
    pub tracklist: Tracklist,
    pub volume: u8,
}

impl Actor for Core {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Core {}

fn core(registry: &ActorRegistry) -> CoreProxy {
    Core {
        playback: Playback {
            current: None,
            played: Vec::new(),
        },
        tracklist: Tracklist {
            tracks: Vec::new(),
            index: 0,
        },
        volume: 50,
    }
    .start_in(registry)
    .proxy()
    .unwrap()
}

#[test]
fn a_controller_method_mutates_a_sibling_controller_within_one_message() {
    let registry = ActorRegistry::new();
    let core = core(&registry);
    for n in 0..3 {
        core.tracklist()
            .add(format!("t{n}"))
            .get_timeout(DEFAULT_TIMEOUT)
            .unwrap();
    }
    assert_eq!(
        core.playback().next().get_timeout(DEFAULT_TIMEOUT).unwrap().as_deref(),
        Some("t0")
    );
    assert_eq!(core.tracklist().index().get_timeout(DEFAULT_TIMEOUT).unwrap(), 1);
    assert_eq!(
        core.playback()
            .current()
            .get_timeout(DEFAULT_TIMEOUT)
            .unwrap()
            .as_deref(),
        Some("t0")
    );
    assert!(core.playback().playing().get_timeout(DEFAULT_TIMEOUT).unwrap());
    core.playback().defer().next().unwrap();
    assert_eq!(
        core.playback()
            .with_timeout(DEFAULT_TIMEOUT)
            .describe("now".into())
            .get()
            .unwrap(),
        "now t1 at 50 on Core"
    );
    assert_eq!(
        core.playback().next().get_timeout(DEFAULT_TIMEOUT).unwrap().as_deref(),
        Some("t2")
    );
    assert_eq!(core.playback().next().get_timeout(DEFAULT_TIMEOUT).unwrap(), None);
    assert_eq!(
        core.playback().played().get_timeout(DEFAULT_TIMEOUT).unwrap(),
        ["t0", "t1", "t2"]
    );
    registry.stop_all();
}

#[test]
fn controller_calls_from_many_threads_each_see_and_advance_the_sibling_atomically() {
    let registry = ActorRegistry::new();
    let core = core(&registry);
    let tracks: Vec<String> = (0..200).map(|n| format!("t{n:03}")).collect();
    for t in &tracks {
        core.tracklist().defer().add(t.clone()).unwrap();
    }
    let barrier = Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (core, barrier) = (core.clone(), barrier.clone());
            crate::support::spawn("controller caller", move || {
                barrier.wait();
                (0..50)
                    .map(|_| core.playback().next().get_timeout(DEFAULT_TIMEOUT).unwrap().unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut got: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    got.sort();
    // Every call read the tracklist and advanced it in the same message: no track twice.
    assert_eq!(got, tracks);
    assert_eq!(core.playback().played().get_timeout(DEFAULT_TIMEOUT).unwrap(), tracks);
    assert_eq!(core.tracklist().index().get_timeout(DEFAULT_TIMEOUT).unwrap(), 200);
    registry.stop_all();
}

#[test]
fn a_controller_method_on_a_stopped_actor_fails_with_actor_dead() {
    let registry = ActorRegistry::new();
    let core = core(&registry);
    let playback = core.playback();
    core.actor_ref().stop();
    assert!(
        playback
            .next()
            .get_timeout(DEFAULT_TIMEOUT)
            .unwrap_err()
            .is_actor_dead()
    );
    assert!(playback.defer().next().unwrap_err().is_actor_dead());
}
